import type { Principal, Relationship, FieldGroup, Purpose } from './vocabulary';
import { ruleFor } from './policy-table';
import { rolesOfAgency } from './role-agencies';

export type DenyReason =
  | 'unknown-action'
  | 'role'
  | 'agency'
  | 'purpose'
  | 'excluded'
  | 'restricted'
  | 'no-relationship'
  | 'read-only'
  | 'field-group';

export interface Decision {
  allow: boolean;
  /** The policy rule (action) and, when allowed, the relationship that opened the case. */
  rule: string;
  reason?: DenyReason;
  via?: Relationship['kind'];
  /** How the caller must be answered: 404 when the case is invisible to them (AC-09), 403 otherwise. */
  status: 200 | 403 | 404;
  deniedFieldGroups?: FieldGroup[];
}

export interface CaseResource {
  /** Relationships the caller holds on this case right now (already filtered by subject/agency/time). */
  relationships: readonly Relationship[];
  /** The caller is excluded from this case (conflict of interest, AC-07). */
  excluded: boolean;
  /**
   * Present when the case is restricted to the people named on it (staff-linked, public figure):
   * whether the caller is one of them. Absent for an unrestricted case.
   */
  restriction?: { named: boolean };
  /**
   * Field groups granted on this case to the caller, or to their agency's team, on top of what their
   * relationships grant (AC-03); they never open the case by themselves.
   */
  fieldGroupGrants?: readonly FieldGroup[];
}

/**
 * The single decision point used by every service (AC-01..AC-07, AC-09). Deny by default. A caller
 * whose role or agency can never perform the action gets 403 whether or not the case exists; a case
 * the caller cannot open is 404.
 */
export function decide(
  principal: Principal,
  action: string,
  resource: CaseResource | null,
  fieldGroups: readonly FieldGroup[],
  purpose: Purpose | undefined,
): Decision {
  const rule = ruleFor(action);
  const deny = (reason: DenyReason, status: 403 | 404, extra: Partial<Decision> = {}): Decision => ({
    allow: false,
    rule: action,
    reason,
    status,
    ...extra,
  });
  if (!rule) return deny('unknown-action', 403);
  // Only the roles that belong to the caller's agency count: a role from another agency is ignored (AC-01).
  if (!rolesOfAgency(principal).some((r) => rule.roles.includes(r))) return deny('role', 403);
  if (!rule.agencies.includes(principal.agency)) return deny('agency', 403);
  if (!purpose || !rule.purposes.includes(purpose)) return deny('purpose', 403);
  if (rule.relationships.length === 0) {
    return fieldGroups.length ? deny('field-group', 403, { deniedFieldGroups: [...fieldGroups] }) : { allow: true, rule: action, status: 200 };
  }
  if (!resource) return deny('no-relationship', 404);
  // Exclusion overrides every grant, break-glass included (AC-07, AC-06).
  if (resource.excluded) return deny('excluded', 404);
  // A restricted case exists only for the people named on it, whatever else they hold (break-glass
  // included); the owning team's leads manage who is named without being named themselves.
  if (resource.restriction && !resource.restriction.named && !rule.managesNamedAccess) return deny('restricted', 404);
  const usable = resource.relationships.filter(
    (r) => rule.relationships.includes(r.kind) && (!r.purposes || r.purposes.includes(purpose)),
  );
  // A caller who can see the case but not do this to it gets 403; one who cannot see it gets 404 (AC-09).
  if (usable.length === 0) return deny('no-relationship', canSeeCase(resource, purpose) ? 403 : 404);
  const writable = rule.write ? usable.filter((r) => !r.readOnly) : usable;
  if (writable.length === 0) return deny('read-only', 403);
  // A grant of a field group adds to a relationship that opens the case, never to break-glass alone (AC-06).
  const extra = writable.some((r) => r.kind !== 'BREAK_GLASS') ? (resource.fieldGroupGrants ?? []) : [];
  const granted = new Set([...writable.flatMap((r) => r.fieldGroups), ...extra]);
  const missing = fieldGroups.filter((g) => !granted.has(g));
  if (missing.length) return deny('field-group', 403, { deniedFieldGroups: missing });
  // Prefer the strongest relationship for the record of why access was allowed.
  const via = writable.find((r) => r.kind !== 'BREAK_GLASS') ?? writable[0];
  return { allow: true, rule: action, status: 200, via: via.kind };
}

/** Whether the caller's relationships open the case for reading with this purpose. */
export function canSeeCase(resource: CaseResource, purpose: Purpose): boolean {
  const read = ruleFor('case.read');
  return !!read && resource.relationships.some((r) => read.relationships.includes(r.kind) && (!r.purposes || r.purposes.includes(purpose)));
}
