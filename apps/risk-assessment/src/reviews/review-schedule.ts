import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { Agency, RiskLevel } from '@stac/domain';
import { RiskReviewDueV1, type OverdueReviewView, type RiskWorklistView } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { LOGGER } from '@stac/observability';
import type { Principal } from '@stac/auth';
import { Clock, keysetPage, pageLimit, readPageCursor } from '@stac/runtime';
import type { ScreeningTask } from '../screening-tasks/screening-task.entity';
import { ScreeningTasksService, toTaskView } from '../screening-tasks/screening-tasks.service';

/** How often the review scan runs (ms); 0 switches the timer off (tests call `scanDueReviews()` themselves). */
export const REVIEW_SCAN_INTERVAL_MS = Symbol('REVIEW_SCAN_INTERVAL_MS');
export const DEFAULT_REVIEW_SCAN_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;
const SCAN_BATCH = 200;
/** The worklist's two lists, as their cursors name them. */
const REVIEWS = 'risk.worklist.overdue-reviews';
const TASKS = 'risk.worklist.open-tasks';

/**
 * Risk reviews are clocks with owners (domain.md §6.3): a small interval job finds current
 * assessments past their review date, emits `risk.review.due.v1` once per due date and opens a
 * REVIEW_DUE task for the owning agency — all in one transaction, safe with several instances.
 */
@Injectable()
export class ReviewSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly tasks: ScreeningTasksService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(REVIEW_SCAN_INTERVAL_MS) private readonly intervalMs: number = DEFAULT_REVIEW_SCAN_INTERVAL_MS,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.intervalMs) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.scanDueReviews()
        .catch((e) => this.logger.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code } }, 'review scan failed'))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: every review now due and not yet announced. Returns how many were announced. */
  async scanDueReviews(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const now = this.clock.now();
        const due: { id: string; case_id: string; level: RiskLevel; next_review_due: Date; owner_agency: Agency; version: number }[] = await m.query(
          `SELECT id, case_id, level, next_review_due, owner_agency, version FROM risk_assessment
            WHERE status = 'CURRENT' AND next_review_due <= $1
              AND (review_notified_for IS NULL OR review_notified_for <> next_review_due)
            ORDER BY next_review_due LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, SCAN_BATCH],
        );
        for (const a of due) {
          await m.query(`UPDATE risk_assessment SET review_notified_for = next_review_due WHERE id = $1`, [a.id]);
          await this.outbox.enqueue(
            m,
            RiskReviewDueV1,
            {
              caseId: a.case_id,
              aggregateVersion: a.version,
              detailUrl: `/api/v1/cases/${a.case_id}/risk-summary`,
              additionalInformation: {
                assessmentId: a.id,
                level: a.level,
                dueAt: new Date(a.next_review_due).toISOString(),
                ownerAgency: a.owner_agency,
              },
            },
            { correlationId: `review-scan-${a.id}` },
          );
          await this.tasks.trigger(m, {
            caseId: a.case_id,
            reason: 'REVIEW_DUE',
            eventId: null,
            dueAt: new Date(a.next_review_due),
            agencies: [a.owner_agency],
          });
        }
        return due.length;
      });
      total += n;
      if (n < SCAN_BATCH) return total;
    }
  }

  /**
   * The caller's agency's work: current assessments past their review date (longest overdue first) and
   * open tasks (due first), each list paged on its own by keyset cursor (ties broken by id). A case the
   * caller is excluded from never appears (AC-07).
   */
  async worklist(
    agency: Agency,
    o: { principal?: Pick<Principal, 'issuer' | 'subject'>; cursor?: string; limit?: number } = {},
  ): Promise<RiskWorklistView> {
    const now = this.clock.now();
    const limit = pageLimit(o.limit);
    const cursor = o.cursor ? readPageCursor(o.cursor, { [REVIEWS]: ['time', 'id'], [TASKS]: ['time', 'id'] } as const) : null;
    const wanted = (list: string) => !cursor || cursor.list === list;
    const after = (list: string) => (cursor?.list === list ? { at: cursor.key[0] as Date, id: cursor.key[1] as string } : null);

    let reviews: { rows: OverdueRow[]; nextCursor: string | null } = { rows: [], nextCursor: null };
    if (wanted(REVIEWS)) {
      const params: unknown[] = [agency, now, limit + 1];
      const from = after(REVIEWS);
      const conditions = [
        `status = 'CURRENT' AND owner_agency = $1 AND next_review_due < $2`,
        ...(from ? [`(next_review_due, id) > ($${params.push(from.at)}::timestamptz, $${params.push(from.id)}::uuid)`] : []),
        ...(o.principal
          ? [
              `NOT EXISTS (SELECT 1 FROM case_exclusion x WHERE x.case_id = risk_assessment.case_id AND x.subject = $${params.push(o.principal.subject)}
                  AND x.issuer = $${params.push(o.principal.issuer)} AND x.valid_from <= now() AND (x.valid_to IS NULL OR x.valid_to > now()))`,
            ]
          : []),
      ];
      const rows: OverdueRow[] = await this.dataSource.query(
        `SELECT id, case_id, subject, level, next_review_due FROM risk_assessment
          WHERE ${conditions.join(' AND ')}
          ORDER BY next_review_due, id LIMIT $3`,
        params,
      );
      reviews = keysetPage(rows, limit, REVIEWS, (r) => [new Date(r.next_review_due), r.id]);
    }
    let tasks: { rows: ScreeningTask[]; nextCursor: string | null } = { rows: [], nextCursor: null };
    if (wanted(TASKS)) {
      const from = after(TASKS);
      const rows = await this.tasks.openForAgency(agency, { limit, after: from ? { dueAt: from.at, id: from.id } : null, excludedFor: o.principal });
      tasks = keysetPage(rows, limit, TASKS, (t) => [t.dueAt, t.id]);
    }
    return {
      agency,
      asOf: now.toISOString(),
      overdueReviews: reviews.rows.map((r) => {
        const due = new Date(r.next_review_due);
        return {
          assessmentId: r.id,
          caseId: r.case_id,
          subject: r.subject,
          level: r.level,
          reviewDue: due.toISOString(),
          daysOverdue: Math.floor((now.getTime() - due.getTime()) / DAY_MS),
        };
      }),
      openTasks: tasks.rows.map(toTaskView),
      next: { overdueReviews: reviews.nextCursor, openTasks: tasks.nextCursor },
    };
  }
}

interface OverdueRow {
  id: string;
  case_id: string;
  subject: OverdueReviewView['subject'];
  level: RiskLevel;
  next_review_due: Date;
}
