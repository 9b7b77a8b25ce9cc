import type { EntityManager } from 'typeorm';
import { caseFactParams, caseFactsSql, caseResourcesOf, CaseRelationships, decide, type CaseFactRow, type Principal, type Purpose } from '@stac/auth';
import type { CaseRolesView } from '@stac/contracts';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Which of many cases the caller may see people on, decided case by case with the one policy
 * (`decide`, AC-10) over the caller's relationships and exclusions as of now, read for all the cases in
 * two queries, so a search touching hundreds of cases stays fast.
 */
export async function visibleCases(
  db: Queryable,
  principal: Principal,
  purpose: Purpose,
  caseIds: readonly string[],
  action = 'person.read',
): Promise<Set<string>> {
  const resources = await new CaseRelationships().forPrincipalMany(db, caseIds, principal);
  const visible = new Set<string>();
  for (const [id, resource] of resources) {
    if (decide(principal, action, resource, [], purpose).allow) visible.add(id);
  }
  return visible;
}

/**
 * The cases each of these people is on, only those the caller may see people on (decided as
 * `visibleCases` does): the people's cases and the caller's relationships to them are read by one
 * statement, the participation once and the cases' facts over it, in one round trip.
 */
export async function visibleParticipation(
  db: Queryable,
  principal: Principal,
  purpose: Purpose,
  personIds: readonly string[],
  action = 'person.read',
): Promise<Map<string, CaseRolesView[]>> {
  const out = new Map<string, CaseRolesView[]>();
  if (personIds.length === 0) return out;
  const rows: (CaseFactRow & { person_id: string | null; roles: CaseRolesView['roles'] | null })[] = await db.query(
    `WITH part AS MATERIALIZED (
       SELECT person_id, case_id, coalesce(array_agg(role ORDER BY role) FILTER (WHERE valid_to IS NULL), '{}') AS roles
         FROM case_participant WHERE person_id = ANY($1::uuid[]) GROUP BY person_id, case_id)
     SELECT case_id, 'participant' AS fact, NULL::text AS kind, NULL::text[] AS field_groups, NULL::boolean AS read_only,
            NULL::text[] AS purposes, NULL::text AS field_group, person_id, roles FROM part
     UNION ALL
     SELECT f.*, NULL::uuid, NULL::text[] FROM (${caseFactsSql('ARRAY(SELECT DISTINCT case_id FROM part)')}) f`,
    [personIds, ...caseFactParams(principal)],
  );
  const resources = caseResourcesOf(rows.filter((r) => r.person_id === null));
  const none = { relationships: [], excluded: false };
  const allowed = new Map<string, boolean>();
  for (const r of rows) {
    if (r.person_id === null) continue;
    let allow = allowed.get(r.case_id);
    if (allow === undefined) {
      allow = decide(principal, action, resources.get(r.case_id) ?? none, [], purpose).allow;
      allowed.set(r.case_id, allow);
    }
    if (allow) out.set(r.person_id, [...(out.get(r.person_id) ?? []), { caseId: r.case_id, roles: r.roles ?? [] }]);
  }
  return out;
}
