import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Agency } from '@stac/domain';
import type { CaseResource } from './decide';
import { agreementId } from '../access-log/default-agreements';
import type { FieldGroup, Principal, Purpose, Relationship, RelationshipKind } from './vocabulary';
import type { Team } from './owning-teams';

/** Agreement ids of the codes granted (a handful), derived once each instead of hashed on every grant. */
const AGREEMENT_IDS = new Map<string, string>();
function agreementIdOf(code: string): string {
  let id = AGREEMENT_IDS.get(code);
  if (id === undefined) {
    id = agreementId(code);
    if (AGREEMENT_IDS.size < 1000) AGREEMENT_IDS.set(code, id);
  }
  return id;
}

export interface Grant {
  caseId: string;
  kind: RelationshipKind;
  agency: Agency;
  /** A named user, by their token issuer AND subject (AC-16); absent for team-wide relationships (owning team, agency share). */
  subject?: string;
  issuer?: string;
  fieldGroups?: readonly FieldGroup[];
  /** For AGENCY_SHARE: the data-sharing agreement (by code) whose purposes and field groups apply. */
  agreementCode?: string;
  readOnly?: boolean;
  justification?: string;
  validTo?: Date;
  createdBy: string;
  /** Set on a replica of another service's relationship (`intake`); absent for this service's own. */
  origin?: string;
  /** A replica keeps the owner's id. */
  id?: string;
  validFrom?: Date;
  /** For OWNING_TEAM where the agency has teams: only members of this team (same issuer) hold it (AC-02). */
  team?: Team;
}

type Queryable = Pick<EntityManager, 'query'>;

/** One row of `caseFactsSql`: a relationship of the caller, or a fact about the case. */
export interface CaseFactRow {
  case_id: string;
  fact: 'relationship' | 'excluded' | 'restricted' | 'named' | 'field-group';
  kind: string | null;
  field_groups: string[] | null;
  read_only: boolean | null;
  purposes: string[] | null;
  field_group: string | null;
}

/**
 * The caller's relationships to the cases of an array expression of case ids (`idsSql`), and the facts that
 * qualify them — exclusions (AC-07), the case's restriction to named people and whether the caller is
 * named, field groups granted on top (AC-03) — as `CaseFactRow`s of one statement. The caller is `$2`..`$5`
 * (`caseFactParams`), so a statement can find the cases (over `$1`) and decide them in one round trip.
 */
export function caseFactsSql(idsSql: string): string {
  return `SELECT r.case_id, 'relationship' AS fact, r.kind, coalesce(a.field_groups, r.field_groups) AS field_groups, r.read_only,
                  a.purposes, NULL::text AS field_group
             FROM case_relationship r LEFT JOIN sharing_agreement a ON a.id = r.agreement_id
            WHERE r.case_id = ANY(${idsSql}) AND r.agency = $2 AND (r.subject IS NULL OR (r.subject = $3 AND r.issuer = $4))
              AND ${TEAM_MEMBER('r', '$4', '$5')}
              AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())
              AND (r.agreement_id IS NULL OR (a.revoked_at IS NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())))
           UNION ALL
           SELECT DISTINCT case_id, 'excluded', NULL::text, NULL::text[], NULL::boolean, NULL::text[], NULL::text FROM case_exclusion
            WHERE case_id = ANY(${idsSql}) AND subject = $3 AND issuer = $4
              AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())
           UNION ALL
           SELECT r.case_id, CASE WHEN ${NAMED('r.case_id', '$3', '$4')} THEN 'named' ELSE 'restricted' END, NULL::text, NULL::text[], NULL::boolean, NULL::text[], NULL::text
             FROM case_restriction r WHERE r.case_id = ANY(${idsSql}) AND cardinality(r.kinds) > 0
           UNION ALL
           SELECT case_id, 'field-group', NULL::text, NULL::text[], NULL::boolean, NULL::text[], field_group FROM case_field_group_grant
            WHERE case_id = ANY(${idsSql}) AND agency = $2 AND (subject IS NULL OR (subject = $3 AND issuer = $4))
              AND revoked_at IS NULL AND valid_from <= now() AND valid_to > now()`;
}

/** The caller's parameters `$2`..`$5` of `caseFactsSql`. */
export const caseFactParams = (p: Principal): unknown[] => [p.agency, p.subject, p.issuer, p.team ?? null];

