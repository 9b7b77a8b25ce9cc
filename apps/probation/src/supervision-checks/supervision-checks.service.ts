import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseAccessGrants, CaseRelationships, decide, systemPrincipal, type Principal, type Purpose } from '@stac/auth';
import {
  CaseReferredV1,
  ProbationCheckAnsweredV1,
  type CheckAnswerCommand,
  type LocatedCheck,
  type ProbationCasePart,
  type SupervisionCheckView,
} from '@stac/contracts';
import { addEnglandAndWalesWorkingDays } from '@stac/domain';
import { caseIdOf, OnEvent, Outbox, type EventContext } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { ProbationKeys } from '../keys/probation-keys';
import { MappaDecision } from '../mappa/mappa-decision.entity';
import { ProbationSettings } from '../probation-settings';
import { SupervisionCheck } from './supervision-check.entity';

export type ProbationContext = Pick<RequestContext, 'principal' | 'decision' | 'purpose' | 'fieldGroups' | 'correlationId' | 'traceparent' | 'idempotencyKey' | 'audit' | 'owning'>;

/**
 * Probation's own team holds victim.location on its records: it recommends and enforces the licence
 * conditions whose exclusion zones reveal where the victim is. Partners see core facts only.
 */
export const PROBATION_OWNER_FIELD_GROUPS = ['risk.rationale', 'victim.location'] as const;

export function checkView(c: SupervisionCheck, now: Date): SupervisionCheckView {
  return {
    checkId: c.id,
    caseId: c.caseId,
    status: c.status,
    supervisionStatus: c.supervisionStatus,
    contactRoute: c.contactRoute,
    contactPoint: c.contactPoint,
    hasProbationCaseReference: c.referenceToken !== null,
    requestedAt: c.requestedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    overdue: c.status === 'REQUESTED' && c.dueAt.getTime() < now.getTime(),
    answeredAt: c.answeredAt?.toISOString() ?? null,
  };
}

/**
 * Supervision checks (domain.md §3 H2): opened for every referred case with a person of concern, due on
 * the working-day calendar, answered by a probation practitioner with the supervision status and a contact
 * route. The probation case reference is kept only as a keyed search token (HMAC under its own key), so a
 * practitioner can find every check answered for one probation case without the reference being stored.
 */
@Injectable()
export class SupervisionChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
    private readonly relationships: CaseRelationships,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly keys: ProbationKeys,
    private readonly settings: ProbationSettings,
  ) {}

  /** A referred case with a person of concern opens a supervision check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    if (!event.personOfConcernId) return;
    const now = this.clock.now();
    const inserted = await ctx.manager
      .createQueryBuilder()
      .insert()
      .into(SupervisionCheck)
      .values({
        id: randomUUID(),
        caseId: caseIdOf(ctx),
        personId: event.personOfConcernId,
        status: 'REQUESTED',
        supervisionStatus: null,
        requestedAt: now,
        dueAt: addEnglandAndWalesWorkingDays(now, this.settings.checkTargetWorkingDays),
        answeredAt: null,
        contactRoute: null,
        contactPoint: null,
        referenceToken: null,
        answeredBy: null,
        version: 1,
      })
      .orIgnore()
      .returning('id')
      .execute();
    // Nothing inserted: another event already opened this record and its access.
    if ((inserted.raw as unknown[]).length === 0) return;
    await this.grants.open(ctx.manager, {
      caseId: caseIdOf(ctx),
      owner: 'probation',
      ownerFieldGroups: PROBATION_OWNER_FIELD_GROUPS,
      shares: [{ agency: 'police', agreementCode: 'probation-to-police' }, { agency: 'mental-health', agreementCode: 'probation-to-mental-health' }],
      actor: systemPrincipal('probation', 'probation'),
      correlationId: ctx.correlationId,
    });
  }

  answer(cmd: CheckAnswerCommand, ctx: ProbationContext): Promise<SupervisionCheckView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const c = await m.findOne(SupervisionCheck, { where: { id: cmd.checkId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!c) throw rpcProblem(404, 'check-not-found', 'No such supervision check on this case');
      if (c.status === 'ANSWERED') throw rpcProblem(409, 'check-already-answered', 'This supervision check was already answered');
      c.status = 'ANSWERED';
      c.supervisionStatus = cmd.supervisionStatus;
      c.contactRoute = cmd.contactRoute;
      c.contactPoint = cmd.contactPoint ?? null;
      c.referenceToken = cmd.probationCaseReference ? this.keys.referenceToken(cmd.probationCaseReference) : null;
      c.answeredAt = now;
      c.answeredBy = ctx.principal.subject;
      const saved = await m.save(c);
      await this.outbox.enqueue(
        m,
        ProbationCheckAnsweredV1,
        {
          caseId: c.caseId,
          aggregateVersion: saved.version,
          additionalInformation: { checkId: c.id, supervisionStatus: cmd.supervisionStatus, contactRoute: cmd.contactRoute, answeredAt: now.toISOString() },
        },
        { correlationId: ctx.correlationId, traceparent: ctx.traceparent },
      );
      await ctx.audit(m, { recordIds: [c.caseId, c.id], recipients: ['probation', 'police', 'mental-health'] });
      return checkView(saved, now);
    });
  }

  /** Checks answered with this probation case reference, on cases the caller may see (each decided as a read of it). */
  async locate(reference: string, principal: Principal, purpose: Purpose): Promise<LocatedCheck[]> {
    const found = await this.dataSource.manager.find(SupervisionCheck, { where: { referenceToken: this.keys.referenceToken(reference) }, order: { answeredAt: 'ASC' }, take: 100 });
    const resources = await this.relationships.forPrincipalMany(this.dataSource, found.map((c) => c.caseId), principal);
    return found
      .filter((c) => decide(principal, 'probation.read', resources.get(c.caseId)!, [], purpose).allow)
      .map((c) => ({ checkId: c.id, caseId: c.caseId, supervisionStatus: c.supervisionStatus, answeredAt: c.answeredAt?.toISOString() ?? null }));
  }

  async forCase(caseId: string): Promise<SupervisionCheck | null> {
    return this.dataSource.manager.findOne(SupervisionCheck, { where: { caseId }, order: { requestedAt: 'ASC' } });
  }

  /** Probation's part of the unified case view: the check's answer and route, and the MAPPA level. */
  async casePart(caseId: string): Promise<ProbationCasePart | null> {
    const c = await this.forCase(caseId);
    if (!c) return null;
    const mappa = await this.dataSource.manager.findOne(MappaDecision, { where: { caseId }, order: { setAt: 'DESC' } });
    return {
      checkId: c.id,
      status: c.status,
      answer: c.supervisionStatus,
      requestedAt: c.requestedAt.toISOString(),
      contactRoute: c.contactRoute,
      mappaCategory: mappa?.category ?? null,
      mappaLevel: mappa?.level ?? null,
    };
  }
}
