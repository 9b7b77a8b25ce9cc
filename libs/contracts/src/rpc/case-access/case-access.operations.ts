import { operation } from '../../operations/operation';
import {
  BreakGlassRequest,
  END_CASE_RELATIONSHIP,
  EXCLUDE_FROM_CASE,
  ExclusionRecorded,
  ExclusionRequest,
  GRANT_CASE_RELATIONSHIP,
  OPEN_BREAK_GLASS,
  RelationshipEnded,
  RelationshipEndRequest,
  RelationshipGranted,
  RelationshipGrantRequest,
} from './case-access';
import {
  EndNamingRequest,
  FIELD_GROUP_GRANTS,
  FieldGroupGrantCommand,
  FieldGroupGrantList,
  FieldGroupGrantsQuery,
  FieldGroupGrantSubmission,
  FieldGroupGrantView,
  FieldGroupRevocationCommand,
  FieldGroupRevocationSubmission,
  NamedPersonCommand,
  NamedPersonSubmission,
  NamedPersonView,
  NamingEnded,
  RESTRICTED_RECORDS,
  RestrictionCommand,
  RestrictionQuery,
  RestrictionSubmission,
  RestrictionView,
} from './restricted-records';
import {
  BREAK_GLASS_REVIEWS,
  BreakGlassReviewList,
  BreakGlassReviewQuery,
  BreakGlassReviewView,
  CompleteBreakGlassReviewCommand,
  CompleteBreakGlassReviewSubmission,
} from './break-glass-reviews';

