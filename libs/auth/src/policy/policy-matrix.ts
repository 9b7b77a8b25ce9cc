import { AGENCIES, ROLES, type Agency, type Role } from '@stac/domain';
import { DEFAULT_AGREEMENTS } from '../access-log/default-agreements';
import type { CaseResource } from './decide';
import { OWNING_FIELD_GROUPS, POLICY, type PolicyRule } from './policy-table';
import { roleBelongsTo } from './role-agencies';
import { FIELD_GROUPS, PURPOSES, RELATIONSHIP_KINDS, type FieldGroup, type Purpose, type RelationshipKind } from './vocabulary';

/** One cell of the generated access-control matrix (AC-10). */
export interface MatrixCell {
  action: string;
  role: Role;
  agency: Agency;
  /** The relationship the caller holds on the case (`NONE` for none). */
  relationship: RelationshipKind | 'NONE';
  fieldGroup: FieldGroup | 'NONE';
  purpose: Purpose;
  /** Whether the case is restricted to named people (staff-linked, public figure) and the caller named on it. */
  restriction: MatrixRestriction;
  expected: 200 | 403 | 404;
}

/** The restricted-records dimension: an unrestricted case, a restricted one naming the caller, one that does not. */
export const MATRIX_RESTRICTIONS = ['NONE', 'NAMED', 'NOT_NAMED'] as const;
export type MatrixRestriction = (typeof MATRIX_RESTRICTIONS)[number];

/**
 * The relationship rows the matrix grants for a kind: what each grants and for which purposes.
 * Shares follow the owning agency's agreements; owning kinds grant the agency's own field groups;
 * break-glass grants nothing beyond core facts and is read-only.
 */
export function matrixGrant(kind: RelationshipKind, agency: Agency, owner: Agency) {
  if (kind === 'AGENCY_SHARE') {
    const agreement = (DEFAULT_AGREEMENTS[owner as Exclude<Agency, 'cps'>] ?? []).find((a) => a.to === agency);
    return agreement ? { fieldGroups: agreement.fieldGroups, purposes: agreement.purposes as readonly Purpose[], readOnly: false } : null;
  }
  if (kind === 'BREAK_GLASS') return { fieldGroups: [] as FieldGroup[], purposes: undefined, readOnly: true };
  return { fieldGroups: OWNING_FIELD_GROUPS[agency], purposes: undefined, readOnly: false };
}

/**
 * The case as the caller holds it in a cell: the relationship's grant (none for `NONE`) and the case's
 * restriction. What the services are given as fixtures for the same cell.
 */
export function matrixResource(cell: Pick<MatrixCell, 'relationship' | 'agency' | 'restriction'>, owner: Agency): CaseResource {
  const grant = cell.relationship === 'NONE' ? null : matrixGrant(cell.relationship, cell.agency, owner);
  return {
    relationships:
      grant && cell.relationship !== 'NONE'
        ? [{ kind: cell.relationship, fieldGroups: grant.fieldGroups, purposes: grant.purposes, readOnly: grant.readOnly }]
        : [],
    excluded: false,
    ...(cell.restriction === 'NONE' ? {} : { restriction: { named: cell.restriction === 'NAMED' } }),
  };
}

/**
 * The expected answer, read straight off the policy table in the order the security requirements
 * state them — an independent statement of the table's meaning that the real services are checked against.
 */
export function expectedStatus(
  rule: PolicyRule,
  role: Role,
  agency: Agency,
  relationship: RelationshipKind | 'NONE',
  fieldGroup: FieldGroup | 'NONE',
  purpose: Purpose,
  owner: Agency,
  restriction: MatrixRestriction = 'NONE',
): 200 | 403 | 404 {
  if (!rule.roles.includes(role) || !roleBelongsTo(role, agency) || !rule.agencies.includes(agency) || !rule.purposes.includes(purpose)) return 403;
  const groups = fieldGroup === 'NONE' ? [] : [fieldGroup];
  if (rule.relationships.length === 0) return groups.length ? 403 : 200;
  // A restricted case does not exist for anyone not named on it, except to manage who is named.
  if (restriction === 'NOT_NAMED' && !rule.managesNamedAccess) return 404;
  const grant = relationship === 'NONE' ? null : matrixGrant(relationship, agency, owner);
  const opensForPurpose = !!grant && (!grant.purposes || grant.purposes.includes(purpose));
  if (relationship === 'NONE' || !rule.relationships.includes(relationship) || !opensForPurpose) {
    // Seeing the case (any relationship that opens it for reading) turns "not for you" into 403.
    const readRule = POLICY.find((r) => r.action === 'case.read');
    return relationship !== 'NONE' && opensForPurpose && !!readRule?.relationships.includes(relationship) ? 403 : 404;
  }
  if (!grant) return 404;
  if (rule.write && grant.readOnly) return 403;
  return groups.every((g) => grant.fieldGroups.includes(g)) ? 200 : 403;
}

/**
 * Every role x agency x relationship x field group x purpose x restriction for the given actions, one at a
 * time (the full matrix has millions of cells: iterate rather than hold them).
 */
export function* policyCells(
  actions: readonly string[] = POLICY.map((r) => r.action),
  owner: Agency = 'police',
  purposes: readonly Purpose[] = PURPOSES,
  restrictions: readonly MatrixRestriction[] = MATRIX_RESTRICTIONS,
): Generator<MatrixCell> {
  for (const action of actions) {
    const rule = POLICY.find((r) => r.action === action);
    if (!rule) throw new Error(`no policy rule ${action}`);
    for (const role of ROLES)
      for (const agency of AGENCIES)
        for (const relationship of ['NONE', ...RELATIONSHIP_KINDS] as const)
          for (const fieldGroup of ['NONE', ...FIELD_GROUPS] as const)
            for (const purpose of purposes)
              for (const restriction of restrictions)
                yield {
                  action,
                  role,
                  agency,
                  relationship,
                  fieldGroup,
                  purpose,
                  restriction,
                  expected: expectedStatus(rule, role, agency, relationship, fieldGroup, purpose, owner, restriction),
                };
  }
}

/** The cells of `policyCells` as a list (for the running services: a few actions at a time). */
export function policyMatrix(
  actions: readonly string[] = POLICY.map((r) => r.action),
  owner: Agency = 'police',
  purposes: readonly Purpose[] = PURPOSES,
  restrictions: readonly MatrixRestriction[] = MATRIX_RESTRICTIONS,
): MatrixCell[] {
  return [...policyCells(actions, owner, purposes, restrictions)];
}
