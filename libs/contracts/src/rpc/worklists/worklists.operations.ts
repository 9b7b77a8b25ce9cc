import { operation, type QueryBinding } from '../../operations/operation';
import { LeadWorklist, MyCasesWorklist, ScreeningWorklist, WorklistQuery, WORKLISTS } from './worklists';

const TAG = 'worklists';
const PAGE: readonly QueryBinding[] = [
  { name: 'cursor', type: 'string', description: "A list's `next` cursor: continues that list only" },
  { name: 'limit', type: 'int', description: 'Rows per list, 1-200 (default 50)' },
];
const worklist = { recordType: 'worklist', processing: 'consultation', loggedBy: 'handler' } as const;

export const ScreeningWorklistRead = operation<WorklistQuery, ScreeningWorklist>({
  name: 'worklist.screening',
  service: 'intake',
  subject: WORKLISTS.screening,
  request: WorklistQuery,
  reply: ScreeningWorklist,
  action: 'worklist.read',
  access: worklist,
  http: {
    method: 'GET',
    path: '/worklists/screening',
    tag: TAG,
    summary: "Screeners' worklist: cases awaiting screening/triage/advice, and those past the 1-working-day target",
    query: PAGE,
    purpose: true,
    problems: [400, 403],
  },
});

export const LeadWorklistRead = operation<WorklistQuery, LeadWorklist>({
  name: 'worklist.leads',
  service: 'intake',
  subject: WORKLISTS.leads,
  request: WorklistQuery,
  reply: LeadWorklist,
  action: 'worklist.lead.read',
  access: worklist,
  http: {
    method: 'GET',
    path: '/worklists/leads',
    tag: TAG,
    summary: "Leads' worklist: overdue screening and advice items, expiring orders, overdue SPO notifications and consultation actions",
    query: PAGE,
    purpose: true,
    problems: [400, 403],
  },
});

export const MyCasesWorklistRead = operation<WorklistQuery, MyCasesWorklist>({
  name: 'worklist.my-cases',
  service: 'intake',
  subject: WORKLISTS.myCases,
  request: WorklistQuery,
  reply: MyCasesWorklist,
  action: 'worklist.own.read',
  access: worklist,
  http: {
    method: 'GET',
    path: '/worklists/my-cases',
    tag: TAG,
    summary: "Case officer's worklist: the open cases assigned to me, with open and overdue advice items",
    query: PAGE,
    purpose: true,
    problems: [400, 403],
  },
});

export const WORKLIST_OPERATIONS = [ScreeningWorklistRead, LeadWorklistRead, MyCasesWorklistRead] as const;
