import { operation, type HttpBinding, type OperationAccess } from '../../operations/operation';
import {
  ADVOCACY_RPC,
  AdvocacyRecordQuery,
  AdvocacyRecordView,
  AdvocacyWorklistView,
  AllocationCommand,
  AllocationSubmission,
  CaseloadQuery,
  CaseloadsView,
  CommunicationCommand,
  CommunicationListQuery,
  CommunicationSubmission,
  CommunicationView,
  ComplianceQuery,
  ComplianceView,
  ConsentCommand,
  ConsentOverrideCommand,
  ConsentOverrideSubmission,
  ConsentSubmission,
  ContactCommand,
  ContactListQuery,
  ContactPreferencesCommand,
  ContactPreferencesQuery,
  ContactPreferencesSubmission,
  ContactPreferencesView,
  ContactSubmission,
  ContactView,
  CreateSafetyPlanCommand,
  DeliverUpdateCommand,
  DeliverUpdateSubmission,
  EnhancedRightsCommand,
  EnhancedRightsSubmission,
  FeedbackCommand,
  FeedbackReceipt,
  FeedbackSubmission,
  FeedbackSummaryQuery,
  FeedbackSummaryView,
  NeedsAssessmentView,
  NeedsCommand,
  NeedsListQuery,
  NeedsSubmission,
  ReviseSafetyPlanCommand,
  SafetyPlanListQuery,
  SafetyPlanQuery,
  SafetyPlanSubmission,
  SafetyPlanTransitionCommand,
  SafetyPlanTransitionSubmission,
  SafetyPlanView,
  SituationChangeCommand,
  SituationChangeSubmission,
  SituationChangeView,
  VictimUpdateListQuery,
  VictimUpdateListView,
  VictimUpdateView,
  AdvocacyWorklistQuery,
} from './advocacy';

const TAG = 'victim advocacy';
const caseWrite = (recordType: string, processing: OperationAccess['processing'], extra: Partial<OperationAccess> = {}): OperationAccess => ({
  recordType,
  processing,
  caseIdField: 'caseId',
  loggedBy: 'handler',
  ...extra,
});
const caseRead = (recordType: string, extra: Partial<OperationAccess> = {}): OperationAccess => ({
  recordType,
  processing: 'consultation',
  caseIdField: 'caseId',
  loggedBy: 'kernel',
  ...extra,
});
const versioned = (path: string, summary: string, body: new () => object, description?: string): HttpBinding => ({
  method: 'POST',
  path,
  tag: TAG,
  summary,
  description,
  body,
  purpose: true,
  ifMatch: true,
  etag: true,
  problems: [400, 403, 404, 409, 412, 422, 428],
});
const creating = (path: string, summary: string, body: new () => object, description?: string): HttpBinding => ({
  method: 'POST',
  path,
  tag: TAG,
  summary,
  description,
  body,
  purpose: true,
  idempotent: true,
  status: 201,
  problems: [400, 403, 404, 409, 413, 415, 422],
});
const reading = (path: string, summary: string, extra: Partial<HttpBinding> = {}): HttpBinding => ({
  method: 'GET',
  path,
  tag: TAG,
  summary,
  purpose: true,
  problems: [400, 403, 404],
  ...extra,
});
const always = (group: string) => () => [group];

export const GetAdvocacyRecord = operation<AdvocacyRecordQuery, AdvocacyRecordView>({
  name: 'advocacy.record.get',
  service: 'advocacy',
  subject: ADVOCACY_RPC.record,
  request: AdvocacyRecordQuery,
  reply: AdvocacyRecordView,
  action: 'advocacy.read',
  access: caseRead('advocacy-offer'),
  http: reading('/cases/:caseId/advocacy', "The victim support record: offer, consent and its history, enhanced rights, allocation", { etag: true }),
});

export const RecordConsent = operation<ConsentCommand, AdvocacyRecordView>({
  name: 'advocacy.consent.record',
  service: 'advocacy',
  subject: ADVOCACY_RPC.consent,
  request: ConsentCommand,
  reply: AdvocacyRecordView,
  action: 'advocacy.support.manage',
  access: caseWrite('advocacy-consent', 'alteration'),
  http: versioned(
    '/cases/:caseId/advocacy/consent',
    "Record a change of the victim's consent to advocacy (given with scope, narrowed, withdrawn, re-engaged, declined with a reason)",
    ConsentSubmission,
    'Publishes advocacy.victim.consent-changed (and advocacy.offer.engaged / advocacy.offer.declined). Illegal changes are 409; NARROWED must drop agencies from the scope.',
  ),
});

