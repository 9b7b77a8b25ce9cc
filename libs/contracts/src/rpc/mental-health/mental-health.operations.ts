import { operation } from '../../operations/operation';
import {
  AnswerCheckCommand,
  AnswerCheckSubmission,
  ArrangementChangeSubmission,
  ArrangementSubmission,
  AttendanceSubmission,
  CaseMentalHealthQuery,
  ChangeArrangementCommand,
  ChecksWorklistQuery,
  ClinicalNoteQuery,
  ClinicalNoteSubmission,
  ClinicalNoteView,
  ClinicalNoteWritten,
  ConsultationsWorklistQuery,
  ConsultationTransitionCommand,
  ConsultationTransitionSubmission,
  DisclosureListQuery,
  DisclosurePage,
  DisclosureReviewSubmission,
  DisclosureView,
  InterventionSessionView,
  InterventionTransitionCommand,
  InterventionTransitionSubmission,
  InterventionView,
  MENTAL_HEALTH,
  MhArrangementView,
  MhCheckView,
  MhConsultationView,
  MhWorklistPage,
  PlanSessionCommand,
  PlanSessionSubmission,
  ProposeInterventionCommand,
  ProposeInterventionSubmission,
  RecordAttendanceCommand,
  RequestConsultationCommand,
  RequestConsultationSubmission,
  ReviewDisclosureCommand,
  StartArrangementCommand,
  WorklistPageQuery,
  WriteClinicalNoteCommand,
} from './mental-health';

const TAG = 'mental health';
const page = [
  { name: 'cursor', type: 'string' },
  { name: 'limit', type: 'int' },
] as const;
/** Clinical notes are suspect.health data: writing one is collecting that field group (AC-03). */
const healthCollected = () => ['suspect.health'];

// Reads of the trust's shared records are logged by the handler: a read by a partner is a disclosure,
// and the trust records its purpose and legal basis (Caldicott).

