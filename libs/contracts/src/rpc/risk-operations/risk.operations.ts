import { RISK_INSTRUMENTS } from '@stac/domain';
import { operation, type QueryBinding } from '../../operations/operation';
import { InstrumentDefinitionView, LIST_RISK_INSTRUMENTS, ListRiskInstrumentsQuery } from '../risk-instruments/risk-instruments';
import {
  CREATE_RISK_ASSESSMENT,
  CreateRiskAssessmentRequest,
  GET_RISK_ASSESSMENT,
  GetRiskAssessmentRequest,
  LIST_RISK_ASSESSMENTS,
  ListRiskAssessmentsRequest,
  REVIEW_RISK_ASSESSMENT,
  ReviewRiskAssessmentRequest,
  ReviewSubmission,
  RiskAssessmentChanges,
  RiskAssessmentDraft,
  RiskAssessmentView,
  SUBMIT_RISK_ASSESSMENT,
  SubmitRiskAssessmentRequest,
  UPDATE_RISK_ASSESSMENT,
  UpdateRiskAssessmentRequest,
} from '../risk-assessments/risk-assessments';
import { GET_RISK_SUMMARY, LIST_RISK_LEVEL_HISTORY, RiskLevelHistoryView, RiskSummaryRequest, RiskSummaryView } from '../risk-summary/risk-summary';
import { GET_RISK_WORKLIST, LIST_RISK_TASKS, ListRiskTasksRequest, RiskTaskView, RiskWorklistRequest, RiskWorklistView } from '../risk-worklist/risk-worklist';

const TAG = 'risk';
const INCLUDE: QueryBinding = {
  name: 'include',
  field: 'fieldGroups',
  type: 'csv',
  maxItems: 10,
  description: 'risk.rationale to include rationale and formulation (needs its own grant)',
};
const assessments = { recordType: 'risk-assessment', caseIdField: 'caseId' } as const;

export const ListRiskInstruments = operation<ListRiskInstrumentsQuery, InstrumentDefinitionView[]>({
  name: 'risk.instrument.list',
  service: 'risk-assessment',
  subject: LIST_RISK_INSTRUMENTS,
  request: ListRiskInstrumentsQuery,
  reply: [InstrumentDefinitionView],
  action: 'risk.instrument.read',
  // Instrument definitions hold no personal data: authorised by role, not audited as a disclosure.
  access: { recordType: 'instrument-definition', processing: 'consultation', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/risk/instruments',
    tag: TAG,
    summary: 'Risk instrument definitions',
    description:
      'Versioned definitions: the S-DASH questions (paraphrased, with attribution and when to use), DASH tick count, and judgement-only records for licensed instruments (SASH, SRP).',
    query: [{ name: 'code', type: 'string', enum: RISK_INSTRUMENTS }],
    purpose: true,
    problems: [400, 403],
  },
});

export const CreateRiskAssessment = operation<CreateRiskAssessmentRequest, RiskAssessmentView>({
  name: 'risk.assessment.create',
  service: 'risk-assessment',
  subject: CREATE_RISK_ASSESSMENT,
  request: CreateRiskAssessmentRequest,
  reply: RiskAssessmentView,
  action: 'risk.assess',
  access: { ...assessments, processing: 'collection', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/risk-assessments',
    tag: TAG,
    summary: 'Start a risk assessment (draft)',
    description: "The level is set by the assessor's professional judgement; the yes-count is shown as information only.",
    body: RiskAssessmentDraft,
    bodyField: 'assessment',
    purpose: true,
    idempotent: true,
    etag: true,
    location: '/cases/:caseId/risk-assessments/:assessmentId',
    status: 201,
    problems: [400, 403, 404, 422],
  },
});