export const OverrideConsent = operation<ConsentOverrideCommand, AdvocacyRecordView>({
  name: 'advocacy.consent.override',
  service: 'advocacy',
  subject: ADVOCACY_RPC.consentOverride,
  request: ConsentOverrideCommand,
  reply: AdvocacyRecordView,
  action: 'advocacy.consent.override',
  access: caseWrite('advocacy-consent', 'alteration'),
  http: versioned(
    '/cases/:caseId/advocacy/consent-overrides',
    'Record lawful sharing without consent (safeguarding), with its basis; the caller is recorded as who decided (AC-05)',
    ConsentOverrideSubmission,
  ),
});

export const SetEnhancedRights = operation<EnhancedRightsCommand, AdvocacyRecordView>({
  name: 'advocacy.enhanced-rights.set',
  service: 'advocacy',
  subject: ADVOCACY_RPC.enhancedRights,
  request: EnhancedRightsCommand,
  reply: AdvocacyRecordView,
  action: 'advocacy.support.manage',
  access: caseWrite('advocacy-offer', 'alteration'),
  http: versioned('/cases/:caseId/advocacy/enhanced-rights', "Record whether the victim has enhanced rights under the Victims' Code", EnhancedRightsSubmission),
});

export const AllocateAdvocate = operation<AllocationCommand, AdvocacyRecordView>({
  name: 'advocacy.allocate',
  service: 'advocacy',
  subject: ADVOCACY_RPC.allocate,
  request: AllocationCommand,
  reply: AdvocacyRecordView,
  action: 'advocacy.allocate',
  access: caseWrite('advocacy-allocation', 'alteration'),
  http: versioned(
    '/cases/:caseId/advocacy/allocation',
    'Allocate (or re-allocate, with a reason) the case to an ISAC',
    AllocationSubmission,
    "Open Victims' Code obligations follow the case to the new advocate.",
  ),
});

export const GetCaseloads = operation<CaseloadQuery, CaseloadsView>({
  name: 'advocacy.caseloads.get',
  service: 'advocacy',
  subject: ADVOCACY_RPC.caseloads,
  request: CaseloadQuery,
  reply: CaseloadsView,
  action: 'advocacy.lead.read',
  access: { recordType: 'advocacy-allocation', processing: 'consultation', loggedBy: 'kernel' },
  http: reading('/advocacy/caseloads', 'Caseload per advocate and per lead, and the unallocated count'),
});

export const RecordContact = operation<ContactCommand, ContactView>({
  name: 'advocacy.contact.record',
  service: 'advocacy',
  subject: ADVOCACY_RPC.recordContact,
  request: ContactCommand,
  reply: ContactView,
  action: 'advocacy.contact.record',
  access: caseWrite('advocacy-contact', 'collection', { collects: (b) => (b.notes !== undefined ? ['advocacy.notes'] : []) }),
  http: creating('/cases/:caseId/advocacy/contacts', 'Log a contact with the victim (notes are advocacy.notes: sealed, private to the charity)', ContactSubmission),
});

export const ListContacts = operation<ContactListQuery, ContactView[]>({
  name: 'advocacy.contact.list',
  service: 'advocacy',
  subject: ADVOCACY_RPC.listContacts,
  request: ContactListQuery,
  reply: [ContactView],
  action: 'advocacy.read',
  access: caseRead('advocacy-contact', { fieldGroupsField: 'fieldGroups' }),
  http: reading('/cases/:caseId/advocacy/contacts', 'The contact log (notes only with include=advocacy.notes)', {
    query: [{ name: 'include', field: 'fieldGroups', type: 'csv', enum: ['advocacy.notes'], maxItems: 1 }],
  }),
});

