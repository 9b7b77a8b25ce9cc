import { operation } from '../../operations/operation';
import { CaseTimeline, IncidentRecorded, INCIDENTS, RecordIncident, RecordIncidentRequest, TimelineQuery } from './incidents-course-of-conduct';

export const RecordCaseIncident = operation<RecordIncidentRequest, IncidentRecorded>({
  name: 'incident.record',
  service: 'intake',
  subject: INCIDENTS.record,
  request: RecordIncidentRequest,
  reply: IncidentRecorded,
  action: 'incident.record',
  access: { recordType: 'incident', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/incidents',
    tag: 'incidents',
    summary: 'Record a new incident on a case',
    description:
      'When it happened and the behaviour codes (s2A(3) list plus threats, violence, cyber, third-party contact, breach). ' +
      'Publishes intake.incident.recorded.v1 (a BREACH re-triggers risk review). Answers with the course-of-conduct signals after it.',
    body: RecordIncident,
    purpose: true,
    idempotent: true,
    location: '/cases/:caseId/timeline',
    status: 201,
    problems: [400, 403, 404, 422],
  },
});

export const ReadTimeline = operation<TimelineQuery, CaseTimeline>({
  name: 'case.timeline.read',
  service: 'intake',
  subject: INCIDENTS.timeline,
  request: TimelineQuery,
  reply: CaseTimeline,
  action: 'case.timeline.read',
  access: { recordType: 'incident', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/timeline',
    tag: 'incidents',
    summary: 'The course of conduct of a case',
    description:
      'Incidents newest first, cursor-paginated (pass nextCursor as ?cursor=), with signals derived from the whole course of conduct: ' +
      'ESCALATING_FREQUENCY (last 14 days against the 14 before), NEW_BEHAVIOUR, ONLINE_TO_PHYSICAL, THREATS_AFTER_ORDER — each explained in words and codes.',
    query: [
      { name: 'cursor', type: 'string', description: 'nextCursor of the previous page' },
      { name: 'limit', type: 'int', description: '1-100, default 20' },
    ],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const INCIDENT_OPERATIONS = [RecordCaseIncident, ReadTimeline] as const;