export const ListMentalHealthChecks = operation<CaseMentalHealthQuery, MhCheckView[]>({
  name: 'mh.check.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.listChecks,
  request: CaseMentalHealthQuery,
  reply: [MhCheckView],
  action: 'mh.shared.read',
  access: { recordType: 'known-to-services-check', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: { method: 'GET', path: '/cases/:caseId/mental-health/checks', tag: TAG, summary: 'Known-to-services checks of the case: answer and contact route', purpose: true, problems: [400, 403, 404] },
});

export const AnswerMentalHealthCheck = operation<AnswerCheckCommand, MhCheckView>({
  name: 'mh.check.answer',
  service: 'mental-health',
  subject: MENTAL_HEALTH.answerCheck,
  request: AnswerCheckCommand,
  reply: MhCheckView,
  action: 'mh.check.answer',
  access: { recordType: 'known-to-services-check', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/checks/:checkId/answer',
    tag: TAG,
    summary: 'Answer a known-to-services check: YES | NO | UNKNOWN and a contact route (never diagnosis or treatment)',
    description: 'Publishes mental-health.check.answered.v1 (thin); answering twice is 409.',
    body: AnswerCheckSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const RequestMentalHealthConsultation = operation<RequestConsultationCommand, MhConsultationView>({
  name: 'mh.consultation.request',
  service: 'mental-health',
  subject: MENTAL_HEALTH.requestConsultation,
  request: RequestConsultationCommand,
  reply: MhConsultationView,
  action: 'mh.consultation.request',
  access: { recordType: 'mh-consultation', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/consultations',
    tag: TAG,
    summary: 'S-TAC asks the liaison team for a consultation (question, urgency, who asks)',
    body: RequestConsultationSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const ListMentalHealthConsultations = operation<CaseMentalHealthQuery, MhConsultationView[]>({
  name: 'mh.consultation.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.listConsultations,
  request: CaseMentalHealthQuery,
  reply: [MhConsultationView],
  action: 'mh.shared.read',
  access: { recordType: 'mh-consultation', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: { method: 'GET', path: '/cases/:caseId/mental-health/consultations', tag: TAG, summary: 'Consultations of the case: shareable advice summary and recommendation (never clinical notes)', purpose: true, problems: [400, 403, 404] },
});

export const TransitionMentalHealthConsultation = operation<ConsultationTransitionCommand, MhConsultationView>({
  name: 'mh.consultation.transition',
  service: 'mental-health',
  subject: MENTAL_HEALTH.transitionConsultation,
  request: ConsultationTransitionCommand,
  reply: MhConsultationView,
  action: 'mh.consultation.manage',
  access: { recordType: 'mh-consultation', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/consultations/:consultationId/transitions',
    tag: TAG,
    summary: 'Move a consultation: REQUESTED -> TRIAGED -> IN_PROGRESS -> ADVICE_SHARED -> CLOSED',
    description:
      'ADVICE_SHARED needs the shareable adviceSummary and a recommendation (NONE | CO_WORK | DIVERT | MHA_ASSESSMENT | TREATMENT_OFFER) and publishes ' +
      'mental-health.recommendation.made.v1; CLOSED publishes mental-health.consultation.completed.v1. Illegal moves are 409 naming both states.',
    body: ConsultationTransitionSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const WriteClinicalNote = operation<WriteClinicalNoteCommand, ClinicalNoteWritten>({
  name: 'mh.clinical-note.write',
  service: 'mental-health',
  subject: MENTAL_HEALTH.writeNote,
  request: WriteClinicalNoteCommand,
  reply: ClinicalNoteWritten,
  action: 'mh.clinical-note.write',
  access: { recordType: 'clinical-note', processing: 'collection', caseIdField: 'caseId', collects: healthCollected, loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/clinical-notes',
    tag: TAG,
    summary: 'Write a clinical note (suspect.health; encrypted with the trust key; never leaves the trust)',
    body: ClinicalNoteSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 413, 415, 422],
  },
});

export const ListClinicalNotes = operation<ClinicalNoteQuery, ClinicalNoteView[]>({
  name: 'mh.clinical-note.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.readNotes,
  request: ClinicalNoteQuery,
  reply: [ClinicalNoteView],
  action: 'mh.clinical-note.read',
  access: { recordType: 'clinical-note', processing: 'consultation', caseIdField: 'caseId', fieldGroupsField: 'fieldGroups', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/mental-health/clinical-notes',
    tag: TAG,
    summary: "The trust's clinical notes of the case (needs include=suspect.health and the trust's own grant)",
    query: [{ name: 'include', field: 'fieldGroups', type: 'csv', enum: ['suspect.health'], maxItems: 1, required: true }],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const StartMentalHealthArrangement = operation<StartArrangementCommand, MhArrangementView>({
  name: 'mh.arrangement.start',
  service: 'mental-health',
  subject: MENTAL_HEALTH.startArrangement,
  request: StartArrangementCommand,
  reply: MhArrangementView,
  action: 'mh.arrangement.manage',
  access: { recordType: 'mh-arrangement', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/arrangements',
    tag: TAG,
    summary: 'Record a co-working arrangement (lead agency, named clinician, review date) or a diversion outcome',
    body: ArrangementSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const ChangeMentalHealthArrangement = operation<ChangeArrangementCommand, MhArrangementView>({
  name: 'mh.arrangement.change',
  service: 'mental-health',
  subject: MENTAL_HEALTH.changeArrangement,
  request: ChangeArrangementCommand,
  reply: MhArrangementView,
  action: 'mh.arrangement.manage',
  access: { recordType: 'mh-arrangement', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/arrangements/:arrangementId/changes',
    tag: TAG,
    summary: 'Change or end an arrangement (every change is kept in its history)',
    body: ArrangementChangeSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ListMentalHealthArrangements = operation<CaseMentalHealthQuery, MhArrangementView[]>({
  name: 'mh.arrangement.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.listArrangements,
  request: CaseMentalHealthQuery,
  reply: [MhArrangementView],
  action: 'mh.shared.read',
  access: { recordType: 'mh-arrangement', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: { method: 'GET', path: '/cases/:caseId/mental-health/arrangements', tag: TAG, summary: 'Co-working arrangements and diversion outcomes of the case, with history', purpose: true, problems: [400, 403, 404] },
});

export const ProposeIntervention = operation<ProposeInterventionCommand, InterventionView>({
  name: 'mh.intervention.propose',
  service: 'mental-health',
  subject: MENTAL_HEALTH.proposeIntervention,
  request: ProposeInterventionCommand,
  reply: InterventionView,
  action: 'mh.intervention.manage',
  access: { recordType: 'intervention', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/interventions',
    tag: TAG,
    summary: 'Propose a psychologically informed intervention with its legal basis (D13)',
    description: 'A compulsory basis (SPO requirement, community order, licence condition) unless VOLUNTARY with the agreement recorded (422 otherwise).',
    body: ProposeInterventionSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const TransitionIntervention = operation<InterventionTransitionCommand, InterventionView>({
  name: 'mh.intervention.transition',
  service: 'mental-health',
  subject: MENTAL_HEALTH.transitionIntervention,
  request: InterventionTransitionCommand,
  reply: InterventionView,
  action: 'mh.intervention.manage',
  access: { recordType: 'intervention', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/interventions/:interventionId/transitions',
    tag: TAG,
    summary: 'Move an intervention: PROPOSED -> ASSESSING -> UNSUITABLE | SUITABLE -> STARTED -> ACTIVE | PAUSED -> COMPLETED | DISENGAGED | BREACHED | TERMINATED',
    description:
      'Suitability decisions need coded reasons; DISENGAGED, BREACHED, TERMINATED and PAUSED need a reason code. Publishes mental-health.intervention.status-changed.v1. ' +
      'Illegal moves are 409 naming both states.',
    body: InterventionTransitionSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 422, 428],
  },
});

export const PlanInterventionSession = operation<PlanSessionCommand, InterventionSessionView>({
  name: 'mh.intervention.session.plan',
  service: 'mental-health',
  subject: MENTAL_HEALTH.planSession,
  request: PlanSessionCommand,
  reply: InterventionSessionView,
  action: 'mh.intervention.manage',
  access: { recordType: 'intervention', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/interventions/:interventionId/sessions',
    tag: TAG,
    summary: 'Plan a session of a suitable or running intervention',
    body: PlanSessionSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const RecordSessionAttendance = operation<RecordAttendanceCommand, InterventionSessionView>({
  name: 'mh.intervention.session.attendance',
  service: 'mental-health',
  subject: MENTAL_HEALTH.recordAttendance,
  request: RecordAttendanceCommand,
  reply: InterventionSessionView,
  action: 'mh.intervention.manage',
  access: { recordType: 'intervention', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/mental-health/interventions/:interventionId/sessions/:sessionId/attendance',
    tag: TAG,
    summary: 'Record that a planned session was attended, missed or cancelled',
    body: AttendanceSubmission,
    purpose: true,
    problems: [400, 403, 404, 409],
  },
});

export const ListInterventions = operation<CaseMentalHealthQuery, InterventionView[]>({
  name: 'mh.intervention.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.listInterventions,
  request: CaseMentalHealthQuery,
  reply: [InterventionView],
  action: 'mh.shared.read',
  access: { recordType: 'intervention', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: { method: 'GET', path: '/cases/:caseId/mental-health/interventions', tag: TAG, summary: 'Interventions of the case: status, legal basis, suitability codes, sessions', purpose: true, problems: [400, 403, 404] },
});

const worklist = <Q extends object>(
  name: string,
  subject: string,
  request: new () => Q,
  path: string,
  summary: string,
  query: readonly { name: string; type: 'string' | 'int'; enum?: readonly string[] }[] = [],
) =>
  operation<Q, MhWorklistPage>({
    name,
    service: 'mental-health',
    subject,
    request,
    reply: MhWorklistPage,
    action: 'mh.worklist.read',
    access: { recordType: 'mh-worklist', processing: 'consultation', loggedBy: 'kernel' },
    http: { method: 'GET', path, tag: TAG, summary, query: [...query, ...page], purpose: true, problems: [400, 403] },
  });

export const MentalHealthChecksWorklist = worklist(
  'mh.worklist.checks',
  MENTAL_HEALTH.checksWorklist,
  ChecksWorklistQuery,
  '/mental-health/worklists/checks',
  'Liaison: unanswered known-to-services checks, due first (overdueOnly=true for the overdue ones)',
  [{ name: 'overdueOnly', type: 'string', enum: ['true', 'false'] }],
);
export const MentalHealthConsultationsWorklist = worklist(
  'mh.worklist.consultations',
  MENTAL_HEALTH.consultationsWorklist,
  ConsultationsWorklistQuery,
  '/mental-health/worklists/consultations',
  'Liaison: open consultations by state, oldest request first',
  [{ name: 'state', type: 'string' }],
);
export const MentalHealthSessionsWorklist = worklist(
  'mh.worklist.sessions',
  MENTAL_HEALTH.sessionsWorklist,
  WorklistPageQuery,
  '/mental-health/worklists/sessions',
  'Clinicians: planned intervention sessions, soonest first (past ones still to record are overdue)',
);
export const MentalHealthReviewsWorklist = worklist(
  'mh.worklist.reviews',
  MENTAL_HEALTH.reviewsWorklist,
  WorklistPageQuery,
  '/mental-health/worklists/reviews',
  'Clinicians: co-working reviews due and interventions waiting for a place, soonest first',
);

export const ListDisclosures = operation<DisclosureListQuery, DisclosurePage>({
  name: 'mh.disclosure.list',
  service: 'mental-health',
  subject: MENTAL_HEALTH.listDisclosures,
  request: DisclosureListQuery,
  reply: DisclosurePage,
  action: 'mh.disclosure.review',
  access: { recordType: 'access-log', processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/mental-health/disclosures',
    tag: TAG,
    summary: "Caldicott guardian: the trust's disclosures (who, to whom, purpose, legal basis) with their reviews, newest first",
    query: [{ name: 'unreviewedOnly', type: 'string', enum: ['true', 'false'] }, ...page],
    purpose: true,
    problems: [400, 403],
  },
});

export const ReviewDisclosure = operation<ReviewDisclosureCommand, DisclosureView>({
  name: 'mh.disclosure.review',
  service: 'mental-health',
  subject: MENTAL_HEALTH.reviewDisclosure,
  request: ReviewDisclosureCommand,
  reply: DisclosureView,
  action: 'mh.disclosure.review',
  access: { recordType: 'access-log', processing: 'alteration', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/mental-health/disclosures/:entryId/review',
    tag: TAG,
    summary: 'Caldicott guardian: record the review of one disclosure',
    body: DisclosureReviewSubmission,
    purpose: true,
    problems: [400, 403, 404, 409],
  },
});

export const MENTAL_HEALTH_OPERATIONS = [
  ListMentalHealthChecks,
  AnswerMentalHealthCheck,
  RequestMentalHealthConsultation,
  ListMentalHealthConsultations,
  TransitionMentalHealthConsultation,
  WriteClinicalNote,
  ListClinicalNotes,
  StartMentalHealthArrangement,
  ChangeMentalHealthArrangement,
  ListMentalHealthArrangements,
  ProposeIntervention,
  TransitionIntervention,
  PlanInterventionSession,
  RecordSessionAttendance,
  ListInterventions,
  MentalHealthChecksWorklist,
  MentalHealthConsultationsWorklist,
  MentalHealthSessionsWorklist,
  MentalHealthReviewsWorklist,
  ListDisclosures,
  ReviewDisclosure,
] as const;