export const RecordNeeds = operation<NeedsCommand, NeedsAssessmentView>({
  name: 'advocacy.needs.record',
  service: 'advocacy',
  subject: ADVOCACY_RPC.recordNeeds,
  request: NeedsCommand,
  reply: NeedsAssessmentView,
  action: 'advocacy.needs.record',
  access: caseWrite('advocacy-needs', 'collection'),
  http: creating('/cases/:caseId/advocacy/needs-assessments', 'Record a needs assessment: coded needs and the agreed response to each', NeedsSubmission),
});

export const ListNeeds = operation<NeedsListQuery, NeedsAssessmentView[]>({
  name: 'advocacy.needs.list',
  service: 'advocacy',
  subject: ADVOCACY_RPC.listNeeds,
  request: NeedsListQuery,
  reply: [NeedsAssessmentView],
  action: 'advocacy.read',
  access: caseRead('advocacy-needs'),
  http: reading('/cases/:caseId/advocacy/needs-assessments', 'Needs assessments of the case, latest first'),
});

export const CreateSafetyPlan = operation<CreateSafetyPlanCommand, SafetyPlanView>({
  name: 'safety-plan.create',
  service: 'advocacy',
  subject: ADVOCACY_RPC.createPlan,
  request: CreateSafetyPlanCommand,
  reply: SafetyPlanView,
  action: 'safety-plan.write',
  access: caseWrite('safety-plan', 'collection'),
  http: { ...creating('/cases/:caseId/safety-plans', 'Draft a safety plan (coded measures with owners and review dates)', SafetyPlanSubmission), etag: true },
});

export const ReviseSafetyPlan = operation<ReviseSafetyPlanCommand, SafetyPlanView>({
  name: 'safety-plan.revise',
  service: 'advocacy',
  subject: ADVOCACY_RPC.revisePlan,
  request: ReviseSafetyPlanCommand,
  reply: SafetyPlanView,
  action: 'safety-plan.write',
  access: caseWrite('safety-plan', 'alteration'),
  http: versioned('/cases/:caseId/safety-plans/:planId/revisions', 'Revise the measures of a DRAFT or UNDER_REVIEW plan (a new version; past versions stay retrievable)', SafetyPlanSubmission),
});

export const TransitionSafetyPlan = operation<SafetyPlanTransitionCommand, SafetyPlanView>({
  name: 'safety-plan.transition',
  service: 'advocacy',
  subject: ADVOCACY_RPC.transitionPlan,
  request: SafetyPlanTransitionCommand,
  reply: SafetyPlanView,
  action: 'safety-plan.write',
  access: caseWrite('safety-plan', 'alteration'),
  http: versioned(
    '/cases/:caseId/safety-plans/:planId/transitions',
    'Move a safety plan: DRAFT -> AGREED -> ACTIVE -> UNDER_REVIEW -> AGREED | ACTIVE; any -> CLOSED',
    SafetyPlanTransitionSubmission,
    'Publishes advocacy.safety-plan.updated. Illegal moves are 409.',
  ),
});

export const ListSafetyPlans = operation<SafetyPlanListQuery, SafetyPlanView[]>({
  name: 'safety-plan.list',
  service: 'advocacy',
  subject: ADVOCACY_RPC.listPlans,
  request: SafetyPlanListQuery,
  reply: [SafetyPlanView],
  action: 'advocacy.read',
  access: caseRead('safety-plan'),
  http: reading('/cases/:caseId/safety-plans', 'Safety plans of the case (latest version of each)'),
});

export const GetSafetyPlan = operation<SafetyPlanQuery, SafetyPlanView>({
  name: 'safety-plan.get',
  service: 'advocacy',
  subject: ADVOCACY_RPC.getPlan,
  request: SafetyPlanQuery,
  reply: SafetyPlanView,
  action: 'advocacy.read',
  access: caseRead('safety-plan'),
  http: reading('/cases/:caseId/safety-plans/:planId', 'A safety plan: the latest version, or any past one with ?version=', {
    etag: true,
    query: [{ name: 'version', field: 'planVersion', type: 'int' }],
  }),
});

export const ListVictimUpdates = operation<VictimUpdateListQuery, VictimUpdateListView>({
  name: 'victim-update.list',
  service: 'advocacy',
  subject: ADVOCACY_RPC.listUpdates,
  request: VictimUpdateListQuery,
  reply: VictimUpdateListView,
  action: 'advocacy.read',
  access: caseRead('victim-update'),
  http: reading('/cases/:caseId/victim-updates', "Victims' Code update obligations of the case, with their clocks"),
});

