import type { EntityManager } from 'typeorm';
import { CaseRelationships, decide, type Principal, type Purpose } from '@stac/auth';

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
