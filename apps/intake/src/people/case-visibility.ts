import type { EntityManager } from 'typeorm';
import { decide, type CaseResource, type FieldGroup, type Principal, type Purpose, type RelationshipKind } from '@stac/auth';

type Queryable = Pick<EntityManager, 'query'>;

/**
 * Which of many cases the caller may see people on, decided case by case with the one policy
 * (`decide`, AC-10) over the caller's relationships and exclusions as of now — the same conditions as
 * `CaseRelationships.forPrincipal`, read for all the cases in two queries instead of two per case, so a
 * search touching hundreds of cases stays fast.
 */
export async function visibleCases(
  db: Queryable,
  principal: Principal,
  purpose: Purpose,
  caseIds: readonly string[],
  action = 'person.read',
): Promise<Set<string>> {
  const ids = [...new Set(caseIds)];
  if (ids.length === 0) return new Set();
  const [rels, excl]: [Record<string, unknown>[], { case_id: string }[]] = await Promise.all([
    db.query(
      `SELECT r.case_id, r.kind, r.field_groups, r.read_only, a.purposes AS agreement_purposes, a.field_groups AS agreement_field_groups
         FROM case_relationship r LEFT JOIN sharing_agreement a ON a.id = r.agreement_id
        WHERE r.case_id = ANY($1::uuid[]) AND r.agency = $2 AND (r.subject IS NULL OR r.subject = $3)
          AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())
          AND (r.agreement_id IS NULL OR (a.revoked_at IS NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())))`,
      [ids, principal.agency, principal.subject],
    ),
    db.query(
      `SELECT DISTINCT case_id FROM case_exclusion WHERE case_id = ANY($1::uuid[]) AND subject = $2 AND issuer = $3
          AND valid_from <= now() AND (valid_to IS NULL OR valid_to > now())`,
      [ids, principal.subject, principal.issuer],
    ),
  ]);
  const excluded = new Set(excl.map((e) => e.case_id));
  const byCase = new Map<string, CaseResource['relationships'][number][]>();
  for (const r of rels) {
    const list = byCase.get(r.case_id as string) ?? [];
    list.push({
      kind: r.kind as RelationshipKind,
      fieldGroups: ((r.agreement_field_groups ?? r.field_groups) as FieldGroup[]) ?? [],
      purposes: (r.agreement_purposes as Purpose[] | null) ?? undefined,
      readOnly: r.read_only === true,
    });
    byCase.set(r.case_id as string, list);
  }
  const visible = new Set<string>();
  for (const id of ids) {
    const resource: CaseResource = { relationships: byCase.get(id) ?? [], excluded: excluded.has(id) };
    if (decide(principal, action, resource, [], purpose).allow) visible.add(id);
  }
  return visible;
}
