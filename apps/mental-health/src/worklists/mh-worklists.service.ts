import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { caseHiddenSql } from '@stac/auth';
import type { ChecksWorklistQuery, ConsultationsWorklistQuery, MhWorkItem, MhWorklistPage, WorklistPageQuery } from '@stac/contracts';
import { decodeKeysetCursor, encodeKeysetCursor } from '@stac/partner-checks';
import type { RequestContext } from '@stac/runtime';
import { KNOWN_TO_SERVICES_CHECKS, type KnownToServicesChecks } from '../known-to-services-checks/known-to-services-checks';

const DEFAULT_LIMIT = 50;
/** Co-working reviews within this many days are listed (design choice). */
const REVIEW_HORIZON_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Cases hidden from the reader never appear: excluded (AC-07 overrides every grant), or restricted and the reader not named. */
const NOT_EXCLUDED = `NOT ${caseHiddenSql('w.case_id', '$1', '$2')}`;

interface Row {
  case_id: string;
  id: string;
  kind: string;
  state: string;
  due_at: Date;
}

/**
 * The trust's worklists (domain.md §6.3): liaison practitioners see checks due and consultations by state,
 * clinicians sessions due and reviews due (co-working reviews, the intervention waiting list). Ids, codes
 * and dates only; keyset cursors over (due time, id); the kernel logs the ids each page discloses.
 */
@Injectable()
export class MhWorklistsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KNOWN_TO_SERVICES_CHECKS) private readonly checks: KnownToServicesChecks,
  ) {}

  async checksDue(q: ChecksWorklistQuery, ctx: RequestContext): Promise<MhWorklistPage> {
    const now = ctx.clock.now();
    const page = await this.checks.requested(this.dataSource.manager, {
      now,
      overdueOnly: q.overdueOnly === 'true',
      cursor: q.cursor,
      limit: q.limit ?? DEFAULT_LIMIT,
      reader: ctx.principal,
    });
    return {
      items: page.items.map((c) => ({
        caseId: c.caseId,
        itemId: c.id,
        kind: 'KNOWN_TO_SERVICES_CHECK',
        state: c.status,
        dueAt: c.dueAt.toISOString(),
        overdue: c.dueAt.getTime() < now.getTime(),
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** Open consultations (or those of one state), oldest request first; urgent ones are due sooner. */
  consultations(q: ConsultationsWorklistQuery, ctx: RequestContext): Promise<MhWorklistPage> {
    const states = q.state ? [q.state] : ['REQUESTED', 'TRIAGED', 'IN_PROGRESS', 'ADVICE_SHARED'];
    return this.page(
      ctx,
      q,
      `SELECT * FROM (SELECT case_id, id, 'CONSULTATION' AS kind, status AS state,
              requested_at + CASE urgency WHEN 'EMERGENCY' THEN interval '4 hours' WHEN 'URGENT' THEN interval '1 day' ELSE interval '5 days' END AS due_at
         FROM mh_consultation WHERE status = ANY($3)) w`,
      [states],
    );
  }

  sessions(q: WorklistPageQuery, ctx: RequestContext): Promise<MhWorklistPage> {
    return this.page(
      ctx,
      q,
      `SELECT * FROM (SELECT s.case_id, s.id, 'SESSION' AS kind, s.status AS state, s.scheduled_for AS due_at
         FROM intervention_session s WHERE s.status = 'PLANNED') w`,
      [],
    );
  }

  reviews(q: WorklistPageQuery, ctx: RequestContext): Promise<MhWorklistPage> {
    const horizon = new Date(ctx.clock.now().getTime() + REVIEW_HORIZON_DAYS * DAY_MS);
    return this.page(
      ctx,
      q,
      `SELECT * FROM (
         SELECT case_id, id, 'CO_WORK_REVIEW' AS kind, status AS state, review_date AS due_at
           FROM mh_arrangement WHERE status = 'ACTIVE' AND review_date IS NOT NULL AND review_date <= $3
         UNION ALL
         SELECT case_id, id, 'WAITING_LIST' AS kind, status AS state, waiting_since AS due_at
           FROM intervention WHERE status = 'SUITABLE' AND waiting_since IS NOT NULL) w`,
      [horizon],
    );
  }

  private async page(ctx: RequestContext, q: WorklistPageQuery, from: string, params: unknown[]): Promise<MhWorklistPage> {
    const now = ctx.clock.now();
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor ? decodeKeysetCursor(q.cursor) : null;
    const n = params.length + 3;
    const rows: Row[] = await this.dataSource.manager.query(
      `${from} WHERE ${NOT_EXCLUDED} ${after ? `AND (w.due_at, w.id) > ($${n}, $${n + 1})` : ''}
        ORDER BY w.due_at, w.id LIMIT ${limit + 1}`,
      [ctx.principal.subject, ctx.principal.issuer, ...params, ...(after ? [after.at, after.id] : [])],
    );
    const items: MhWorkItem[] = rows.slice(0, limit).map((r) => ({
      caseId: r.case_id,
      itemId: r.id,
      kind: r.kind,
      state: r.state,
      dueAt: new Date(r.due_at).toISOString(),
      overdue: new Date(r.due_at).getTime() < now.getTime(),
    }));
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeKeysetCursor({ at: new Date(last.dueAt), id: last.itemId }) : null };
  }
}
