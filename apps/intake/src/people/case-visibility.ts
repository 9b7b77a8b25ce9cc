import type { EntityManager } from 'typeorm';
import { CaseRelationships, decide, type Principal, type Purpose } from '@stac/auth';
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
 * `visibleCases` does): the people's cases and the caller's relationships to them are read side by side,
 * one round trip where a lookup of the cases and then of the relationships took two.
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
  const [rows, resources] = await Promise.all([
    db.query(
      `SELECT person_id, case_id, coalesce(array_agg(role ORDER BY role) FILTER (WHERE valid_to IS NULL), '{}') AS roles
         FROM case_participant WHERE person_id = ANY($1::uuid[]) GROUP BY person_id, case_id`,
      [personIds],
    ) as Promise<{ person_id: string; case_id: string; roles: CaseRolesView['roles'] }[]>,
    new CaseRelationships().forPrincipalMany(
      db,
      { sql: 'ARRAY(SELECT DISTINCT case_id FROM case_participant WHERE person_id = ANY($1::uuid[]))', param: personIds },
      principal,
    ),
  ]);
  const none = { relationships: [], excluded: false };
  const allowed = new Map<string, boolean>();
  for (const r of rows) {
    let allow = allowed.get(r.case_id);
    if (allow === undefined) {
      allow = decide(principal, action, resources.get(r.case_id) ?? none, [], purpose).allow;
      allowed.set(r.case_id, allow);
    }
    if (allow) out.set(r.person_id, [...(out.get(r.person_id) ?? []), { caseId: r.case_id, roles: r.roles }]);
  }
  return out;
}
