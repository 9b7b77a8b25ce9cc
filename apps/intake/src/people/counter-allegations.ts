import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLog, type Authorized } from '@stac/auth';
import type { CounterAllegationView } from '@stac/contracts';

type Queryable = Pick<EntityManager, 'query'>;

/** The most links one detection records (a person linked to very many cases cannot make it unbounded). */
const MAX_LINKS_PER_DETECTION = 50;

interface Found {
  victim_id: string;
  suspect_id: string;
  other_case: string;
  other_victim_id: string;
  other_suspect_id: string;
  victim_link: string | null;
  suspect_link: string | null;
}

/**
 * Counter-allegations (domain.md §4 Person, §6.9): the same two people on two cases with their roles
 * swapped — the victim of one case is the person of concern of the other, and the other way round. Two
 * records are "the same person" when they are the same record (linked to both cases), or a duplicate
 * candidate links them that nobody has rejected: so a counter-allegation is seen the moment the second
 * case is referred or a person is linked, before anyone has decided the duplicates. It is recorded as a
 * link between the two cases and shown to the screeners; nothing is ever merged. When read, a link stands
 * only while both pairs still hold those roles and neither duplicate candidate was rejected; it is
 * CONFIRMED when every record link is the same record or a confirmed duplicate, POSSIBLE otherwise.
 */
@Injectable()
export class CounterAllegations {
  constructor(private readonly accessLog: AccessLog) {}

