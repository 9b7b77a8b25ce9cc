import { operation } from '../../operations/operation';
import { CaseQuery } from '../screening/screening';
import {
  AssignConsultationActionCommand,
  CancelConsultationCommand,
  CancelConsultationSubmission,
  RescheduleConsultationCommand,
  RescheduleConsultationSubmission,
  CompleteConsultationActionCommand,
  ConsultationActionSubmission,
  ConsultationActionView,
  ConsultationDecisionSubmission,
  CONSULTATIONS,
  ConsultationView,
  RecordConsultationDecisionCommand,
  ScheduleConsultationCommand,
  ScheduleConsultationSubmission,
} from './consultations';

const TAG = 'consultations';

export const ScheduleConsultation = operation<ScheduleConsultationCommand, ConsultationView>({
  name: 'consultation.schedule',
  service: 'intake',
  subject: CONSULTATIONS.schedule,
  request: ScheduleConsultationCommand,
  reply: ConsultationView,
  action: 'consultation.manage',
  access: { recordType: 'consultation', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultations',
    tag: TAG,
    summary: 'Schedule a multi-agency consultation',
    description: 'Each attending agency (or named attendee) is granted a CONSULTATION_PANEL relationship to the case. At least two agencies. Role: stac-lead.',
    body: ScheduleConsultationSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const ListConsultations = operation<CaseQuery, ConsultationView[]>({
  name: 'consultation.list',
  service: 'intake',
  subject: CONSULTATIONS.list,
  request: CaseQuery,
  reply: [ConsultationView],
  action: 'consultation.read',
  access: { recordType: 'consultation', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/consultations',
    tag: TAG,
    summary: 'Consultations of the case: panel, decisions, actions (panel members of any agency may read)',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const RecordConsultationDecision = operation<RecordConsultationDecisionCommand, ConsultationView>({
  name: 'consultation.decision.record',
  service: 'intake',
  subject: CONSULTATIONS.recordDecision,
  request: RecordConsultationDecisionCommand,
  reply: ConsultationView,
  action: 'consultation.manage',
  access: { recordType: 'consultation', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultations/:consultationId/decisions',
    tag: TAG,
    summary: 'Record a coded consultation decision (formulation, risk plan, mental-health route, SPO, MARAC...)',
    body: ConsultationDecisionSubmission,
    purpose: true,
    status: 201,
    problems: [400, 403, 404, 409],
  },
});

export const AssignConsultationAction = operation<AssignConsultationActionCommand, ConsultationActionView>({
  name: 'consultation.action.assign',
  service: 'intake',
  subject: CONSULTATIONS.assignAction,
  request: AssignConsultationActionCommand,
  reply: ConsultationActionView,
  action: 'consultation.manage',
  access: { recordType: 'consultation', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultations/:consultationId/actions',
    tag: TAG,
    summary: 'Assign an action with an owner agency and a due date',
    body: ConsultationActionSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const CompleteConsultationAction = operation<CompleteConsultationActionCommand, ConsultationActionView>({
  name: 'consultation.action.complete',
  service: 'intake',
  subject: CONSULTATIONS.completeAction,
  request: CompleteConsultationActionCommand,
  reply: ConsultationActionView,
  action: 'consultation.action.complete',
  access: { recordType: 'consultation', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultation-actions/:actionId/completion',
    tag: TAG,
    summary: 'The owner agency completes its action',
    description: 'Needs If-Match with the action ETag.',
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const RescheduleConsultation = operation<RescheduleConsultationCommand, ConsultationView>({
  name: 'consultation.reschedule',
  service: 'intake',
  subject: CONSULTATIONS.reschedule,
  request: RescheduleConsultationCommand,
  reply: ConsultationView,
  action: 'consultation.manage',
  access: { recordType: 'consultation', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultations/:consultationId/rescheduling',
    tag: TAG,
    summary: 'Move a scheduled consultation to another date, with a coded reason',
    description:
      'Needs If-Match with the consultation ETag. Only a SCHEDULED consultation moves (409 naming both states otherwise); the panel keeps its seats. ' +
      'Recorded in the history and published as intake.consultation.rescheduled.v1. Role: stac-lead.',
    body: RescheduleConsultationSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const CancelConsultation = operation<CancelConsultationCommand, ConsultationView>({
  name: 'consultation.cancel',
  service: 'intake',
  subject: CONSULTATIONS.cancel,
  request: CancelConsultationCommand,
  reply: ConsultationView,
  action: 'consultation.manage',
  access: { recordType: 'consultation', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/consultations/:consultationId/cancellation',
    tag: TAG,
    summary: 'Cancel a scheduled consultation with a coded reason; its panel seats end',
    description:
      'Needs If-Match with the consultation ETag. Only a SCHEDULED consultation is cancelled (409 naming both states otherwise). ' +
      'The CONSULTATION_PANEL relationships it granted end at once, here and (through intake.consultation.cancelled.v1) in risk-assessment. Role: stac-lead.',
    body: CancelConsultationSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const CONSULTATION_OPERATIONS = [
  ScheduleConsultation,
  ListConsultations,
  RecordConsultationDecision,
  AssignConsultationAction,
  CompleteConsultationAction,
  RescheduleConsultation,
  CancelConsultation,
] as const;
