import type { Agency, FieldGroup, Role } from '@stac/domain';

/** Field groups that need their own grant beyond access to the case (AC-03): the domain's one list. */
export { FIELD_GROUPS, type FieldGroup } from '@stac/domain';

/** How a user comes to see a case (AC-02). Created by the workflow, with start and end, audited. */
export const RELATIONSHIP_KINDS = [
  'OWNING_TEAM',
  'ASSIGNMENT',
  'REFERRAL_ACCEPTED',
  'CONSULTATION_PANEL',
  'AGENCY_SHARE',
  'BREAK_GLASS',
] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

/** Purpose of use, carried with every request (AC-04). */
export const PURPOSES = ['investigation', 'safeguarding', 'care', 'risk-management', 'audit', 'statistics'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface Principal {
  issuer: string;
  subject: string;
  /** From the trusted issuer's configuration, never from a token claim or a header. */
  agency: Agency;
  roles: Role[];
  /**
   * The team inside the agency (the token's `team` claim), meaningful only with `issuer` (AC-02): it
   * makes the caller a member of an owning team recorded with the same team and issuer.
   */
  team?: string;
}

/** A relationship the caller holds to one case, already filtered to the caller and to now. */
export interface Relationship {
  kind: RelationshipKind;
  /** Field groups this relationship grants; for shares, the agreement's field groups. */
  fieldGroups: readonly FieldGroup[];
  /** Purposes this relationship may be used for; undefined means any operational purpose. */
  purposes?: readonly Purpose[];
  /** Break-glass access is read-only. */
  readOnly?: boolean;
}
