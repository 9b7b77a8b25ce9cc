import { operation } from '../../operations/operation';
import { TRIAGE, TriageCommand, TriageRecorded, TriageSubmission } from '../triage/triage';
import { CaseQuery, RecordScreeningCommand, SCREENING, ScreeningRecorded, ScreeningSubmission, ScreeningView } from './screening';

export const RecordScreening = operation<RecordScreeningCommand, ScreeningRecorded>({
  name: 'screening.record',
  service: 'intake',
  subject: SCREENING.record,
  request: RecordScreeningCommand,
  reply: ScreeningRecorded,
  action: 'case.screen',
  access: { recordType: 'screening', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/screenings',
    tag: 'screening and triage',
    summary: 'Record the FOUR-test screening (D1)',
    description:
      'Fixated, Obsessive, Unwanted, Repeated — each yes/no with a note — and the offence classification. Classified as harassment (S2/S4), ' +
      'the not-stalking rationale is required. Moves the case to SCREENING. Roles: stac-screener, stac-lead.',
    body: ScreeningSubmission,
    purpose: true,
    idempotent: true,
    etag: 'caseVersion',
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const DecideTriage = operation<TriageCommand, TriageRecorded>({
  name: 'triage.decide',
  service: 'intake',
  subject: TRIAGE.decide,
  request: TriageCommand,
  reply: TriageRecorded,
  action: 'case.triage',
  access: { recordType: 'triage-decision', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/triage-decisions',
    tag: 'screening and triage',
    summary: 'Record the triage decision (D3)',
    description: 'ADVICE_ONLY, ADVICE_AND_MONITOR or CONSULTATION with coded reasons. The case must be SCREENING; it becomes TRIAGED.',
    body: TriageSubmission,
    purpose: true,
    idempotent: true,
    etag: 'caseVersion',
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const ViewScreening = operation<CaseQuery, ScreeningView>({
  name: 'screening.view',
  service: 'intake',
  subject: SCREENING.get,
  request: CaseQuery,
  reply: ScreeningView,
  action: 'case.workflow.read',
  access: { recordType: 'screening', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/screening',
    tag: 'screening and triage',
    summary: 'Screenings, triage decisions and the screening clock of a case',
    purpose: true,
    etag: 'caseVersion',
    problems: [400, 403, 404],
  },
});

export const SCREENING_OPERATIONS = [RecordScreening, DecideTriage, ViewScreening] as const;
