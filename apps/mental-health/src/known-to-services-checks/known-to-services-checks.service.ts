import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CaseReferredV1, PersonCheckRequestedV1, type AnswerCheckCommand, type MhCheckView } from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { contactRouteOf } from '@stac/partner-checks';
import type { RequestContext } from '@stac/runtime';
import { actorOf, auditRead, headersOf } from '../trust-workflow';
import type { KnownToServicesCheck } from './known-to-services-check.entity';
import { KNOWN_TO_SERVICES_CHECKS, type KnownToServicesChecks } from './known-to-services-checks';

export function checkView(c: KnownToServicesCheck, now: Date): MhCheckView {
  return {
    checkId: c.id,
    caseId: c.caseId,
    personId: c.personId,
    status: c.status,
    reason: c.reason,
    answer: c.answer,
    contactRoute: contactRouteOf(c),
    requestedAt: c.requestedAt.toISOString(),
    dueAt: c.dueAt.toISOString(),
    answeredAt: c.answeredAt?.toISOString() ?? null,
    overdue: c.status === 'REQUESTED' && c.dueAt.getTime() < now.getTime(),
    version: c.version,
  };
}

/**
 * Known-to-services checks (domain.md §3 H2): opened for the referral's person of concern and again for
 * every person of concern named later; answered by a liaison practitioner with YES / NO / UNKNOWN and a
 * contact route, which publishes the thin `mental-health.check.answered.v1`.
 */
@Injectable()
export class KnownToServicesChecksService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KNOWN_TO_SERVICES_CHECKS) private readonly checks: KnownToServicesChecks,
  ) {}

  /** A referred case with a person of concern opens a known-to-services check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    return this.checks.openForReferral(event, ctx);
  }

  /** A person of concern named on the case later is checked too (re-check). */
  @OnEvent(PersonCheckRequestedV1)
  onPersonCheckRequested(event: PersonCheckRequestedV1, ctx: EventContext): Promise<void> {
    return this.checks.openForNamedPerson(event, ctx);
  }

  answer(cmd: AnswerCheckCommand, ctx: RequestContext): Promise<MhCheckView> {
    return this.dataSource.transaction(async (m) => {
      const now = ctx.clock.now();
      const saved = await this.checks.answer(m, {
        caseId: cmd.caseId,
        checkId: cmd.checkId,
        expectedVersion: cmd.expectedVersion,
        contactRoute: cmd.contactRoute,
        apply: (c) => (c.answer = cmd.answer),
        answeredBy: actorOf(ctx),
        at: now,
        headers: headersOf(ctx),
      });
      await ctx.audit(m, { recordIds: [cmd.caseId, saved.id] });
      // The answer leaves the trust in the thin event: a disclosure on the agreements (Caldicott).
      await ctx.audit(m, {
        recordIds: [cmd.caseId, saved.id],
        processing: 'disclosure',
        recipients: ['police', 'probation'],
        legalBasis: 'agreement:mental-health-to-police,mental-health-to-probation',
      });
      return checkView(saved, now);
    });
  }

  async list(caseId: string, ctx: RequestContext): Promise<MhCheckView[]> {
    const now = ctx.clock.now();
    const checks = await this.forCase(this.dataSource.manager, caseId);
    await auditRead(ctx, this.dataSource, [caseId, ...checks.map((c) => c.id)]);
    return checks.map((c) => checkView(c, now));
  }

  forCase(m: EntityManager, caseId: string): Promise<KnownToServicesCheck[]> {
    return this.checks.forCase(m, caseId);
  }
}
