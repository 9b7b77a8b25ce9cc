import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DisclosureListQuery, DisclosurePage, DisclosureView, ReviewDisclosureCommand } from '@stac/contracts';
import { decodeKeysetCursor, encodeKeysetCursor } from '@stac/partner-checks';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { actorOf } from '../trust-workflow';
import { DisclosureReview } from './disclosure-review.entity';

const DEFAULT_LIMIT = 50;

interface Row {
  id: string;
  occurred_at: Date;
  action: string;
  record_type: string;
  record_ids: string[];
  actor_agency: string;
  actor_subject: string;
  recipients: string[];
  purpose: string | null;
  legal_basis: string | null;
  outcome: string | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
}

const SELECT = `SELECT a.id, a.occurred_at, a.action, a.record_type, a.record_ids, a.actor_agency, a.actor_subject, a.recipients,
                       a.purpose, a.legal_basis, r.outcome, r.reviewed_by, r.reviewed_at
                  FROM access_log a LEFT JOIN disclosure_review r ON r.access_log_id = a.id
                 WHERE a.operation = 'disclosure' AND a.decision = 'allow'`;

function view(r: Row): DisclosureView {
  return {
    entryId: r.id,
    occurredAt: new Date(r.occurred_at).toISOString(),
    action: r.action,
    recordType: r.record_type,
    recordIds: r.record_ids,
    actorAgency: r.actor_agency,
    actorSubject: r.actor_subject,
    recipients: r.recipients,
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    reviewOutcome: (r.outcome as DisclosureView['reviewOutcome']) ?? null,
    reviewedBy: r.reviewed_by,
    reviewedAt: r.reviewed_at ? new Date(r.reviewed_at).toISOString() : null,
  };
}

/**
 * Caldicott (domain.md §6.5): every disclosure out of the trust is an access-log entry with its purpose and
 * legal basis; the trust's Caldicott guardian lists them (newest first) and records a review of each.
 */
@Injectable()
export class DisclosuresService {
  constructor(private readonly dataSource: DataSource) {}

  async list(q: DisclosureListQuery): Promise<DisclosurePage> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = q.cursor ? decodeKeysetCursor(q.cursor) : null;
    const params: unknown[] = [];
    let where = '';
    if (q.unreviewedOnly === 'true') where += ' AND r.access_log_id IS NULL';
    if (after) {
      params.push(after.at, after.id);
      where += ` AND (a.occurred_at, a.id) < ($1, $2)`;
    }
    const rows: Row[] = await this.dataSource.manager.query(`${SELECT}${where} ORDER BY a.occurred_at DESC, a.id DESC LIMIT ${limit + 1}`, params);
    const items = rows.slice(0, limit).map(view);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeKeysetCursor({ at: new Date(last.occurredAt), id: last.entryId }) : null };
  }

  review(cmd: ReviewDisclosureCommand, ctx: RequestContext): Promise<DisclosureView> {
    return this.dataSource.transaction(async (m) => {
      const [entry]: Row[] = await m.query(`${SELECT} AND a.id = $1 FOR UPDATE OF a`, [cmd.entryId]);
      if (!entry) throw rpcProblem(404, 'disclosure-not-found', 'No such disclosure in the trust access log');
      if (entry.outcome) throw rpcProblem(409, 'disclosure-already-reviewed', `This disclosure was already reviewed (${entry.outcome})`);
      await m.insert(DisclosureReview, { accessLogId: cmd.entryId, outcome: cmd.outcome, note: cmd.note ?? null, reviewedBy: actorOf(ctx), reviewedAt: ctx.clock.now() });
      await ctx.audit(m, { recordIds: [cmd.entryId] });
      const [reviewed]: Row[] = await m.query(`${SELECT} AND a.id = $1`, [cmd.entryId]);
      return view(reviewed);
    });
  }
}
