import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseRelationships, decide, TEAM_MEMBER, type Principal, type Purpose } from '@stac/auth';
import { type ProbationWorkKind, type ProbationWorklistItem, type ProbationWorklistView } from '@stac/contracts';
import { addDays, londonDate, RELEASE_WORKLIST_DAYS } from '@stac/domain';
import { Clock, rpcProblem } from '@stac/runtime';

/** MAPPA reviews show this many days before they fall due (and stay while overdue). */
const MAPPA_REVIEW_AHEAD_DAYS = 7;

/**
 * The probation practitioner's worklist: checks due (by due time), convictions awaiting a post-conviction
 * consultation, releases in the next 28 days, MAPPA reviews due, enforcement reviews of breached or
 * disengaged interventions (by due time) until decided; only cases the caller may act on
 * (decided per case like a request on it), oldest first, keyset-paged.
 */
@Injectable()
export class ProbationWorklistService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relationships: CaseRelationships,
    private readonly clock: Clock,
  ) {}

  async list(principal: Principal, purpose: Purpose, o: { cursor?: string; limit?: number }): Promise<ProbationWorklistView> {
    const limit = o.limit ?? 50;
    const after = o.cursor ? parseCursor(o.cursor) : null;
    const now = this.clock.now();
    const today = londonDate(now);
    const rows: { kind: ProbationWorkKind; case_id: string; at: Date; day: boolean }[] = await this.dataSource.query(
      `WITH visible AS (
         SELECT DISTINCT case_id FROM case_relationship
          WHERE agency = 'probation' AND kind IN ('OWNING_TEAM', 'ASSIGNMENT') AND (subject IS NULL OR subject = $1)
            AND ${TEAM_MEMBER('case_relationship', '$9', '$10')}
            AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
       ), items AS (
         SELECT 'CHECK_DUE'::text AS kind, c.case_id, c.due_at AS at, false AS day
           FROM supervision_check c JOIN visible v USING (case_id) WHERE c.status = 'REQUESTED'
         UNION ALL
         SELECT 'CONSULTATION_DUE', s.case_id, s.convicted_at, false
           FROM probation_case_stage s JOIN visible v USING (case_id)
          WHERE s.convicted_at IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM probation_consultation k WHERE k.case_id = s.case_id AND k.kind = 'POST_CONVICTION' AND k.completed_at >= s.convicted_at)
         UNION ALL
         SELECT 'RELEASE_DUE', d.case_id, COALESCE(d.actual_release, d.expected_release)::timestamp AT TIME ZONE 'UTC', true
           FROM sentence_dates d JOIN visible v USING (case_id)
          WHERE COALESCE(d.actual_release, d.expected_release) BETWEEN $2::date AND $3::date
            AND d.released_on IS DISTINCT FROM COALESCE(d.actual_release, d.expected_release)
         UNION ALL
         SELECT 'MAPPA_REVIEW_DUE', m.case_id, m.next_review_date::timestamp AT TIME ZONE 'UTC', true
           FROM (SELECT DISTINCT ON (case_id) case_id, next_review_date FROM mappa_decision ORDER BY case_id, set_at DESC) m
           JOIN visible v USING (case_id)
          WHERE m.next_review_date <= $4::date
         UNION ALL
         SELECT 'ENFORCEMENT_REVIEW_DUE', r.case_id, r.due_at, false
           FROM enforcement_review r JOIN visible v USING (case_id) WHERE r.status = 'OPEN'
       )
       SELECT kind, case_id, at, day FROM items
        WHERE $5::timestamptz IS NULL OR (at, kind, case_id::text) > ($5::timestamptz, $6::text, $7::text)
        ORDER BY at, kind, case_id::text
        LIMIT $8`,
      [principal.subject, today, addDays(today, RELEASE_WORKLIST_DAYS), addDays(today, MAPPA_REVIEW_AHEAD_DAYS), after?.at ?? null, after?.kind ?? '', after?.caseId ?? '', limit + 1, principal.issuer, principal.team ?? null],
    );
    const page = rows.slice(0, limit);
    const resources = await this.relationships.forPrincipalMany(this.dataSource, page.map((r) => r.case_id), principal);
    const items: ProbationWorklistItem[] = page
      .filter((r) => decide(principal, 'probation.check.answer', resources.get(r.case_id)!, [], purpose).allow)
      .map((r) => {
        const at = new Date(r.at);
        // A day-dated item is overdue once its day has passed; a timed one once its time has.
        const overdue = r.day ? at.toISOString().slice(0, 10) < today : at.getTime() < now.getTime();
        return { kind: r.kind, caseId: r.case_id, at: at.toISOString(), overdue };
      });
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify([new Date(last.at).toISOString(), last.kind, last.case_id])).toString('base64url') : null;
    return { items, nextCursor };
  }
}

function parseCursor(raw: string): { at: string; kind: string; caseId: string } {
  try {
    const [at, kind, caseId] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as string[];
    if ([at, kind, caseId].every((x) => typeof x === 'string') && !Number.isNaN(Date.parse(at))) return { at, kind, caseId };
  } catch {
    // fall through
  }
  throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'cursor', message: 'cursor is not one this worklist issued' }] });
}

