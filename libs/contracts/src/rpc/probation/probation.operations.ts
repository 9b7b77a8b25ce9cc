import { operation } from '../../operations/operation';
import {
  CheckAnswerCommand,
  CheckAnswerSubmission,
  ConsultationCommand,
  ConsultationSubmission,
  EnforcementDecisionCommand,
  EnforcementDecisionSubmission,
  EnforcementReviewView,
  LocatedCheck,
  LocateChecksQuery,
  MappaCommand,
  MappaSubmission,
  MappaView,
  PROBATION,
  ProbationCaseQuery,
  ProbationCaseView,
  ProbationConsultationView,
  ProbationWorklistQuery,
  ProbationWorklistView,
  SentenceCommand,
  SentenceSubmission,
  SentenceView,
  SupervisionCheckView,
} from './probation';

/** Writing an exclusion zone's geography is collecting victim.location data: the caller must hold that grant (AC-03). */
const zonesCollected = (body: Record<string, unknown>) =>
  Array.isArray(body.licenceConditions) && body.licenceConditions.some((c) => !!c && typeof c === 'object' && 'exclusionZone' in c) ? ['victim.location'] : [];

export const AnswerSupervisionCheck = operation<CheckAnswerCommand, SupervisionCheckView>({
  name: 'probation.check.answer',
  service: 'probation',
  subject: PROBATION.answerCheck,
  request: CheckAnswerCommand,
  reply: SupervisionCheckView,
  action: 'probation.check.answer',
  access: { recordType: 'supervision-check', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/probation/checks/:checkId/answer',
    tag: 'probation',
    summary: 'Answer the supervision check (H2): NONE | PRE_SENTENCE | COMMUNITY | CUSTODY | LICENCE and a contact route',
    description: 'Once per check (409 after; If-Match). The probation case reference is stored only as a keyed search token. Publishes probation.check.answered (status, whether a route is on record).',
    body: CheckAnswerSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 413, 415, 428],
  },
});

export const LocateSupervisionChecks = operation<LocateChecksQuery, LocatedCheck[]>({
  name: 'probation.check.locate',
  service: 'probation',
  subject: PROBATION.locateChecks,
  request: LocateChecksQuery,
  reply: [LocatedCheck],
  action: 'probation.check.locate',
  access: { recordType: 'supervision-check', processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'POST',
    path: '/probation/checks/search',
    tag: 'probation',
    summary: "Find the checks answered with a probation case reference (by its keyed token; only cases the caller may see)",
    purpose: true,
    problems: [400, 403, 413, 415],
  },
});

export const ReadProbationCase = operation<ProbationCaseQuery, ProbationCaseView>({
  name: 'probation.read',
  service: 'probation',
  subject: PROBATION.read,
  request: ProbationCaseQuery,
  reply: ProbationCaseView,
  action: 'probation.read',
  access: { recordType: 'probation-case', processing: 'consultation', caseIdField: 'caseId', fieldGroupsField: 'fieldGroups', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/probation',
    tag: 'probation',
    summary: "Probation's record of a case: supervision check, consultations, MAPPA and sentence dates with history, the trust's interventions, enforcement reviews",
    description:
      'Exclusion-zone geography only with include=victim.location (and the grant); otherwise hasExclusionZone says a zone exists. ' +
      "Who changed the sentence dates (sentenceHistory[].changedBy) and probation's consultation summary are shown to probation's own team only.",
    query: [{ name: 'include', field: 'fieldGroups', type: 'csv', enum: ['victim.location'], maxItems: 1 }],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const RecordProbationConsultation = operation<ConsultationCommand, ProbationConsultationView>({
  name: 'probation.consultation.record',
  service: 'probation',
  subject: PROBATION.recordConsultation,
  request: ConsultationCommand,
  reply: ProbationConsultationView,
  action: 'probation.consultation.record',
  access: { recordType: 'probation-consultation', processing: 'collection', caseIdField: 'caseId', collects: zonesCollected, loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/probation/consultations',
    tag: 'probation',
    summary: 'Record a complex-case consultation (D12): pre-sentence report input or post-conviction, with recommendation and licence-condition codes',
    description: 'An exclusion zone is victim.location: sending one needs that field group; it is sealed with probation\'s key. Publishes probation.consultation.completed.',
    body: ConsultationSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415],
  },
});

export const SetMappa = operation<MappaCommand, MappaView>({
  name: 'probation.mappa.set',
  service: 'probation',
  subject: PROBATION.setMappa,
  request: MappaCommand,
  reply: MappaView,
  action: 'probation.mappa.set',
  access: { recordType: 'mappa', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/probation/mappa',
    tag: 'probation',
    summary: 'Set MAPPA category and level (D14), lead agency and next review; every setting is kept as history',
    body: MappaSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 413, 415],
  },
});

export const SetSentenceDates = operation<SentenceCommand, SentenceView>({
  name: 'probation.sentence.set',
  service: 'probation',
  subject: PROBATION.setSentence,
  request: SentenceCommand,
  reply: SentenceView,
  action: 'probation.sentence.set',
  access: { recordType: 'sentence-dates', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'PUT',
    path: '/cases/:caseId/probation/sentence',
    tag: 'probation',
    summary: 'Record custody, expected and actual release, licence end and supervision end dates',
    description:
      'Replaces the dates; every change is kept (sentenceHistory on the probation record: the dates as they became, which changed, who, when). On the release day (actual, else expected) probation.offender.released is published, on the licence end day probation.licence.ended, ' +
      'and RELEASE_NOTICE_DAYS ahead probation.release.upcoming — each once per date.',
    body: SentenceSubmission,
    purpose: true,
    etag: true,
    problems: [400, 403, 404, 413, 415],
  },
});

export const ProbationWorklist = operation<ProbationWorklistQuery, ProbationWorklistView>({
  name: 'probation.worklist',
  service: 'probation',
  subject: PROBATION.worklist,
  request: ProbationWorklistQuery,
  reply: ProbationWorklistView,
  action: 'probation.worklist.read',
  access: { recordType: 'probation-case', processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/worklists/probation',
    tag: 'worklists',
    summary:
      "Probation practitioner's worklist: checks due, convictions awaiting a consultation, releases in the next 28 days, MAPPA reviews due, enforcement reviews due",
    query: [
      { name: 'cursor', type: 'string' },
      { name: 'limit', type: 'int' },
    ],
    purpose: true,
    problems: [400, 403],
  },
});

export const DecideEnforcementReview = operation<EnforcementDecisionCommand, EnforcementReviewView>({
  name: 'probation.enforcement.decide',
  service: 'probation',
  subject: PROBATION.decideEnforcement,
  request: EnforcementDecisionCommand,
  reply: EnforcementReviewView,
  action: 'probation.enforcement.decide',
  access: { recordType: 'enforcement-review', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/probation/enforcement-reviews/:reviewId/decision',
    tag: 'probation',
    summary: 'Decide an enforcement review opened by a breached or disengaged licence-condition or community-order intervention',
    description: 'Once per review (409 naming both states after; If-Match). The review leaves the practitioner’s worklist.',
    body: EnforcementDecisionSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 413, 415, 428],
  },
});

export const PROBATION_OPERATIONS = [
  AnswerSupervisionCheck,
  LocateSupervisionChecks,
  ReadProbationCase,
  RecordProbationConsultation,
  SetMappa,
  SetSentenceDates,
  ProbationWorklist,
  DecideEnforcementReview,
] as const;