const TAG = 'case access';
const manage = { recordType: 'case-relationship', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' } as const;

export const GrantCaseRelationship = operation<RelationshipGrantRequest, RelationshipGranted>({
  name: 'case.relationship.grant',
  service: 'intake',
  subject: GRANT_CASE_RELATIONSHIP,
  request: RelationshipGrantRequest,
  reply: RelationshipGranted,
  action: 'case.relationship.manage',
  access: manage,
  http: {
    method: 'POST',
    path: '/cases/:caseId/relationships',
    tag: TAG,
    summary: 'Assign a user to the case or add them to the consultation panel (AC-02)',
    purpose: true,
    status: 201,
    problems: [400, 403, 404],
  },
});

export const EndCaseRelationship = operation<RelationshipEndRequest, RelationshipEnded>({
  name: 'case.relationship.end',
  service: 'intake',
  subject: END_CASE_RELATIONSHIP,
  request: RelationshipEndRequest,
  action: 'case.relationship.manage',
  access: manage,
  http: {
    method: 'DELETE',
    path: '/cases/:caseId/relationships/:relationshipId',
    tag: TAG,
    summary: 'End a relationship now; its holder is denied on the next request (AC-12)',
    purpose: true,
    status: 204,
    problems: [400, 403, 404],
  },
});

export const ExcludeFromCase = operation<ExclusionRequest, ExclusionRecorded>({
  name: 'case.exclusion.add',
  service: 'intake',
  subject: EXCLUDE_FROM_CASE,
  request: ExclusionRequest,
  reply: ExclusionRecorded,
  action: 'case.relationship.manage',
  access: manage,
  http: {
    method: 'POST',
    path: '/cases/:caseId/exclusions',
    tag: TAG,
    summary: 'Exclude a user from the case (conflict of interest); overrides every grant (AC-07)',
    purpose: true,
    status: 201,
    problems: [400, 403, 404],
  },
});

export const OpenBreakGlass = operation<BreakGlassRequest, RelationshipGranted>({
  name: 'case.break-glass.open',
  service: 'intake',
  subject: OPEN_BREAK_GLASS,
  request: BreakGlassRequest,
  reply: RelationshipGranted,
  action: 'case.break-glass',
  // Not decided on a relationship (there is none yet): the service checks exclusions and the case itself.
  access: { recordType: 'case-relationship', processing: 'alteration', recordIdFields: ['caseId'], loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/break-glass',
    tag: TAG,
    summary: 'Open emergency read-only access for 30 minutes (AC-06)',
    description: "Needs a justification; alerts the owning agency's DPO and creates a review task. Never bypasses an exclusion.",
    purpose: true,
    status: 201,
    problems: [400, 403, 404],
  },
});

const restriction = { recordType: 'case-restriction', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' } as const;
const RESTRICTED =
  'A restricted case (STAFF_LINKED: a police officer or a member of an agency\'s staff is involved; PUBLIC_FIGURE) is visible only to ' +
  'the people named on it, in every service: to anyone else it answers exactly like a case that does not exist (404). ' +
  "The owning team's leads manage the restriction and the names whether or not they are named themselves.";

export const GetCaseRestriction = operation<RestrictionQuery, RestrictionView>({
  name: 'case.restriction.get',
  service: 'intake',
  subject: RESTRICTED_RECORDS.get,
  request: RestrictionQuery,
  reply: RestrictionView,
  action: 'case.restriction.manage',
  access: { ...restriction, processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/restriction',
    tag: TAG,
    summary: 'Whether the case is restricted to named people, and who is named (with the history)',
    description: RESTRICTED,
    purpose: true,
    etag: true,
    problems: [400, 403, 404],
  },
});

export const SetCaseRestriction = operation<RestrictionCommand, RestrictionView>({
  name: 'case.restriction.set',
  service: 'intake',
  subject: RESTRICTED_RECORDS.set,
  request: RestrictionCommand,
  reply: RestrictionView,
  action: 'case.restriction.manage',
  access: restriction,
  http: {
    method: 'PUT',
    path: '/cases/:caseId/restriction',
    tag: TAG,
    summary: 'Restrict the case to the people named on it, or lift the restriction',
    description:
      `${RESTRICTED} Restricting names the lead who does it; the case's flags follow the kinds. Every service learns it from ` +
      'intake.case.restriction-changed.v1. If-Match: the restriction\'s version ("0" for a case never restricted).',
    body: RestrictionSubmission,
    purpose: true,
    ifMatch: true,
    ifMatchField: 'version',
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const NameOnRestrictedCase = operation<NamedPersonCommand, NamedPersonView>({
  name: 'case.restriction.name',
  service: 'intake',
  subject: RESTRICTED_RECORDS.name,
  request: NamedPersonCommand,
  reply: NamedPersonView,
  action: 'case.restriction.manage',
  access: restriction,
  http: {
    method: 'POST',
    path: '/cases/:caseId/restriction/named-people',
    tag: TAG,
    summary: 'Name a user on a restricted case',
    description: `${RESTRICTED} Naming is necessary, not sufficient: the user still needs a relationship to the case. 409 when already named.`,
    body: NamedPersonSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409],
  },
});

export const EndNamingOnRestrictedCase = operation<EndNamingRequest, NamingEnded>({
  name: 'case.restriction.end-naming',
  service: 'intake',
  subject: RESTRICTED_RECORDS.endNaming,
  request: EndNamingRequest,
  reply: NamingEnded,
  action: 'case.restriction.manage',
  access: restriction,
  http: {
    method: 'DELETE',
    path: '/cases/:caseId/restriction/named-people/:grantId',
    tag: TAG,
    summary: 'End a naming now: the user no longer sees the restricted case, in any service',
    purpose: true,
    status: 204,
    problems: [400, 403, 404],
  },
});

const fieldGroups = { recordType: 'field-group-grant', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' } as const;

export const GrantFieldGroup = operation<FieldGroupGrantCommand, FieldGroupGrantView>({
  name: 'case.field-group.grant',
  service: 'intake',
  subject: FIELD_GROUP_GRANTS.grant,
  request: FieldGroupGrantCommand,
  reply: FieldGroupGrantView,
  action: 'case.field-group.manage',
  access: fieldGroups,
  http: {
    method: 'POST',
    path: '/cases/:caseId/field-group-grants',
    tag: TAG,
    summary: "Grant a field group on the case to a named user or an agency's team (AC-03)",
    description:
      'With a reason and an end date (at most a year ahead). The group is added to what the holder\'s relationship to the case grants, ' +
      'from their next request on; it never opens the case by itself and never rides on break-glass. 409 when the same holder holds it already.',
    body: FieldGroupGrantSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409],
  },
});

export const RevokeFieldGroup = operation<FieldGroupRevocationCommand, FieldGroupGrantView>({
  name: 'case.field-group.revoke',
  service: 'intake',
  subject: FIELD_GROUP_GRANTS.revoke,
  request: FieldGroupRevocationCommand,
  reply: FieldGroupGrantView,
  action: 'case.field-group.manage',
  access: fieldGroups,
  http: {
    method: 'POST',
    path: '/cases/:caseId/field-group-grants/:grantId/revocation',
    tag: TAG,
    summary: 'Revoke a field-group grant now, with a reason; the holder is refused the group on the next request (AC-12)',
    body: FieldGroupRevocationSubmission,
    purpose: true,
    problems: [400, 403, 404, 409],
  },
});

export const ListFieldGroupGrants = operation<FieldGroupGrantsQuery, FieldGroupGrantList>({
  name: 'case.field-group.list',
  service: 'intake',
  subject: FIELD_GROUP_GRANTS.list,
  request: FieldGroupGrantsQuery,
  reply: FieldGroupGrantList,
  action: 'case.field-group.manage',
  access: { ...fieldGroups, processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/field-group-grants',
    tag: TAG,
    summary: 'The field-group grants of the case, newest first (revoked and ended ones included)',
    purpose: true,
    problems: [400, 403, 404],
  },
});

const reviews = { recordType: 'break-glass-review', processing: 'consultation', loggedBy: 'handler' } as const;

export const ListBreakGlassReviews = operation<BreakGlassReviewQuery, BreakGlassReviewList>({
  name: 'break-glass-review.list',
  service: 'intake',
  subject: BREAK_GLASS_REVIEWS.list,
  request: BreakGlassReviewQuery,
  reply: BreakGlassReviewList,
  action: 'break-glass-review.read',
  access: reviews,
  http: {
    method: 'GET',
    path: '/worklists/break-glass-reviews',
    tag: TAG,
    summary: "The owning agency DPO's worklist: open break-glass reviews, oldest first (AC-06)",
    description: 'Every break-glass access opens a review task and raises an alarm (stac_security_alerts_total{kind="break-glass"}). Role: dpo of the police (intake owns the case).',
    query: [
      { name: 'cursor', type: 'string', description: 'The `nextCursor` of the previous page' },
      { name: 'limit', type: 'int', description: 'Rows per page, 1-200 (default 50)' },
    ],
    purpose: true,
    problems: [400, 403],
  },
});

export const CompleteBreakGlassReview = operation<CompleteBreakGlassReviewCommand, BreakGlassReviewView>({
  name: 'break-glass-review.complete',
  service: 'intake',
  subject: BREAK_GLASS_REVIEWS.complete,
  request: CompleteBreakGlassReviewCommand,
  reply: BreakGlassReviewView,
  action: 'break-glass-review.complete',
  access: { recordType: 'break-glass-review', processing: 'alteration', recordIdFields: ['reviewId'], loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/break-glass-reviews/:reviewId/completion',
    tag: TAG,
    summary: 'Complete a break-glass review with an outcome and a note (AC-06)',
    description:
      'Needs If-Match with the review ETag. Completing it again with the same outcome and note answers the completed review (a retry); ' +
      'another outcome or note on a completed review is 409. Logged. Role: dpo of the police.',
    body: CompleteBreakGlassReviewSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const CASE_ACCESS_OPERATIONS = [
  GrantCaseRelationship,
  EndCaseRelationship,
  ExcludeFromCase,
  OpenBreakGlass,
  GetCaseRestriction,
  SetCaseRestriction,
  NameOnRestrictedCase,
  EndNamingOnRestrictedCase,
  GrantFieldGroup,
  RevokeFieldGroup,
  ListFieldGroupGrants,
  ListBreakGlassReviews,
  CompleteBreakGlassReview,
] as const;
