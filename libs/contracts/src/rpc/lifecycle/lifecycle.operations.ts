import { operation } from '../../operations/operation';
import { CaseQuery } from '../screening/screening';
import {
  CaseLifecycleView,
  CjStageChangeCommand,
  CjStageChangeSubmission,
  CloseCaseCommand,
  CloseCaseSubmission,
  LIFECYCLE,
  StatusTransitionCommand,
  StatusTransitionSubmission,
} from './lifecycle';

export const ViewLifecycle = operation<CaseQuery, CaseLifecycleView>({
  name: 'case.lifecycle.view',
  service: 'intake',
  subject: LIFECYCLE.get,
  request: CaseQuery,
  reply: CaseLifecycleView,
  action: 'case.workflow.read',
  access: { recordType: 'case-lifecycle', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/lifecycle',
    tag: 'case lifecycle',
    summary: 'Lifecycle status, criminal-justice stage and the history of both',
    description: 'The ETag is the case version used by If-Match.',
    purpose: true,
    etag: true,
    problems: [400, 403, 404],
  },
});

export const TransitionCase = operation<StatusTransitionCommand, CaseLifecycleView>({
  name: 'case.status.transition',
  service: 'intake',
  subject: LIFECYCLE.transition,
  request: StatusTransitionCommand,
  reply: CaseLifecycleView,
  action: 'case.transition',
  access: { recordType: 'case', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/status-transitions',
    tag: 'case lifecycle',
    summary: 'Move the case lifecycle',
    description:
      'REFERRED -> SCREENING -> TRIAGED -> ACTIVE -> MONITORING -> CLOSED, REOPENED. An illegal move is 409 problem+json naming both states. ' +
      'Screening and triage have their own commands; closing has /closure.',
    body: StatusTransitionSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const CloseCase = operation<CloseCaseCommand, CaseLifecycleView>({
  name: 'case.close',
  service: 'intake',
  subject: LIFECYCLE.close,
  request: CloseCaseCommand,
  reply: CaseLifecycleView,
  action: 'case.transition',
  access: { recordType: 'case', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/closure',
    tag: 'case lifecycle',
    summary: 'Close the case with a reason (D15)',
    description: 'Refused (409 order-active) while a protective order is active or pending. A new incident or breach re-opens the case.',
    body: CloseCaseSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ChangeCjStage = operation<CjStageChangeCommand, CaseLifecycleView>({
  name: 'case.cj-stage.change',
  service: 'intake',
  subject: LIFECYCLE.changeCjStage,
  request: CjStageChangeCommand,
  reply: CaseLifecycleView,
  action: 'case.transition',
  access: { recordType: 'case', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/cj-stage-transitions',
    tag: 'case lifecycle',
    summary: 'Move the criminal-justice stage',
    description:
      'PRE_ARREST -> ARRESTED -> BAILED|RUI|REMANDED|NFA -> CHARGE_REQUESTED -> CHARGED|NFA_CPS -> AT_COURT -> CONVICTED|ACQUITTED|DISCONTINUED -> SENTENCED. ' +
      'RUI, NFA, NFA_CPS and DISCONTINUED need a reason.',
    body: CjStageChangeSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const LIFECYCLE_OPERATIONS = [ViewLifecycle, TransitionCase, CloseCase, ChangeCjStage] as const;