export const DeliverVictimUpdate = operation<DeliverUpdateCommand, VictimUpdateView>({
  name: 'victim-update.deliver',
  service: 'advocacy',
  subject: ADVOCACY_RPC.deliverUpdate,
  request: DeliverUpdateCommand,
  reply: VictimUpdateView,
  action: 'victim-update.deliver',
  access: caseWrite('victim-update', 'alteration'),
  http: versioned(
    '/cases/:caseId/victim-updates/:obligationId/delivery',
    "Record that a Victims' Code update was given: when and how (the caller is who)",
    DeliverUpdateSubmission,
    'Publishes advocacy.victim.update-delivered.',
  ),
});

export const GetVictimsCodeCompliance = operation<ComplianceQuery, ComplianceView>({
  name: 'victim-update.compliance',
  service: 'advocacy',
  subject: ADVOCACY_RPC.compliance,
  request: ComplianceQuery,
  reply: ComplianceView,
  action: 'advocacy.statistics.read',
  access: { recordType: 'victim-update', processing: 'consultation', loggedBy: 'kernel' },
  http: reading('/advocacy/victims-code/compliance', "Monthly Victims' Code compliance: updates due in the month and delivered in time (victim contact scheme obligations are not counted)", {
    query: [{ name: 'month', type: 'string', required: true }],
  }),
});

export const SetContactPreferences = operation<ContactPreferencesCommand, ContactPreferencesView>({
  name: 'contact-preferences.set',
  service: 'advocacy',
  subject: ADVOCACY_RPC.setPreferences,
  request: ContactPreferencesCommand,
  reply: ContactPreferencesView,
  action: 'advocacy.preferences.manage',
  access: caseWrite('contact-preferences', 'collection', { collects: always('victim.contact') }),
  http: {
    method: 'PUT',
    path: '/cases/:caseId/advocacy/contact-preferences',
    tag: TAG,
    summary: "Replace the victim's safe contact preferences (victim.contact: sealed in the charity)",
    body: ContactPreferencesSubmission,
    purpose: true,
    problems: [400, 403, 404, 413, 415],
  },
});

export const GetContactPreferences = operation<ContactPreferencesQuery, ContactPreferencesView>({
  name: 'contact-preferences.get',
  service: 'advocacy',
  subject: ADVOCACY_RPC.getPreferences,
  request: ContactPreferencesQuery,
  reply: ContactPreferencesView,
  action: 'advocacy.preferences.manage',
  access: caseRead('contact-preferences', { collects: always('victim.contact') }),
  http: reading('/cases/:caseId/advocacy/contact-preferences', "The victim's safe contact preferences (victim.contact)"),
});

export const SendCommunication = operation<CommunicationCommand, CommunicationView>({
  name: 'communication.send',
  service: 'advocacy',
  subject: ADVOCACY_RPC.send,
  request: CommunicationCommand,
  reply: CommunicationView,
  action: 'advocacy.communication.send',
  access: caseWrite('communication', 'disclosure', { collects: always('victim.contact') }),
  http: {
    ...creating(
      '/cases/:caseId/advocacy/communications',
      'Send a message or letter to the victim through the one safe-contact path',
      CommunicationSubmission,
      'Checks the safe contact rules first (never-use channel, safe channels, safe hours, confidential address, consent in force) and refuses with 422 and the stated refusal code; refusals and sends are both recorded. Email goes over SMTP.',
    ),
    // A message once sent cannot be un-sent: no replay of a stored answer, every request is checked and recorded.
    idempotent: false,
    problems: [400, 403, 404, 413, 415, 422, 503],
  },
});

export const ListCommunications = operation<CommunicationListQuery, CommunicationView[]>({
  name: 'communication.list',
  service: 'advocacy',
  subject: ADVOCACY_RPC.listCommunications,
  request: CommunicationListQuery,
  reply: [CommunicationView],
  action: 'advocacy.read',
  access: caseRead('communication'),
  http: reading('/cases/:caseId/advocacy/communications', 'Messages sent and refused, with refusal reasons (never the message text)'),
});