/** What the caller holds on each case, from `caseFactsSql` rows; every id in `ids` is in the answer. */
export function caseResourcesOf(rows: readonly CaseFactRow[], ids: readonly string[] = []): Map<string, CaseResource> {
  const out = new Map<string, CaseResource>(ids.map((id) => [id, { relationships: [], excluded: false }]));
  for (const f of rows) {
    if (!out.has(f.case_id)) out.set(f.case_id, { relationships: [], excluded: false });
    const r = out.get(f.case_id) as { -readonly [K in keyof CaseResource]: CaseResource[K] };
    if (f.fact === 'relationship') {
      (r.relationships as Relationship[]).push({
        kind: f.kind as RelationshipKind,
        fieldGroups: (f.field_groups as FieldGroup[]) ?? [],
        purposes: (f.purposes as Purpose[] | null) ?? undefined,
        readOnly: f.read_only === true,
      });
    } else if (f.fact === 'excluded') r.excluded = true;
    else if (f.fact === 'field-group') r.fieldGroupGrants = [...(r.fieldGroupGrants ?? []), f.field_group as FieldGroup];
    else r.restriction = { named: f.fact === 'named' };
  }
  return out;
}

/** Relationships to cases held in the owning service's own database (AC-02, AC-07, AC-12). */
export class CaseRelationships {
  /** What the caller holds on a case right now; checked on every request so a revocation bites at once. */
  async forPrincipal(db: Queryable, caseId: string, p: Principal): Promise<CaseResource> {
    return (await this.forPrincipalMany(db, [caseId], p)).get(caseId)!;
  }

  /**
   * The same for many cases in one query (searches and worklists touching hundreds of cases): the
   * caller's relationships, and the facts that qualify them — exclusions (AC-07), the case's restriction
   * to named people and whether the caller is named, field groups granted on top (AC-03) — as rows of one
   * result, so every access decision costs one round trip to the database.
   */
  async forPrincipalMany(db: Queryable, caseIds: readonly string[], p: Principal): Promise<Map<string, CaseResource>> {
    const ids = [...new Set(caseIds)];
    const rows: CaseFactRow[] = ids.length ? await db.query(caseFactsSql('$1::uuid[]'), [ids, ...caseFactParams(p)]) : [];
    return caseResourcesOf(rows, ids);
  }

  /**
   * Of these cases, those that are hidden from the caller whatever their relationships: excluded (AC-07),
   * or restricted to named people the caller is not among. For lists built without a decision per case.
   */
  async hiddenFrom(db: Queryable, caseIds: readonly string[], p: Pick<Principal, 'issuer' | 'subject'>): Promise<Set<string>> {
    const ids = [...new Set(caseIds)];
    if (!ids.length) return new Set();
    const rows: { case_id: string }[] = await db.query(`SELECT c.id AS case_id FROM unnest($1::uuid[]) AS c(id) WHERE ${caseHiddenSql('c.id', '$2', '$3')}`, [
      ids,
      p.subject,
      p.issuer,
    ]);
    return new Set(rows.map((r) => r.case_id));
  }

  async grant(m: Queryable, g: Grant): Promise<string> {
    const [id] = await this.grantMany(m, [g]);
    return id;
  }

  /**
   * Several relationships in one statement (a new case opens five or so at once). `unlessHeld`: only
   * when the case holds no relationship of that kind created by that actor yet, decided by the same
   * statement (the caller serialises concurrent openers); returns the ids written, none when it held one.
   */
  async grantMany(m: Queryable, grants: readonly Grant[], o: { unlessHeld?: { kind: RelationshipKind; createdBy: string } } = {}): Promise<string[]> {
    if (grants.length === 0) return [];
    const ids = grants.map((g) => g.id ?? randomUUID());
    const COLUMNS = 16;
    // Every value typed, so the rows read the same as a VALUES list of an INSERT and as a subquery.
    const values = `VALUES ${grants
      .map((_, r) => {
        const p = (c: number) => `$${r * COLUMNS + c}`;
        return `(${p(1)}::uuid, ${p(2)}::uuid, ${p(3)}::text, ${p(4)}::text, ${p(5)}::text, ${p(6)}::text[], ${p(7)}::uuid, ${p(8)}::boolean, ${p(9)}::text, least(coalesce(${p(12)}::timestamptz, now()), now()), ${p(10)}::timestamptz, ${p(11)}::text, ${p(13)}::text, ${p(14)}::text, ${p(15)}::text, ${p(16)}::text)`;
      })
      .join(', ')}`;
    const params = grants.flatMap((g, r) => {
      if (g.subject !== undefined && !g.issuer) throw new Error('a named relationship names its user by issuer and subject (AC-16)');
      return [
        ids[r],
        g.caseId,
        g.kind,
        g.agency,
        g.subject ?? null,
        g.fieldGroups ?? [],
        g.agreementCode ? agreementIdOf(g.agreementCode) : null,
        g.readOnly ?? false,
        g.justification ?? null,
        g.validTo ?? null,
        g.createdBy,
        g.validFrom ?? null,
        g.subject !== undefined ? g.issuer : null,
        g.origin ?? null,
        g.team?.team ?? null,
        g.team?.issuer ?? null,
      ];
    });
    const columns = 'id, case_id, kind, agency, subject, field_groups, agreement_id, read_only, justification, valid_from, valid_to, created_by, issuer, origin, team, team_issuer';
    if (!o.unlessHeld) {
      await m.query(`INSERT INTO case_relationship (${columns}) ${values}`, params);
      return ids;
    }
    const n = params.length;
    const written: { id: string }[] = await m.query(
      `INSERT INTO case_relationship (${columns}) SELECT * FROM (${values}) AS g
        WHERE NOT EXISTS (SELECT 1 FROM case_relationship r WHERE r.case_id = $${n + 1} AND r.kind = $${n + 2} AND r.created_by = $${n + 3})
       RETURNING id`,
      [...params, grants[0].caseId, o.unlessHeld.kind, o.unlessHeld.createdBy],
    );
    return written.map((w) => w.id);
  }


