import { operation } from '../../operations/operation';
import {
  ChargingDecisionCommand,
  ChargingDecisionSubmission,
  ChargingDecisionView,
  CPS,
  CpsCaseQuery,
  CpsCaseView,
  CpsWorklistQuery,
  CpsWorklistView,
  EarlyAdviceAnswerCommand,
  EarlyAdviceAnswerSubmission,
  EarlyAdviceCommand,
  EarlyAdviceSubmission,
  EarlyAdviceView,
} from './cps';

/**
 * The CPS part of the police case file (D10). It lives in intake because the police own the case file
 * the prosecutor advises on and decides; the CPS reaches it only through the police-to-cps share.
 */
export const RequestEarlyAdvice = operation<EarlyAdviceCommand, EarlyAdviceView>({
  name: 'cps.advice.request',
  service: 'intake',
  subject: CPS.requestAdvice,
  request: EarlyAdviceCommand,
  reply: EarlyAdviceView,
  action: 'cps.advice.request',
  access: { recordType: 'cps-advice-request', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/cps/advice-requests',
    tag: 'cps',
    summary: 'Ask the CPS for early advice (question, coded evidence areas, due in working days)',
    description: 'Shares the case with the CPS under the police-to-cps agreement (core facts, investigation only) if it is not shared yet.',
    body: EarlyAdviceSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415],
  },
});

export const AnswerEarlyAdvice = operation<EarlyAdviceAnswerCommand, EarlyAdviceView>({
  name: 'cps.advice.answer',
  service: 'intake',
  subject: CPS.answerAdvice,
  request: EarlyAdviceAnswerCommand,
  reply: EarlyAdviceView,
  action: 'cps.advice.answer',
  access: { recordType: 'cps-advice-request', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/cps/advice-requests/:requestId/answer',
    tag: 'cps',
    summary: "A prosecutor's coded early advice",
    description: 'Once per request; a second answer is 409.',
    body: EarlyAdviceAnswerSubmission,
    purpose: true,
    problems: [400, 403, 404, 409, 413, 415],
  },
});

export const RecordChargingDecision = operation<ChargingDecisionCommand, ChargingDecisionView>({
  name: 'cps.charging.decide',
  service: 'intake',
  subject: CPS.decideCharge,
  request: ChargingDecisionCommand,
  reply: ChargingDecisionView,
  action: 'cps.charging.decide',
  access: { recordType: 'cps-charging-decision', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/cps/charging-decisions',
    tag: 'cps',
    summary: 'Record the charging decision (D10) on a case awaiting one (CHARGE_REQUESTED)',
    description:
      'CHARGE_S4A and CHARGE_S2A move the criminal-justice stage to CHARGED, NO_FURTHER_ACTION to NFA_CPS (both publish case.stage-changed); ' +
      'FURTHER_EVIDENCE records a review date and leaves the file awaiting a decision. A case not at CHARGE_REQUESTED is 409.',
    body: ChargingDecisionSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415],
  },
});

export const ReadCpsCase = operation<CpsCaseQuery, CpsCaseView>({
  name: 'cps.read',
  service: 'intake',
  subject: CPS.read,
  request: CpsCaseQuery,
  reply: CpsCaseView,
  action: 'cps.read',
  access: { recordType: 'cps-case', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/cps',
    tag: 'cps',
    summary: 'Early advice requests and charging decisions of a case',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const CpsWorklist = operation<CpsWorklistQuery, CpsWorklistView>({
  name: 'cps.worklist',
  service: 'intake',
  subject: CPS.worklist,
  request: CpsWorklistQuery,
  reply: CpsWorklistView,
  action: 'cps.worklist.read',
  access: { recordType: 'cps-case', processing: 'consultation', loggedBy: 'kernel' },
  http: {
    method: 'GET',
    path: '/worklists/prosecutor',
    tag: 'worklists',
    summary: "Prosecutor's worklist: early advice requests due and charging decisions awaited",
    description: 'Only cases shared with the CPS; oldest first; cursor paging.',
    query: [
      { name: 'cursor', type: 'string' },
      { name: 'limit', type: 'int' },
    ],
    purpose: true,
    problems: [400, 403],
  },
});

export const CPS_OPERATIONS = [RequestEarlyAdvice, AnswerEarlyAdvice, RecordChargingDecision, ReadCpsCase, CpsWorklist] as const;
