import { AGENCIES, type Agency, type Role } from '@stac/domain';

/**
 * Which agencies each role belongs to (domain.md §2), part of the policy table (AC-01). A role counts
 * only for a user of one of its agencies: the agency comes from the token's issuer, so a police token
 * that also claims `mh-clinician` is a police user without that role, never a clinician. Roles every
 * agency has (a risk assessor within an agency, the analyst, the DPO, the administrator) list them all.
 */
export const ROLE_AGENCIES: Readonly<Record<Role, readonly Agency[]>> = {
  'case-officer': ['police'],
  'stac-screener': ['police'],
  'stac-lead': ['police'],
  'spo-coordinator': ['police'],
  'mh-clinician': ['mental-health'],
  'mh-lead': ['mental-health'],
  'mh-liaison': ['mental-health'],
  'caldicott-guardian': ['mental-health'],
  'probation-officer': ['probation'],
  'probation-lead': ['probation'],
  advocate: ['advocacy'],
  'advocacy-lead': ['advocacy'],
  prosecutor: ['cps'],
  'risk-assessor': AGENCIES,
  analyst: AGENCIES,
  dpo: AGENCIES,
  admin: AGENCIES,
};

export function roleBelongsTo(role: Role, agency: Agency): boolean {
  return ROLE_AGENCIES[role]?.includes(agency) ?? false;
}

/** The caller's roles that count for their agency; the others are ignored (AC-01). */
export function rolesOfAgency(principal: { agency: Agency; roles: readonly Role[] }): Role[] {
  return principal.roles.filter((r) => roleBelongsTo(r, principal.agency));
}