  /**
   * Finds the counter-allegations of a case as it now stands and records the new ones (in the caller's
   * transaction, with an s62 combination row naming the two cases and the four records). Returns the
   * ids recorded.
   */
  async detect(m: EntityManager, caseId: string, now: Date, by: Pick<Authorized, 'principal' | 'purpose' | 'decision'> & { correlationId: string }): Promise<string[]> {
    const found: Found[] = await m.query(
      `WITH ours AS (
         SELECT person_id, role FROM case_participant
          WHERE case_id = $1 AND valid_to IS NULL AND role IN ('VICTIM', 'PERSON_OF_CONCERN')
       ), same AS (
         SELECT o.person_id AS ours, o.person_id AS other, NULL::uuid AS link FROM ours o
         UNION
         SELECT o.person_id, CASE WHEN d.person_id = o.person_id THEN d.candidate_id ELSE d.person_id END, d.id
           FROM ours o JOIN duplicate_candidate d ON (d.person_id = o.person_id OR d.candidate_id = o.person_id)
          WHERE d.status <> 'REJECTED'
       )
       SELECT v.person_id AS victim_id, s.person_id AS suspect_id, ts.case_id AS other_case,
              tv.person_id AS other_victim_id, ts.person_id AS other_suspect_id, sv.link AS victim_link, ss.link AS suspect_link
         FROM ours v
         JOIN ours s ON v.role = 'VICTIM' AND s.role = 'PERSON_OF_CONCERN' AND s.person_id <> v.person_id
         JOIN same sv ON sv.ours = v.person_id
         JOIN case_participant ts ON ts.person_id = sv.other AND ts.role = 'PERSON_OF_CONCERN' AND ts.valid_to IS NULL AND ts.case_id <> $1
         JOIN same ss ON ss.ours = s.person_id
         JOIN case_participant tv ON tv.person_id = ss.other AND tv.role = 'VICTIM' AND tv.valid_to IS NULL AND tv.case_id = ts.case_id
        WHERE tv.person_id <> ts.person_id
        LIMIT $2`,
      [caseId, MAX_LINKS_PER_DETECTION],
    );
    if (found.length === 0) return [];
    // Once per pair of cases and people: the case with the smaller id is side a.
    const rows = found.map((f) => {
      const mineFirst = caseId < f.other_case;
      const mine = { c: caseId, v: f.victim_id, s: f.suspect_id };
      const theirs = { c: f.other_case, v: f.other_victim_id, s: f.other_suspect_id };
      const [a, b] = mineFirst ? [mine, theirs] : [theirs, mine];
      // a's victim is b's suspect (through one link) and a's suspect is b's victim (through the other).
      const [aVictimLink, aSuspectLink] = mineFirst ? [f.victim_link, f.suspect_link] : [f.suspect_link, f.victim_link];
      return { id: randomUUID(), a, b, aVictimLink, aSuspectLink };
    });
    const inserted: { id: string; case_a: string; case_b: string; a_victim_id: string; a_suspect_id: string; b_victim_id: string; b_suspect_id: string }[] = await m.query(
      `INSERT INTO counter_allegation (id, case_a, a_victim_id, a_suspect_id, case_b, b_victim_id, b_suspect_id, a_victim_link, a_suspect_link, detected_on, detected_at)
       SELECT t.id, t.case_a, t.a_victim, t.a_suspect, t.case_b, t.b_victim, t.b_suspect, t.a_victim_link, t.a_suspect_link, $10, $11
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::uuid[], $8::uuid[], $9::uuid[])
           AS t(id, case_a, a_victim, a_suspect, case_b, b_victim, b_suspect, a_victim_link, a_suspect_link)
       ON CONFLICT DO NOTHING
       RETURNING id, case_a, case_b, a_victim_id, a_suspect_id, b_victim_id, b_suspect_id`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.a.c),
        rows.map((r) => r.a.v),
        rows.map((r) => r.a.s),
        rows.map((r) => r.b.c),
        rows.map((r) => r.b.v),
        rows.map((r) => r.b.s),
        rows.map((r) => r.aVictimLink),
        rows.map((r) => r.aSuspectLink),
        caseId,
        now,
      ],
    );
    if (inserted.length === 0) return [];
    // s62: records of two cases combined into one finding (LAW-01).
    await this.accessLog.append(m, {
      operation: 'combination',
      action: 'person.counter-allegation.detect',
      principal: by.principal,
      recordType: 'counter-allegation',
      recordIds: [...new Set(inserted.flatMap((r) => [r.id, r.case_a, r.case_b, r.a_victim_id, r.a_suspect_id, r.b_victim_id, r.b_suspect_id]))],
      fieldGroups: [],
      purpose: by.purpose,
      recipients: ['police'],
      decision: by.decision,
      correlationId: by.correlationId,
    });
    return inserted.map((r) => r.id);
  }

  /** The counter-allegations standing now on each of these cases, seen from that case, newest first. */
  async forCases(db: Queryable, caseIds: readonly string[]): Promise<Map<string, CounterAllegationView[]>> {
    const out = new Map<string, CounterAllegationView[]>();
    if (caseIds.length === 0) return out;
    const open = (c: string, p: string, role: string) =>
      `EXISTS (SELECT 1 FROM case_participant cp WHERE cp.case_id = ${c} AND cp.person_id = ${p} AND cp.role = '${role}' AND cp.valid_to IS NULL)`;
    const rows: Record<string, unknown>[] = await db.query(
      `SELECT ca.*, va.status AS a_victim_link_status, sa.status AS a_suspect_link_status
         FROM counter_allegation ca
         LEFT JOIN duplicate_candidate va ON va.id = ca.a_victim_link
         LEFT JOIN duplicate_candidate sa ON sa.id = ca.a_suspect_link
        WHERE (ca.case_a = ANY($1::uuid[]) OR ca.case_b = ANY($1::uuid[]))
          AND coalesce(va.status, 'CONFIRMED') <> 'REJECTED' AND coalesce(sa.status, 'CONFIRMED') <> 'REJECTED'
          AND ${open('ca.case_a', 'ca.a_victim_id', 'VICTIM')} AND ${open('ca.case_a', 'ca.a_suspect_id', 'PERSON_OF_CONCERN')}
          AND ${open('ca.case_b', 'ca.b_victim_id', 'VICTIM')} AND ${open('ca.case_b', 'ca.b_suspect_id', 'PERSON_OF_CONCERN')}
        ORDER BY ca.detected_at DESC, ca.id
        LIMIT 500`,
      [[...new Set(caseIds)]],
    );
    const wanted = new Set(caseIds);
    for (const r of rows) {
      const confirmed = [r.a_victim_link_status, r.a_suspect_link_status].every((s) => s === null || s === 'CONFIRMED');
      const sides = [
        { on: r.case_a as string, other: r.case_b as string, v: r.a_victim_id, s: r.a_suspect_id, ov: r.b_victim_id, os: r.b_suspect_id },
        { on: r.case_b as string, other: r.case_a as string, v: r.b_victim_id, s: r.b_suspect_id, ov: r.a_victim_id, os: r.a_suspect_id },
      ];
      for (const side of sides) {
        if (!wanted.has(side.on)) continue;
        out.set(side.on, [
          ...(out.get(side.on) ?? []),
          {
            counterAllegationId: r.id as string,
            otherCaseId: side.other,
            status: confirmed ? 'CONFIRMED' : 'POSSIBLE',
            victimId: side.v as string,
            personOfConcernId: side.s as string,
            otherVictimId: side.ov as string,
            otherPersonOfConcernId: side.os as string,
            detectedAt: (r.detected_at as Date).toISOString(),
          },
        ]);
      }
    }
    return out;
  }
}
