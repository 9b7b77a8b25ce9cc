import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CaseRelationships, decide, type Principal, type Purpose } from '@stac/auth';
import {
  CaseReferredV1,
  PersonCheckRequestedV1,
  type CheckAnswerCommand,
  type LocatedCheck,
  type ProbationCasePart,
  type SupervisionCheckView,
} from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { contactRouteOf, currentChecks } from '@stac/partner-checks';
import { Clock, type LoggedRead, type RequestContext } from '@stac/runtime';
import { ProbationKeys } from '../keys/probation-keys';
import { MappaDecision } from '../mappa/mappa-decision.entity';
import { SupervisionCheck as SupervisionCheckEntity, type SupervisionCheck } from './supervision-check.entity';
import { SUPERVISION_CHECKS, type SupervisionChecks } from './supervision-checks';


export function checkView(c: SupervisionCheck, now: Date): SupervisionCheckView {
  return {
    checkId: c.id,
    caseId: c.caseId,
    personId: c.personId,
    status: c.status,
    reason: c.reason,
    supervisionStatus: c.supervisionStatus,
    contactRoute: contactRouteOf(c),
    hasProbationCaseReference: c.referenceToken !== null,
    requestedAt: c.requestedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    overdue: c.status === 'REQUESTED' && c.dueAt.getTime() < now.getTime(),
    answeredAt: c.answeredAt?.toISOString() ?? null,
    version: c.version,
  };
}

/**
 * Supervision checks (domain.md §3 H2) on the shared partner-check behaviour (@stac/partner-checks): opened
 * for the referral's person of concern and every one named later, due on the working-day calendar,
 * answered by a probation practitioner with the supervision status and a contact route (publishing the thin
 * `probation.check.answered.v1`). The probation case reference is kept only as a keyed search token (HMAC
 * under its own key), so a practitioner can find every check answered for one probation case without the
 * reference being stored, published or logged.
 */
@Injectable()
export class SupervisionChecksService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SUPERVISION_CHECKS) private readonly checks: SupervisionChecks,
    private readonly relationships: CaseRelationships,
    private readonly clock: Clock,
    private readonly keys: ProbationKeys,
  ) {}

  /** A referred case with a person of concern opens a supervision check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    return this.checks.openForReferral(event, ctx);
  }

  /** A person of concern named on the case later is checked too. */
  @OnEvent(PersonCheckRequestedV1)
  onPersonCheckRequested(event: PersonCheckRequestedV1, ctx: EventContext): Promise<void> {
    return this.checks.openForNamedPerson(event, ctx);
  }

  answer(cmd: CheckAnswerCommand, ctx: RequestContext): Promise<SupervisionCheckView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const saved = await this.checks.answer(m, {
        caseId: cmd.caseId,
        checkId: cmd.checkId,
        expectedVersion: cmd.expectedVersion,
        contactRoute: cmd.contactRoute,
        apply: (c) => {
          c.supervisionStatus = cmd.supervisionStatus;
          c.referenceToken = cmd.probationCaseReference ? this.keys.referenceToken(cmd.probationCaseReference) : null;
          return cmd.supervisionStatus;
        },
        answeredBy: ctx.principal.subject,
        at: now,
        headers: { correlationId: ctx.correlationId, traceparent: ctx.traceparent },
      });
      await ctx.audit(m, { recordIds: [cmd.caseId, saved.id] });
      // The answer leaves probation in the thin event: a disclosure under its agreements.
      await ctx.audit(m, {
        recordIds: [cmd.caseId, saved.id],
        processing: 'disclosure',
        recipients: ['police', 'mental-health'],
        legalBasis: 'agreement:probation-to-police,probation-to-mental-health',
      });
      return checkView(saved, now);
    });
  }

  /** Checks answered with this probation case reference, on cases the caller may see (each decided as a read of it). */
  async locate(reference: string, principal: Principal, purpose: Purpose): Promise<LocatedCheck[]> {
    const found = await this.dataSource.manager.find(SupervisionCheckEntity, {
      where: { referenceToken: this.keys.referenceToken(reference) },
      order: { answeredAt: 'ASC' },
      take: 100,
    });
    const resources = await this.relationships.forPrincipalMany(this.dataSource, found.map((c) => c.caseId), principal);
    return found
      .filter((c) => decide(principal, 'probation.read', resources.get(c.caseId)!, [], purpose).allow)
      .map((c) => ({ checkId: c.id, caseId: c.caseId, supervisionStatus: c.supervisionStatus, answeredAt: c.answeredAt?.toISOString() ?? null }));
  }

  async forCase(caseId: string, m: EntityManager = this.dataSource.manager): Promise<SupervisionCheck | null> {
    const all = currentChecks(await this.checks.forCase(m, caseId));
    return all[0] ?? null;
  }

  /**
   * Probation's part of the unified case view: the check's answer and contact route, and the MAPPA level.
   * One statement (with the access-log row, through the case-part reader): the first current check, as
   * `forCase` gives it (a PERSON_IDENTIFIED check stands in for the person's earlier ones, `currentChecks`),
   * with the case's latest MAPPA decision.
   */
  async casePart(caseId: string, read: LoggedRead = (sql, params) => this.dataSource.query(sql, params)): Promise<ProbationCasePart | null> {
    const [c] = await read<{
      id: string;
      status: SupervisionCheck['status'];
      supervision_status: SupervisionCheck['supervisionStatus'];
      requested_at: Date;
      contact_team: string | null;
      contact_role: string | null;
      contact_how_to_reach: string | null;
      category: MappaDecision['category'] | null;
      level: MappaDecision['level'] | null;
    }>(
      `SELECT c.id, c.status, c.supervision_status, c.requested_at, c.contact_team, c.contact_role, c.contact_how_to_reach, m.category, m.level
         FROM supervision_check c
         LEFT JOIN LATERAL (SELECT category, level FROM mappa_decision d WHERE d.case_id = c.case_id ORDER BY d.set_at DESC LIMIT 1) m ON true
        WHERE c.case_id = $1
          AND (c.reason = 'PERSON_IDENTIFIED'
               OR NOT EXISTS (SELECT 1 FROM supervision_check i WHERE i.case_id = c.case_id AND i.person_id = c.person_id AND i.reason = 'PERSON_IDENTIFIED'))
        ORDER BY c.requested_at, c.id
        LIMIT 1`,
      [caseId],
    );
    if (!c) return null;
    return {
      checkId: c.id,
      status: c.status,
      answer: c.supervision_status,
      requestedAt: c.requested_at.toISOString(),
      contactRoute: contactRouteOf({ contactTeam: c.contact_team, contactRole: c.contact_role, contactHowToReach: c.contact_how_to_reach }),
      mappaCategory: c.category ?? null,
      mappaLevel: c.level ?? null,
    };
  }
}