  /**
   * Ends a relationship of this case, of one of these kinds, now; the next request of its holder is
   * denied (AC-12). False when the case holds no such relationship in force (another case's included).
   */
  async end(m: Queryable, caseId: string, relationshipId: string, kinds: readonly RelationshipKind[], endedBy: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await m.query(
      `UPDATE case_relationship SET valid_to = now(), ended_by = $4
        WHERE id = $1 AND case_id = $2 AND kind = ANY($3::text[]) AND origin IS NULL AND (valid_to IS NULL OR valid_to > now()) RETURNING id`,
      [relationshipId, caseId, kinds, endedBy],
    );
    return rows.length > 0;
  }

  async exclude(m: Queryable, caseId: string, target: { issuer: string; subject: string }, createdBy: string): Promise<string> {
    const id = randomUUID();
    await m.query(
      `INSERT INTO case_exclusion (id, case_id, issuer, subject, valid_from, created_by) VALUES ($1, $2, $3, $4, now(), $5)`,
      [id, caseId, target.issuer, target.subject, createdBy],
    );
    return id;
  }
}

/**
 * SQL: the relationship row `r` is held by the caller's team, if it names one (AC-02): a team-wide
 * relationship recorded with a team opens only for a member of that team as named by the same issuer.
 */
export const TEAM_MEMBER = (r: string, issuerParam: string, teamParam: string) =>
  `(${r}.team IS NULL OR (${r}.team = ${teamParam} AND ${r}.team_issuer = ${issuerParam}))`;

/** SQL: the user (`subjectParam`, `issuerParam`) is named, now, on the restricted case `caseIdSql`. */
const NAMED = (caseIdSql: string, subjectParam: string, issuerParam: string) => `EXISTS (
  SELECT 1 FROM case_named_access n WHERE n.case_id = ${caseIdSql} AND n.subject = ${subjectParam} AND n.issuer = ${issuerParam}
     AND n.valid_from <= now() AND (n.valid_to IS NULL OR n.valid_to > now()))`;

/**
 * SQL condition: the case `caseIdSql` is hidden from the user named by the two parameters, whatever their
 * relationships — they are excluded from it (AC-07), or it is restricted to named people and they are not
 * one of them. Worklists written as SQL put `NOT (...)` of it in their WHERE clause.
 */
export function caseHiddenSql(caseIdSql: string, subjectParam: string, issuerParam: string): string {
  return `(EXISTS (SELECT 1 FROM case_exclusion x WHERE x.case_id = ${caseIdSql} AND x.subject = ${subjectParam} AND x.issuer = ${issuerParam}
             AND x.valid_from <= now() AND (x.valid_to IS NULL OR x.valid_to > now()))
        OR EXISTS (SELECT 1 FROM case_restriction rr WHERE rr.case_id = ${caseIdSql} AND cardinality(rr.kinds) > 0
             AND NOT ${NAMED('rr.case_id', subjectParam, issuerParam)}))`;
}

/** The actor recorded when the workflow itself (an event handler) grants access. */
export function systemPrincipal(service: string, agency: Agency): Principal {
  return { issuer: 'urn:stac:platform', subject: `service:${service}`, agency, roles: [] };
}
