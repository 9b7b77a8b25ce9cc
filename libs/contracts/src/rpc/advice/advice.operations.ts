import { operation } from '../../operations/operation';
import { CaseQuery } from '../screening/screening';
import {
  AcknowledgeAdviceCommand,
  ADVICE,
  AdviceDocument,
  AdviceIssueSubmission,
  AdviceItemResolution,
  AdviceItemView,
  IssueAdviceCommand,
  ResolveAdviceItemCommand,
} from './advice';

export const IssueAdvice = operation<IssueAdviceCommand, AdviceDocument>({
  name: 'advice.issue',
  service: 'intake',
  subject: ADVICE.issue,
  request: IssueAdviceCommand,
  reply: AdviceDocument,
  action: 'advice.issue',
  access: { recordType: 'advice', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/advice',
    tag: 'advice',
    summary: 'Issue S-TAC advice to the case officer (H3)',
    description:
      'A versioned document of coded checklist items (classification, digital enquiries, arrest strategy, bail not RUI, SPO, early CPS advice, ' +
      'restraining order, ISAC, MARAC when domestic, no PINs, third parties), each with a due date. A re-issue supersedes the previous document. ' +
      'Stops the screening clock; a TRIAGED case becomes ACTIVE.',
    body: AdviceIssueSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    location: '/cases/:caseId/advice',
    status: 201,
    problems: [400, 403, 404, 409, 422],
  },
});

export const ListAdvice = operation<CaseQuery, AdviceDocument[]>({
  name: 'advice.list',
  service: 'intake',
  subject: ADVICE.get,
  request: CaseQuery,
  reply: [AdviceDocument],
  action: 'case.workflow.read',
  access: { recordType: 'advice', processing: 'consultation', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/advice',
    tag: 'advice',
    summary: 'Every advice document of the case, newest first, with item status and due dates',
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const AcknowledgeAdvice = operation<AcknowledgeAdviceCommand, AdviceDocument>({
  name: 'advice.acknowledge',
  service: 'intake',
  subject: ADVICE.acknowledge,
  request: AcknowledgeAdviceCommand,
  reply: AdviceDocument,
  action: 'advice.resolve',
  access: { recordType: 'advice', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/advice/:adviceId/acknowledgement',
    tag: 'advice',
    summary: 'The case officer acknowledges the advice',
    description: 'Needs If-Match with the advice ETag.',
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ResolveAdviceItem = operation<ResolveAdviceItemCommand, AdviceItemView>({
  name: 'advice.item.resolve',
  service: 'intake',
  subject: ADVICE.resolveItem,
  request: ResolveAdviceItemCommand,
  reply: AdviceItemView,
  action: 'advice.resolve',
  access: { recordType: 'advice', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/advice-items/:itemId/resolution',
    tag: 'advice',
    summary: 'Resolve one advice item DONE | ACCEPTED | DECLINED',
    description:
      "DECLINED needs a rationale; CONSIDER_SPO needs its decision recorded either way; BAIL_WITH_CONDITIONS_NOT_RUI needs the victim's views sought. " +
      'Needs If-Match with the item ETag (its `version`).',
    body: AdviceItemResolution,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ADVICE_OPERATIONS = [IssueAdvice, ListAdvice, AcknowledgeAdvice, ResolveAdviceItem] as const;
