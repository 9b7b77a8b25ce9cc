import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AdvocacyWorklistView, AdvocacyWorkKind, AdvocacyWorklistQuery } from '@stac/contracts';
import { ADVOCACY_PRIORITY_FOR_LEVEL, type RiskLevel } from '@stac/domain';
import { Clock, rpcProblem } from '@stac/runtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Cursor {
  dueAt: Date;
  itemId: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.dueAt.toISOString()}|${c.itemId}`, 'utf8').toString('base64url');
}

export function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const [at, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const dueAt = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(dueAt.getTime())) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'cursor', message: 'cursor is not one this service issued' }] });
  }
  return { dueAt, itemId: id };
}

interface Row {
  kind: AdvocacyWorkKind;
  case_id: string;
  item_id: string;
  due_at: Date;
  code: string | null;
  advocate: string | null;
  level: RiskLevel | null;
}

/**
 * Worklists with keyset (cursor) paging, soonest first (domain.md §6.3: deadlines are clocks with owners
 * and escalation). The advocate's: contacts due, safety plan reviews due, Victims' Code updates owed. The
 * lead's: unallocated cases and overdue updates (the escalation).
 */
@Injectable()
export class AdvocacyWorklistsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  advocate(subject: string, q: AdvocacyWorklistQuery): Promise<AdvocacyWorklistView> {
    return this.page(
      `SELECT * FROM (
         SELECT DISTINCT ON (c.case_id) 'CONTACT_DUE' AS kind, c.case_id, c.id AS item_id, c.next_contact_due AS due_at, NULL AS code, o.advocate
           FROM advocacy_contact c JOIN advocacy_offer o ON o.case_id = c.case_id
          WHERE o.advocate = $1 AND o.status IN ('PENDING', 'ENGAGED')
          ORDER BY c.case_id, c.contact_at DESC, c.id DESC
       ) latest WHERE due_at IS NOT NULL
       UNION ALL
       SELECT 'PLAN_REVIEW_DUE', p.case_id, p.id, least(p.review_due_at, p.review_date), coalesce(p.review_reason, 'REVIEW_DATE'), o.advocate
         FROM safety_plan p JOIN advocacy_offer o ON o.case_id = p.case_id
        WHERE o.advocate = $1 AND p.status IN ('AGREED', 'ACTIVE', 'UNDER_REVIEW')
       UNION ALL
       SELECT 'UPDATE_OWED', u.case_id, u.id, u.due_at, u.trigger, u.owner_person
         FROM victim_update_obligation u
        WHERE u.owner_person = $1 AND u.status = 'OPEN'`,
      [subject],
      q,
    );
  }

  lead(q: AdvocacyWorklistQuery): Promise<AdvocacyWorklistView> {
    return this.page(
      `SELECT 'UNALLOCATED' AS kind, o.case_id, o.id AS item_id, o.opened_at AS due_at, o.status AS code, NULL AS advocate
         FROM advocacy_offer o WHERE o.advocate IS NULL AND o.status IN ('PENDING', 'ENGAGED')
       UNION ALL
       SELECT 'UPDATE_OVERDUE', u.case_id, u.id, u.due_at, u.trigger, u.owner_person
         FROM victim_update_obligation u WHERE u.status = 'OPEN' AND u.due_at < $1`,
      [this.clock.now()],
      q,
    );
  }

  private async page(union: string, params: unknown[], q: AdvocacyWorklistQuery): Promise<AdvocacyWorklistView> {
    const now = this.clock.now();
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const n = params.length;
    const rows: Row[] = await this.dataSource.query(
      `SELECT w.*, r.level FROM (${union}) w LEFT JOIN case_risk_level r ON r.case_id = w.case_id
        ${cursor ? `WHERE (w.due_at, w.item_id) > ($${n + 1}, $${n + 2})` : ''}
        ORDER BY w.due_at, w.item_id LIMIT ${limit + 1}`,
      cursor ? [...params, cursor.dueAt, cursor.itemId] : params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      kind: r.kind,
      caseId: r.case_id,
      itemId: r.item_id,
      dueAt: r.due_at.toISOString(),
      overdue: r.kind !== 'UNALLOCATED' && r.due_at.getTime() < now.getTime(),
      priority: r.level ? ADVOCACY_PRIORITY_FOR_LEVEL[r.level] : null,
      code: r.code,
      advocate: r.advocate,
    }));
    const last = rows.length > limit ? rows[limit - 1] : null;
    return { items, nextCursor: last ? encodeCursor({ dueAt: last.due_at, itemId: last.item_id }) : null };
  }
}
