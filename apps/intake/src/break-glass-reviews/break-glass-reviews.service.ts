import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import {
  BreakGlassOpenedV1,
  type BreakGlassReviewList,
  type BreakGlassReviewQuery,
  type BreakGlassReviewView,
  type CompleteBreakGlassReviewCommand,
} from '@stac/contracts';
import { OnEvent, type EventContext } from '@stac/messaging';
import { LOGGER, ServiceMetrics } from '@stac/observability';
import { Clock, keysetPage, pageLimit, readPageCursor, rpcProblem, type RequestContext } from '@stac/runtime';
import { assertVersion } from '../lifecycle/case-workflow';
import { BreakGlassReview } from './break-glass-review.entity';

const OPEN_REVIEWS = 'break-glass-reviews';

/**
 * The break-glass alarm and the review it leaves (AC-06). Opening break-glass writes a review task and
 * `intake.access.break-glass-opened.v1` in the request's transaction; this consumer raises the alarm once
 * per event (inbox): `stac_security_alerts_total{kind="break-glass"}`, a warning log line of ids only, and
 * the review marked alerted on the DPO's worklist. The owning agency's DPO lists the open reviews
 * (keyset-paged) and completes one with an outcome and a note (If-Match, logged, a retry answered again).
 */
@Injectable()
export class BreakGlassReviewsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @OnEvent(BreakGlassOpenedV1)
  async onBreakGlassOpened(event: BreakGlassOpenedV1, ctx: EventContext): Promise<void> {
    const [rows]: [unknown[], number] = await ctx.manager.query(
      `UPDATE break_glass_review SET alerted_at = $2 WHERE id = $1 AND alerted_at IS NULL RETURNING id`,
      [event.reviewTaskId, this.clock.now()],
    );
    if (rows.length === 0) return;
    this.metrics.securityAlerts.inc({ kind: 'break-glass' });
    // Ids and the agency only: no name, no justification, no case facts (DP-01).
    this.logger.warn(
      { alert: 'break-glass', reviewTaskId: event.reviewTaskId, relationshipId: event.relationshipId, openedByAgency: event.openedByAgency, expiresAt: event.expiresAt },
      'break-glass opened: a review task awaits the DPO',
    );
  }

  async listOpen(q: BreakGlassReviewQuery, ctx: RequestContext): Promise<BreakGlassReviewList> {
    const limit = pageLimit(q.limit);
    const cursor = q.cursor ? readPageCursor(q.cursor, { [OPEN_REVIEWS]: ['time', 'id'] as const }) : null;
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT * FROM break_glass_review WHERE status = 'OPEN' ${cursor ? 'AND (opened_at, id) > ($2::timestamptz, $3::uuid)' : ''}
        ORDER BY opened_at, id LIMIT $1`,
      cursor ? [limit + 1, ...cursor.key] : [limit + 1],
    );
    const page = keysetPage(rows.map(toReview), limit, OPEN_REVIEWS, (r) => [r.openedAt, r.id]);
    const result = { reviews: page.rows.map(viewOf), nextCursor: page.nextCursor };
    // No log, no data (LAW-02): the ids it discloses are logged before it leaves.
    await ctx.audit(this.dataSource, { recordIds: result.reviews.flatMap((r) => [r.reviewId, r.caseId]) });
    return result;
  }

  complete(cmd: CompleteBreakGlassReviewCommand, ctx: RequestContext): Promise<BreakGlassReviewView> {
    return this.dataSource.transaction(async (m) => {
      const review = await this.lock(m, cmd.reviewId);
      if (review.status === 'REVIEWED') {
        // A retry of the same completion is answered again; anything else would rewrite a finished review.
        if (review.outcome === cmd.outcome && review.note === cmd.note) {
          await ctx.audit(m, { recordIds: [review.id, review.caseId], processing: 'consultation' });
          return viewOf(review);
        }
        throw rpcProblem(409, 'review-already-completed', `This break-glass review was completed on ${review.reviewedAt!.toISOString()} (${review.outcome})`);
      }
      assertVersion('break-glass review', review.version, cmd.expectedVersion);
      review.status = 'REVIEWED';
      review.outcome = cmd.outcome;
      review.note = cmd.note;
      review.reviewedBy = `${ctx.principal.issuer}#${ctx.principal.subject}`;
      review.reviewedAt = this.clock.now();
      review.version += 1;
      await m.save(review);
      await ctx.audit(m, { recordIds: [review.id, review.caseId, review.relationshipId], justification: cmd.outcome });
      return viewOf(review);
    });
  }

  private async lock(m: EntityManager, id: string): Promise<BreakGlassReview> {
    const review = await m.findOne(BreakGlassReview, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!review) throw rpcProblem(404, 'break-glass-review-not-found', 'No such break-glass review');
    return review;
  }
}

function toReview(r: Record<string, unknown>): BreakGlassReview {
  return Object.assign(new BreakGlassReview(), {
    id: r.id as string,
    caseId: r.case_id as string,
    relationshipId: r.relationship_id as string,
    openedBy: r.opened_by as string,
    openedAt: r.opened_at as Date,
    expiresAt: r.expires_at as Date,
    status: r.status as BreakGlassReview['status'],
    alertedAt: (r.alerted_at as Date | null) ?? null,
    outcome: (r.outcome as BreakGlassReview['outcome']) ?? null,
    note: (r.note as string | null) ?? null,
    reviewedBy: (r.reviewed_by as string | null) ?? null,
    reviewedAt: (r.reviewed_at as Date | null) ?? null,
    version: Number(r.version),
  });
}

function viewOf(r: BreakGlassReview): BreakGlassReviewView {
  return {
    reviewId: r.id,
    caseId: r.caseId,
    relationshipId: r.relationshipId,
    openedBy: r.openedBy,
    openedAt: r.openedAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    alertedAt: r.alertedAt?.toISOString() ?? null,
    status: r.status,
    outcome: r.outcome,
    note: r.note,
    reviewedBy: r.reviewedBy,
    reviewedAt: r.reviewedAt?.toISOString() ?? null,
    version: r.version,
  };
}
