import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EnforcementDecisionCommand, EnforcementReviewView } from '@stac/contracts';
import { ENGLAND_AND_WALES, type InterventionLegalBasis, type InterventionStatus } from '@stac/domain';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { ProbationSettings } from '../probation-settings';
import { EnforcementReview } from './enforcement-review.entity';

export function enforcementReviewView(r: EnforcementReview, now: Date): EnforcementReviewView {
  return {
    reviewId: r.id,
    caseId: r.caseId,
    interventionId: r.interventionId,
    triggerStatus: r.triggerStatus,
    legalBasis: r.legalBasis,
    status: r.status,
    openedAt: r.openedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    overdue: r.status === 'OPEN' && r.dueAt.getTime() < now.getTime(),
    outcome: r.outcome,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    version: r.version,
  };
}

/**
 * Enforcement reviews (D13, domain.md §3 step 11): when an intervention that is a licence condition or a
 * community-order requirement ends BREACHED or DISENGAGED, the practitioner must decide what to do about it
 * (no further action, a warning, breach proceedings, a recall request). The review is due
 * ENFORCEMENT_REVIEW_WORKING_DAYS working days (England and Wales calendar) after the change at the trust,
 * shows on the practitioner's worklist until decided, and is decided once.
 */
@Injectable()
export class EnforcementReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly settings: ProbationSettings,
  ) {}

  dueAt(changedAt: Date): Date {
    return ENGLAND_AND_WALES.addWorkingDays(changedAt, this.settings.enforcementReviewWorkingDays);
  }

  /** Opens the intervention's review in the caller's transaction; one per intervention (a redelivery opens nothing). */
  async open(m: EntityManager, o: { caseId: string; interventionId: string; triggerStatus: InterventionStatus; legalBasis: InterventionLegalBasis; changedAt: Date }): Promise<boolean> {
    const review = Object.assign(new EnforcementReview(), {
      id: randomUUID(),
      caseId: o.caseId,
      interventionId: o.interventionId,
      triggerStatus: o.triggerStatus,
      legalBasis: o.legalBasis,
      openedAt: this.clock.now(),
      dueAt: this.dueAt(o.changedAt),
      status: 'OPEN',
      outcome: null,
      decidedBy: null,
      decidedAt: null,
      version: 1,
    } satisfies EnforcementReview);
    const inserted = await m.createQueryBuilder().insert().into(EnforcementReview).values(review).orIgnore().returning('id').execute();
    return (inserted.raw as unknown[]).length > 0;
  }

  decide(cmd: EnforcementDecisionCommand, ctx: RequestContext): Promise<EnforcementReviewView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const review = await m.findOne(EnforcementReview, { where: { id: cmd.reviewId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!review) throw rpcProblem(404, 'enforcement-review-not-found', 'No such enforcement review on this case');
      if (review.version !== cmd.expectedVersion) {
        throw rpcProblem(412, 'version-mismatch', `The enforcement review has changed since you read it (now version ${review.version}); reload and retry`);
      }
      if (review.status !== 'OPEN') {
        throw rpcProblem(409, 'illegal-transition', `Cannot move the enforcement review from ${review.status} to DECIDED`, {
          detail: `enforcement review: ${review.status} -> DECIDED is not a permitted transition`,
        });
      }
      review.status = 'DECIDED';
      review.outcome = cmd.outcome;
      review.decidedBy = ctx.principal.subject;
      review.decidedAt = now;
      const saved = await m.save(review);
      await ctx.audit(m, { recordIds: [cmd.caseId, saved.id] });
      return enforcementReviewView(saved, now);
    });
  }

  async forCase(caseId: string, m: EntityManager = this.dataSource.manager): Promise<EnforcementReviewView[]> {
    const now = this.clock.now();
    const rows = await m.find(EnforcementReview, { where: { caseId }, order: { openedAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => enforcementReviewView(r, now));
  }
}
