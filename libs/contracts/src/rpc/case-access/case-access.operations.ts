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

export const CASE_ACCESS_OPERATIONS = [GrantCaseRelationship, EndCaseRelationship, ExcludeFromCase, OpenBreakGlass] as const;