export const RecordSituationChange = operation<SituationChangeCommand, SituationChangeView>({
  name: 'victim-situation.record',
  service: 'advocacy',
  subject: ADVOCACY_RPC.situation,
  request: SituationChangeCommand,
  reply: SituationChangeView,
  action: 'advocacy.situation.record',
  access: caseWrite('victim-situation', 'collection', { collects: always('victim.location') }),
  http: creating(
    '/cases/:caseId/advocacy/situation-changes',
    "Record a change of the victim's situation (moved, new partner, new job): sealed here, announced thinly for risk re-assessment",
    SituationChangeSubmission,
  ),
});

export const SubmitFeedback = operation<FeedbackCommand, FeedbackReceipt>({
  name: 'advocacy.feedback.submit',
  service: 'advocacy',
  subject: ADVOCACY_RPC.feedback,
  request: FeedbackCommand,
  reply: FeedbackReceipt,
  action: 'advocacy.feedback.record',
  access: caseWrite('feedback', 'collection'),
  http: creating('/cases/:caseId/advocacy/feedback', 'Record a coded feedback questionnaire at a case milestone (stored apart from the case and the victim)', FeedbackSubmission),
});

export const GetFeedbackSummary = operation<FeedbackSummaryQuery, FeedbackSummaryView>({
  name: 'advocacy.feedback.summary',
  service: 'advocacy',
  subject: ADVOCACY_RPC.feedbackSummary,
  request: FeedbackSummaryQuery,
  reply: FeedbackSummaryView,
  action: 'advocacy.statistics.read',
  access: { recordType: 'feedback', processing: 'consultation', loggedBy: 'kernel' },
  http: reading('/advocacy/feedback/summary', 'Aggregated feedback scores (never free text)', {
    query: [{ name: 'milestone', type: 'string' }],
  }),
});

const paging = [
  { name: 'cursor', type: 'string', description: 'nextCursor of the previous page' },
  { name: 'limit', type: 'int', description: '1-100 (default 50)' },
] as const;

export const GetAdvocateWorklist = operation<AdvocacyWorklistQuery, AdvocacyWorklistView>({
  name: 'advocacy.worklist.advocate',
  service: 'advocacy',
  subject: ADVOCACY_RPC.advocateWorklist,
  request: AdvocacyWorklistQuery,
  reply: AdvocacyWorklistView,
  action: 'advocacy.worklist.read',
  access: { recordType: 'advocacy-worklist', processing: 'consultation', loggedBy: 'kernel' },
  http: reading('/advocacy/worklists/mine', "The caller's work: contacts due, safety plan reviews due, Victims' Code updates owed (soonest first)", { query: paging }),
});

export const GetLeadWorklist = operation<AdvocacyWorklistQuery, AdvocacyWorklistView>({
  name: 'advocacy.worklist.lead',
  service: 'advocacy',
  subject: ADVOCACY_RPC.leadWorklist,
  request: AdvocacyWorklistQuery,
  reply: AdvocacyWorklistView,
  action: 'advocacy.lead.read',
  access: { recordType: 'advocacy-worklist', processing: 'consultation', loggedBy: 'kernel' },
  http: reading('/advocacy/worklists/lead', "The lead's worklist: unallocated cases and overdue Victims' Code updates (escalated)", { query: paging }),
});

export const ADVOCACY_OPERATIONS = [
  GetAdvocacyRecord,
  RecordConsent,
  OverrideConsent,
  SetEnhancedRights,
  AllocateAdvocate,
  GetCaseloads,
  RecordContact,
  ListContacts,
  RecordNeeds,
  ListNeeds,
  CreateSafetyPlan,
  ReviseSafetyPlan,
  TransitionSafetyPlan,
  ListSafetyPlans,
  GetSafetyPlan,
  ListVictimUpdates,
  DeliverVictimUpdate,
  GetVictimsCodeCompliance,
  SetContactPreferences,
  GetContactPreferences,
  SendCommunication,
  ListCommunications,
  RecordSituationChange,
  SubmitFeedback,
  GetFeedbackSummary,
  GetAdvocateWorklist,
  GetLeadWorklist,
] as const;