export const ListRiskAssessments = operation<ListRiskAssessmentsRequest, RiskAssessmentView[]>({
  name: 'risk.assessment.list',
  service: 'risk-assessment',
  subject: LIST_RISK_ASSESSMENTS,
  request: ListRiskAssessmentsRequest,
  reply: [RiskAssessmentView],
  action: 'risk.assessment.read',
  access: { ...assessments, processing: 'consultation', fieldGroupsField: 'fieldGroups', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/risk-assessments',
    tag: TAG,
    summary: "The caller's agency's risk assessments of a case",
    query: [INCLUDE],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const GetRiskAssessment = operation<GetRiskAssessmentRequest, RiskAssessmentView>({
  name: 'risk.assessment.get',
  service: 'risk-assessment',
  subject: GET_RISK_ASSESSMENT,
  request: GetRiskAssessmentRequest,
  reply: RiskAssessmentView,
  action: 'risk.assessment.read',
  access: { ...assessments, processing: 'consultation', fieldGroupsField: 'fieldGroups', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/risk-assessments/:assessmentId',
    tag: TAG,
    summary: 'One risk assessment',
    query: [INCLUDE],
    purpose: true,
    etag: true,
    problems: [400, 403, 404],
  },
});

export const UpdateRiskAssessment = operation<UpdateRiskAssessmentRequest, RiskAssessmentView>({
  name: 'risk.assessment.update',
  service: 'risk-assessment',
  subject: UPDATE_RISK_ASSESSMENT,
  request: UpdateRiskAssessmentRequest,
  reply: RiskAssessmentView,
  action: 'risk.assess',
  access: { ...assessments, processing: 'alteration', loggedBy: 'handler' },
  http: {
    method: 'PATCH',
    path: '/cases/:caseId/risk-assessments/:assessmentId',
    tag: TAG,
    summary: 'Change a draft risk assessment',
    description: 'Needs If-Match with the current ETag; only DRAFT assessments change.',
    body: RiskAssessmentChanges,
    bodyField: 'changes',
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const SubmitRiskAssessment = operation<SubmitRiskAssessmentRequest, RiskAssessmentView>({
  name: 'risk.assessment.submit',
  service: 'risk-assessment',
  subject: SUBMIT_RISK_ASSESSMENT,
  request: SubmitRiskAssessmentRequest,
  reply: RiskAssessmentView,
  action: 'risk.assess',
  access: { ...assessments, processing: 'alteration', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/risk-assessments/:assessmentId/submit',
    tag: TAG,
    summary: 'Submit a draft',
    description: 'Becomes CURRENT (superseding the previous one for the subject) unless a second-person review was asked for. Needs If-Match.',
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 422, 428],
  },
});

export const ReviewRiskAssessment = operation<ReviewRiskAssessmentRequest, RiskAssessmentView>({
  name: 'risk.assessment.review',
  service: 'risk-assessment',
  subject: REVIEW_RISK_ASSESSMENT,
  request: ReviewRiskAssessmentRequest,
  reply: RiskAssessmentView,
  action: 'risk.review',
  access: { ...assessments, processing: 'alteration', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/risk-assessments/:assessmentId/review',
    tag: TAG,
    summary: 'Second-person review of a submitted assessment',
    description: 'APPROVE makes it current; RETURN sends it back to draft. Needs If-Match.',
    body: ReviewSubmission,
    bodyField: 'review',
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const GetRiskSummary = operation<RiskSummaryRequest, RiskSummaryView>({
  name: 'risk.summary.get',
  service: 'risk-assessment',
  subject: GET_RISK_SUMMARY,
  request: RiskSummaryRequest,
  reply: RiskSummaryView,
  action: 'risk.summary.read',
  access: { recordType: 'risk-summary', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/risk-summary',
    tag: TAG,
    summary: 'The shareable risk summary of a case',
    description:
      'Current level, domain levels, stalker type where shared, who assessed (agency/role), valid until and next review. With ?at= the summary as it stood then.',
    query: [{ name: 'at', type: 'string', description: 'ISO date or instant: reconstruct the summary at that time' }],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const GetRiskLevelHistory = operation<RiskSummaryRequest, RiskLevelHistoryView>({
  name: 'risk.level-history.list',
  service: 'risk-assessment',
  subject: LIST_RISK_LEVEL_HISTORY,
  request: RiskSummaryRequest,
  reply: RiskLevelHistoryView,
  action: 'risk.summary.read',
  access: { recordType: 'risk-summary', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/risk-summary/history',
    tag: TAG,
    summary: 'History of risk level changes of a case',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const ListRiskTasks = operation<ListRiskTasksRequest, RiskTaskView[]>({
  name: 'risk.task.list',
  service: 'risk-assessment',
  subject: LIST_RISK_TASKS,
  request: ListRiskTasksRequest,
  reply: [RiskTaskView],
  action: 'risk.assessment.read',
  access: { recordType: 'risk-task', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/risk-tasks',
    tag: TAG,
    summary: 'Screening and re-assessment tasks of a case, with their triggering reasons',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const GetRiskWorklist = operation<RiskWorklistRequest, RiskWorklistView>({
  name: 'risk.worklist.get',
  service: 'risk-assessment',
  subject: GET_RISK_WORKLIST,
  request: RiskWorklistRequest,
  reply: RiskWorklistView,
  action: 'risk.worklist.read',
  access: { recordType: 'risk-worklist', processing: 'consultation', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/risk/worklist',
    tag: TAG,
    summary: "The caller's agency's overdue risk reviews and open screening / re-assessment tasks",
    description: 'Each list is paged on its own: `limit` rows (1-200, default 50) in a stable order; `next.<list>` continues that list only.',
    query: [
      { name: 'cursor', type: 'string', description: "A list's `next` cursor: continues that list only" },
      { name: 'limit', type: 'int', description: 'Rows per list, 1-200 (default 50)' },
    ],
    purpose: true,
    problems: [400, 403],
  },
});

export const RISK_OPERATIONS = [
  ListRiskInstruments,
  CreateRiskAssessment,
  ListRiskAssessments,
  GetRiskAssessment,
  UpdateRiskAssessment,
  SubmitRiskAssessment,
  ReviewRiskAssessment,
  GetRiskSummary,
  GetRiskLevelHistory,
  ListRiskTasks,
  GetRiskWorklist,
] as const;
