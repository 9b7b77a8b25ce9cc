import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CASE_NOT_FOUND } from '@stac/auth';
import {
  OrderEndedV1,
  ProblemException,
  SafetyPlanUpdatedV1,
  type CreateSafetyPlanCommand,
  type ReviseSafetyPlanCommand,
  type SafetyMeasureEntry,
  type SafetyPlanQuery,
  type SafetyPlanTransitionCommand,
  type SafetyPlanView,
} from '@stac/contracts';
import { SAFETY_PLAN_TRANSITIONS, type PlanReviewReason, type SafetyPlanStatus } from '@stac/domain';
import { caseIdOf, OnEvent, Outbox, type EventContext, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { assertVersion, headersOf, lockOffer, updatedRows } from '../victim-support/victim-support-record';

interface PlanRow {
  id: string;
  case_id: string;
  status: SafetyPlanStatus;
  latest_version: number;
  review_date: Date;
  review_due_at: Date | null;
  review_reason: PlanReviewReason | null;
  version: number;
}
interface VersionRow {
  plan_version: number;
  status: SafetyPlanStatus;
  measures: SafetyMeasureEntry[];
  review_date: Date;
  changed_by: string;
  changed_at: Date;
}

function view(p: PlanRow, v: VersionRow): SafetyPlanView {
  return {
    planId: p.id,
    caseId: p.case_id,
    status: v.status,
    planVersion: v.plan_version,
    latestVersion: p.latest_version,
    measures: v.measures,
    reviewDate: v.review_date.toISOString(),
    reviewDueAt: p.review_due_at?.toISOString() ?? null,
    reviewReason: p.review_reason,
    changedBy: v.changed_by,
    changedAt: v.changed_at.toISOString(),
    version: p.version,
  };
}

/**
 * Versioned safety plans (domain.md §4): coded measures with owners and review dates, DRAFT -> AGREED ->
 * ACTIVE -> UNDER_REVIEW -> CLOSED. Every change is a new version and every version stays retrievable. A
 * review falls due at the plan's review date and at once when risk rises, an order ends or the victim's
 * situation changes.
 */
@Injectable()
export class SafetyPlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  create(cmd: CreateSafetyPlanCommand, ctx: RequestContext): Promise<SafetyPlanView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'safety-plan.create', cmd, async () => {
        const now = this.clock.now();
        await lockOffer(m, cmd.caseId);
        const [open] = await m.query(`SELECT id FROM safety_plan WHERE case_id = $1 AND status <> 'CLOSED'`, [cmd.caseId]);
        if (open) throw rpcProblem(409, 'plan-open', 'The case already has a safety plan in force; revise it or close it first');
        const id = randomUUID();
        await m.query(
          `INSERT INTO safety_plan (id, case_id, status, latest_version, review_date, version) VALUES ($1, $2, 'DRAFT', 1, $3, 1)`,
          [id, cmd.caseId, new Date(cmd.reviewDate)],
        );
        await this.snapshot(m, id, 1, 'DRAFT', cmd.measures, new Date(cmd.reviewDate), ctx.principal.subject, now);
        await this.announce(m, id, headersOf(ctx), now);
        await ctx.audit(m, { recordIds: [cmd.caseId, id] });
        return this.read(m, cmd.caseId, id);
      }),
    );
  }

  revise(cmd: ReviseSafetyPlanCommand, ctx: RequestContext): Promise<SafetyPlanView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const p = await this.lock(m, cmd.caseId, cmd.planId);
      assertVersion('safety plan', p.version, cmd.expectedVersion);
      if (p.status !== 'DRAFT' && p.status !== 'UNDER_REVIEW') throw rpcProblem(409, 'plan-not-revisable', `A ${p.status} plan is revised by moving it to UNDER_REVIEW first`);
      const next = p.latest_version + 1;
      await m.query(`UPDATE safety_plan SET latest_version = $2, review_date = $3, version = version + 1 WHERE id = $1`, [p.id, next, new Date(cmd.reviewDate)]);
      await this.snapshot(m, p.id, next, p.status, cmd.measures, new Date(cmd.reviewDate), ctx.principal.subject, now);
      await this.announce(m, p.id, headersOf(ctx), now);
      await ctx.audit(m, { recordIds: [p.case_id, p.id] });
      return this.read(m, p.case_id, p.id);
    });
  }

  transition(cmd: SafetyPlanTransitionCommand, ctx: RequestContext): Promise<SafetyPlanView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const p = await this.lock(m, cmd.caseId, cmd.planId);
      assertVersion('safety plan', p.version, cmd.expectedVersion);
      if (!SAFETY_PLAN_TRANSITIONS[p.status].includes(cmd.to)) {
        throw rpcProblem(409, 'illegal-transition', `Cannot move the safety plan from ${p.status} to ${cmd.to}`);
      }
      const [latest]: VersionRow[] = await m.query(`SELECT * FROM safety_plan_version WHERE plan_id = $1 AND plan_version = $2`, [p.id, p.latest_version]);
      const next = p.latest_version + 1;
      // Agreeing or re-activating after a review answers the review that was due.
      const answered = cmd.to === 'AGREED' || cmd.to === 'ACTIVE' || cmd.to === 'CLOSED';
      await m.query(
        `UPDATE safety_plan SET status = $2, latest_version = $3, version = version + 1,
                review_due_at = CASE WHEN $4 THEN NULL ELSE review_due_at END,
                review_reason = CASE WHEN $4 THEN NULL ELSE review_reason END
          WHERE id = $1`,
        [p.id, cmd.to, next, answered && p.status === 'UNDER_REVIEW'],
      );
      await this.snapshot(m, p.id, next, cmd.to, latest.measures, latest.review_date, ctx.principal.subject, now);
      await this.announce(m, p.id, headersOf(ctx), now);
      await ctx.audit(m, { recordIds: [p.case_id, p.id] });
      return this.read(m, p.case_id, p.id);
    });
  }

  async list(caseId: string): Promise<SafetyPlanView[]> {
    const plans: PlanRow[] = await this.dataSource.query(`SELECT * FROM safety_plan WHERE case_id = $1 ORDER BY id`, [caseId]);
    return Promise.all(plans.map((p) => this.read(this.dataSource.manager, caseId, p.id)));
  }

  get(q: SafetyPlanQuery): Promise<SafetyPlanView> {
    return this.read(this.dataSource.manager, q.caseId, q.planId, q.planVersion);
  }

  /** Status of the plan in force (or the latest one) for the case view. */
  async statusFor(caseId: string): Promise<{ planId: string; status: SafetyPlanStatus; reviewDueAt: string | null } | null> {
    const [p]: PlanRow[] = await this.dataSource.query(
      `SELECT * FROM safety_plan WHERE case_id = $1 ORDER BY (status = 'CLOSED'), latest_version DESC LIMIT 1`,
      [caseId],
    );
    return p ? { planId: p.id, status: p.status, reviewDueAt: p.review_due_at?.toISOString() ?? null } : null;
  }

  /**
   * A review of every plan in force falls due by `dueAt` (now unless given: risk rose, an order ended, the
   * victim's situation changed; a deadline after a release or licence end). An earlier review already due
   * stands, so a repeated trigger changes nothing. Returns the plans put up for review.
   */
  async reviewDue(m: EntityManager, caseId: string, reason: PlanReviewReason, now: Date, headers: EventHeaders, dueAt: Date = now): Promise<string[]> {
    const plans = updatedRows<{ id: string }>(
      await m.query(
        `UPDATE safety_plan SET review_due_at = $2, review_reason = $3, version = version + 1
          WHERE case_id = $1 AND status IN ('AGREED', 'ACTIVE') AND (review_due_at IS NULL OR review_due_at > $2)
          RETURNING id`,
        [caseId, dueAt, reason],
      ),
    );
    for (const p of plans) await this.announce(m, p.id, headers, now);
    return plans.map((p) => p.id);
  }

  /** An order ending (not pursued, refused, discharged, expired) puts the plan up for review. */
  @OnEvent(OrderEndedV1)
  async onOrderEnded(_event: OrderEndedV1, ctx: EventContext): Promise<void> {
    await this.reviewDue(ctx.manager, caseIdOf(ctx), 'ORDER_ENDED', this.clock.now(), { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent });
  }

  private async lock(m: EntityManager, caseId: string, planId: string): Promise<PlanRow> {
    const [p]: PlanRow[] = await m.query(`SELECT * FROM safety_plan WHERE id = $1 AND case_id = $2 FOR UPDATE`, [planId, caseId]);
    if (!p) throw rpcProblem(404, 'safety-plan-not-found', 'No such safety plan on this case');
    return p;
  }

  private async read(m: EntityManager, caseId: string, planId: string, planVersion?: number): Promise<SafetyPlanView> {
    const [p]: PlanRow[] = await m.query(`SELECT * FROM safety_plan WHERE id = $1 AND case_id = $2`, [planId, caseId]);
    if (!p) throw rpcProblem(404, 'safety-plan-not-found', 'No such safety plan on this case');
    const [v]: VersionRow[] = await m.query(`SELECT * FROM safety_plan_version WHERE plan_id = $1 AND plan_version = $2`, [planId, planVersion ?? p.latest_version]);
    if (!v) throw rpcProblem(404, 'safety-plan-version-not-found', `The plan has no version ${planVersion}`);
    return view(p, v);
  }

  private async snapshot(m: EntityManager, planId: string, n: number, status: SafetyPlanStatus, measures: SafetyMeasureEntry[], reviewDate: Date, by: string, at: Date) {
    await m.query(
      `INSERT INTO safety_plan_version (plan_id, plan_version, status, measures, review_date, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [planId, n, status, JSON.stringify(measures.map((x) => ({ measure: x.measure, owner: x.owner, ...(x.reviewBy ? { reviewBy: x.reviewBy } : {}) }))), reviewDate, by, at],
    );
  }

  private async announce(m: EntityManager, planId: string, headers: EventHeaders, now: Date) {
    const [p]: PlanRow[] = await m.query(`SELECT * FROM safety_plan WHERE id = $1`, [planId]);
    if (!p) throw new ProblemException(CASE_NOT_FOUND);
    await this.outbox.enqueue(
      m,
      SafetyPlanUpdatedV1,
      {
        caseId: p.case_id,
        aggregateVersion: p.version,
        additionalInformation: { planId: p.id, status: p.status, planVersion: p.latest_version, ...(p.review_due_at ? { reviewDueAt: p.review_due_at.toISOString() } : {}), updatedAt: now.toISOString() },
      },
      headers,
    );
  }
}
