/**
 * Field groups that need their own grant beyond access to the case (AC-03). The vocabulary the policy
 * (libs/auth) decides on and the contracts name in requests.
 */
export const FIELD_GROUPS = [
  'victim.contact',
  'victim.location',
  'suspect.health',
  'advocacy.notes',
  'risk.rationale',
  'intelligence',
] as const;
export type FieldGroup = (typeof FIELD_GROUPS)[number];
