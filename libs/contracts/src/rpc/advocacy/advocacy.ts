import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  ALLOCATION_REASONS,
  CONSENT_CHANGES,
  CONSENT_SCOPE_AGENCIES,
  CONSENT_STATES,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  CONTACT_PURPOSES,
  CONTACT_REFUSALS,
  DECLINE_REASONS,
  FEEDBACK_MILESTONES,
  FEEDBACK_QUESTIONS,
  FEEDBACK_RESPONDENTS,
  LAWFUL_OVERRIDE_BASES,
  NEED_AREAS,
  NEED_LEVELS,
  NEED_RESPONSES,
  PLAN_REVIEW_REASONS,
  SAFETY_MEASURES,
  SAFETY_PLAN_STATUSES,
  UPDATE_DELIVERY_METHODS,
  UPDATE_SCHEMES,
  UPDATE_TRIGGERS,
  VICTIM_SITUATION_CHANGES,
  type AllocationReason,
  type ConsentChange,
  type ConsentScopeAgency,
  type ConsentState,
  type ContactChannel,
  type ContactOutcome,
  type ContactPurpose,
  type ContactRefusal,
  type DeclineReason,
  type FeedbackMilestone,
  type FeedbackQuestion,
  type FeedbackRespondent,
  type LawfulOverrideBasis,
  type NeedArea,
  type NeedLevel,
  type NeedResponse,
  type PlanReviewReason,
  type SafetyMeasure,
  type SafetyPlanStatus,
  type UpdateDeliveryMethod,
  type UpdateScheme,
  type UpdateTrigger,
  type VictimSituationChange,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

/** Request/reply subjects of the advocacy service. */
export const ADVOCACY_RPC = {
  record: 'rpc.advocacy.record.get',
  consent: 'rpc.advocacy.consent.record',
  consentOverride: 'rpc.advocacy.consent.override',
  enhancedRights: 'rpc.advocacy.enhanced-rights.set',
  allocate: 'rpc.advocacy.allocation.set',
  caseloads: 'rpc.advocacy.caseloads.get',
  recordContact: 'rpc.advocacy.contact.record',
  listContacts: 'rpc.advocacy.contact.list',
  recordNeeds: 'rpc.advocacy.needs.record',
  listNeeds: 'rpc.advocacy.needs.list',
  createPlan: 'rpc.advocacy.safety-plan.create',
  revisePlan: 'rpc.advocacy.safety-plan.revise',
  transitionPlan: 'rpc.advocacy.safety-plan.transition',
  listPlans: 'rpc.advocacy.safety-plan.list',
  getPlan: 'rpc.advocacy.safety-plan.get',
  listUpdates: 'rpc.advocacy.victim-update.list',
  deliverUpdate: 'rpc.advocacy.victim-update.deliver',
  compliance: 'rpc.advocacy.victim-update.compliance',
  setPreferences: 'rpc.advocacy.contact-preferences.set',
  getPreferences: 'rpc.advocacy.contact-preferences.get',
  send: 'rpc.advocacy.communication.send',
  listCommunications: 'rpc.advocacy.communication.list',
  situation: 'rpc.advocacy.situation.record',
  feedback: 'rpc.advocacy.feedback.submit',
  feedbackSummary: 'rpc.advocacy.feedback.summary',
  advocateWorklist: 'rpc.advocacy.worklist.advocate',
  leadWorklist: 'rpc.advocacy.worklist.lead',
} as const;

const ISO = { strict: true, strictSeparator: true } as const;
/** A staff member's subject as the identity provider names it (not personal data of the victim). */
const STAFF_SUBJECT = /^[A-Za-z0-9._@-]{1,100}$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Opaque worklist cursor (base64url). */
const CURSOR = /^[A-Za-z0-9_-]{1,200}$/;

class CaseScoped {
  @IsUUID() caseId: string;
}

// ---------- consent, enhanced rights, allocation ----------

export class ConsentSubmission {
  @ApiProperty({ enum: CONSENT_CHANGES.filter((c) => c !== 'LAWFUL_OVERRIDE'), description: 'GIVEN | NARROWED | WITHDRAWN | RE_ENGAGED | DECLINED' })
  @IsIn(CONSENT_CHANGES.filter((c) => c !== 'LAWFUL_OVERRIDE'))
  change: Exclude<ConsentChange, 'LAWFUL_OVERRIDE'>;

  @ApiPropertyOptional({ enum: CONSENT_SCOPE_AGENCIES, isArray: true, description: 'Agencies the victim agrees may be told of the support (GIVEN, NARROWED, RE_ENGAGED)' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CONSENT_SCOPE_AGENCIES.length)
  @IsIn(CONSENT_SCOPE_AGENCIES, { each: true })
  scope?: ConsentScopeAgency[];

  @ApiPropertyOptional({ enum: DECLINE_REASONS, description: 'DECLINED: why, coded' })
  @IsOptional()
  @IsIn(DECLINE_REASONS)
  declineReason?: DeclineReason;
}
export class ConsentCommand extends ConsentSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class ConsentOverrideSubmission {
  @ApiProperty({ enum: LAWFUL_OVERRIDE_BASES })
  @IsIn(LAWFUL_OVERRIDE_BASES)
  legalBasis: LawfulOverrideBasis;

  @ApiProperty({ maxLength: 1000, description: 'Why sharing without consent is necessary and proportionate (kept in the charity)' })
  @IsString()
  @Length(10, 1000)
  @IsPlainText()
  justification: string;
}
export class ConsentOverrideCommand extends ConsentOverrideSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class EnhancedRightsSubmission {
  @ApiProperty({ description: "The victim is entitled to enhanced rights under the Victims' Code (updates within 1 working day)" })
  @IsBoolean()
  enhancedRights: boolean;
}
export class EnhancedRightsCommand extends EnhancedRightsSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class AllocationSubmission {
  @ApiProperty({ description: "The ISAC's subject at the charity's identity provider", example: 'isac-0042' })
  @IsString()
  @Matches(STAFF_SUBJECT)
  advocate: string;

  @ApiProperty({ enum: ALLOCATION_REASONS })
  @IsIn(ALLOCATION_REASONS)
  reason: AllocationReason;
}
export class AllocationCommand extends AllocationSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class AdvocacyRecordQuery extends CaseScoped {}

export class ConsentEntryView {
  @ApiProperty() sequence: number;
  @ApiProperty({ enum: CONSENT_CHANGES }) change: ConsentChange;
  @ApiProperty({ enum: CONSENT_STATES }) state: ConsentState;
  @ApiProperty({ enum: CONSENT_SCOPE_AGENCIES, isArray: true }) scope: ConsentScopeAgency[];
  @ApiPropertyOptional({ enum: DECLINE_REASONS, nullable: true }) declineReason: DeclineReason | null;
  @ApiPropertyOptional({ enum: LAWFUL_OVERRIDE_BASES, nullable: true }) legalBasis: LawfulOverrideBasis | null;
  @ApiProperty({ description: 'Who recorded (or, for an override, decided) it' }) decidedBy: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class AllocationEntryView {
  @ApiProperty() advocate: string;
  @ApiProperty({ enum: ALLOCATION_REASONS }) reason: AllocationReason;
  @ApiProperty() allocatedBy: string;
  @ApiProperty({ format: 'date-time' }) allocatedAt: string;
}

export class AdvocacyRecordView {
  @ApiProperty({ format: 'uuid' }) offerId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ['PENDING', 'ENGAGED', 'DECLINED', 'WITHDRAWN'] }) status: string;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiPropertyOptional({ nullable: true, enum: ['URGENT', 'PRIORITY', 'ROUTINE'] }) priority: string | null;
  @ApiPropertyOptional({ nullable: true, enum: CONSENT_STATES }) consentState: ConsentState | null;
  @ApiProperty({ enum: CONSENT_SCOPE_AGENCIES, isArray: true }) consentScope: ConsentScopeAgency[];
  @ApiProperty() enhancedRights: boolean;
  @ApiPropertyOptional({ nullable: true }) advocate: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) allocatedAt: string | null;
  @ApiProperty({ type: ConsentEntryView, isArray: true }) consentHistory: ConsentEntryView[];
  @ApiProperty({ type: AllocationEntryView, isArray: true }) allocationHistory: AllocationEntryView[];
  @ApiProperty() version: number;
}

export class CaseloadQuery {}

export class CaseloadEntry {
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'Open cases (pending or engaged)' }) openCases: number;
  @ApiProperty() urgent: number;
}
export class CaseloadsView {
  @ApiProperty({ type: CaseloadEntry, isArray: true, description: 'Per advocate: cases allocated to them' }) advocates: CaseloadEntry[];
  @ApiProperty({ type: CaseloadEntry, isArray: true, description: 'Per lead: cases they allocated' }) leads: CaseloadEntry[];
  @ApiProperty() unallocated: number;
}

// ---------- contact log ----------

export class ContactSubmission {
  @ApiProperty({ format: 'date-time' }) @IsISO8601(ISO) contactAt: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) @IsIn(CONTACT_CHANNELS) channel: ContactChannel;

  @ApiProperty({ enum: CONTACT_PURPOSES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @ArrayMaxSize(CONTACT_PURPOSES.length)
  @IsIn(CONTACT_PURPOSES, { each: true })
  purposes: ContactPurpose[];

  @ApiProperty({ enum: CONTACT_OUTCOMES }) @IsIn(CONTACT_OUTCOMES) outcome: ContactOutcome;

  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601(ISO) nextContactDue?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'advocacy.notes: private to the charity, sealed with its own key' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  @IsPlainText()
  notes?: string;
}
export class ContactCommand extends ContactSubmission {
  @IsUUID() caseId: string;
}

export class ContactListQuery extends CaseScoped {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(['advocacy.notes'], { each: true })
  fieldGroups?: 'advocacy.notes'[];
}

export class ContactView {
  @ApiProperty({ format: 'uuid' }) contactId: string;
  @ApiProperty({ format: 'date-time' }) contactAt: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel: ContactChannel;
  @ApiProperty({ enum: CONTACT_PURPOSES, isArray: true }) purposes: ContactPurpose[];
  @ApiProperty({ enum: CONTACT_OUTCOMES }) outcome: ContactOutcome;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) nextContactDue: string | null;
  @ApiProperty() recordedBy: string;
  @ApiProperty() hasNotes: boolean;
  @ApiPropertyOptional({ description: 'Only with include=advocacy.notes' }) notes?: string | null;
}

// ---------- needs ----------

export class NeedEntry {
  @ApiProperty({ enum: NEED_AREAS }) @IsIn(NEED_AREAS) area: NeedArea;
  @ApiProperty({ enum: NEED_LEVELS }) @IsIn(NEED_LEVELS) level: NeedLevel;

  @ApiProperty({ enum: NEED_RESPONSES, isArray: true, description: 'The agreed response' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @ArrayMaxSize(NEED_RESPONSES.length)
  @IsIn(NEED_RESPONSES, { each: true })
  responses: NeedResponse[];
}

export class NeedsSubmission {
  @ApiProperty({ type: NeedEntry, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(NEED_AREAS.length)
  @ValidateNested({ each: true })
  @Type(() => NeedEntry)
  needs: NeedEntry[];
}
export class NeedsCommand extends NeedsSubmission {
  @IsUUID() caseId: string;
}
export class NeedsListQuery extends CaseScoped {}

export class NeedsAssessmentView {
  @ApiProperty({ format: 'uuid' }) assessmentId: string;
  @ApiProperty() sequence: number;
  @ApiProperty({ type: NeedEntry, isArray: true }) needs: NeedEntry[];
  @ApiProperty() assessedBy: string;
  @ApiProperty({ format: 'date-time' }) assessedAt: string;
}

// ---------- safety plans ----------

export class SafetyMeasureEntry {
  @ApiProperty({ enum: SAFETY_MEASURES }) @IsIn(SAFETY_MEASURES) measure: SafetyMeasure;
  @ApiProperty({ enum: ['VICTIM', 'ADVOCACY', 'POLICE', 'HOUSING', 'OTHER_AGENCY'] })
  @IsIn(['VICTIM', 'ADVOCACY', 'POLICE', 'HOUSING', 'OTHER_AGENCY'])
  owner: 'VICTIM' | 'ADVOCACY' | 'POLICE' | 'HOUSING' | 'OTHER_AGENCY';
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsISO8601(ISO) reviewBy?: string;
}

export class SafetyPlanSubmission {
  @ApiProperty({ type: SafetyMeasureEntry, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  @Type(() => SafetyMeasureEntry)
  measures: SafetyMeasureEntry[];

  @ApiProperty({ format: 'date-time', description: 'When the plan is next reviewed' })
  @IsISO8601(ISO)
  reviewDate: string;
}
export class CreateSafetyPlanCommand extends SafetyPlanSubmission {
  @IsUUID() caseId: string;
}
export class ReviseSafetyPlanCommand extends SafetyPlanSubmission {
  @IsUUID() caseId: string;
  @IsUUID() planId: string;
  @IsInt() @Min(1) expectedVersion: number;
}
export class SafetyPlanTransitionSubmission {
  @ApiProperty({ enum: SAFETY_PLAN_STATUSES.filter((s) => s !== 'DRAFT') })
  @IsIn(SAFETY_PLAN_STATUSES.filter((s) => s !== 'DRAFT'))
  to: SafetyPlanStatus;
}
export class SafetyPlanTransitionCommand extends SafetyPlanTransitionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() planId: string;
  @IsInt() @Min(1) expectedVersion: number;
}
export class SafetyPlanListQuery extends CaseScoped {}
export class SafetyPlanQuery extends CaseScoped {
  @IsUUID() planId: string;
  @IsOptional() @IsInt() @Min(1) @Max(100000) planVersion?: number;
}

export class SafetyPlanView {
  @ApiProperty({ format: 'uuid' }) planId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: SAFETY_PLAN_STATUSES }) status: SafetyPlanStatus;
  @ApiProperty({ description: 'The version shown (every change is a new version)' }) planVersion: number;
  @ApiProperty({ description: 'The latest version' }) latestVersion: number;
  @ApiProperty({ type: SafetyMeasureEntry, isArray: true }) measures: SafetyMeasureEntry[];
  @ApiProperty({ format: 'date-time' }) reviewDate: string;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) reviewDueAt: string | null;
  @ApiPropertyOptional({ nullable: true, enum: PLAN_REVIEW_REASONS }) reviewReason: PlanReviewReason | null;
  @ApiProperty() changedBy: string;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
  @ApiProperty({ description: 'The record version for If-Match' }) version: number;
}

// ---------- Victims' Code updates ----------

export class VictimUpdateListQuery extends CaseScoped {}

export class VictimUpdateView {
  @ApiProperty({ format: 'uuid' }) obligationId: string;
  @ApiProperty({ enum: UPDATE_TRIGGERS }) trigger: UpdateTrigger;
  @ApiProperty({ enum: UPDATE_SCHEMES, description: "The duty it discharges: VICTIMS_CODE (criminal-justice events) or VICTIM_CONTACT_SCHEME (release, licence end)" })
  scheme: UpdateScheme;
  @ApiProperty({ format: 'date-time' }) triggeredAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() enhancedRights: boolean;
  @ApiProperty() ownerAgency: string;
  @ApiPropertyOptional({ nullable: true }) ownerPerson: string | null;
  @ApiProperty({ enum: ['OPEN', 'DELIVERED'] }) status: 'OPEN' | 'DELIVERED';
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) deliveredAt: string | null;
  @ApiPropertyOptional({ nullable: true, enum: UPDATE_DELIVERY_METHODS }) deliveryMethod: UpdateDeliveryMethod | null;
  @ApiPropertyOptional({ nullable: true }) deliveredBy: string | null;
  @ApiProperty({ description: 'Open past its due time' }) overdue: boolean;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: "When the escalation scan announced it overdue (advocacy.victim.update-overdue)" }) escalatedAt: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Delivered: within the deadline?' }) inTime: boolean | null;
  @ApiProperty() version: number;
}

export class VictimUpdateListView {
  @ApiProperty({ type: VictimUpdateView, isArray: true }) obligations: VictimUpdateView[];
  @ApiProperty({ description: 'Events that opened no obligation in the charity, with the reason (e.g. consent withdrawn, NO_ADVOCACY_OFFER)', isArray: true })
  notOpened: { trigger: UpdateTrigger; reason: string; at: string }[];
}

export class DeliverUpdateSubmission {
  @ApiProperty({ format: 'date-time' }) @IsISO8601(ISO) deliveredAt: string;
  @ApiProperty({ enum: UPDATE_DELIVERY_METHODS }) @IsIn(UPDATE_DELIVERY_METHODS) method: UpdateDeliveryMethod;
}
export class DeliverUpdateCommand extends DeliverUpdateSubmission {
  @IsUUID() caseId: string;
  @IsUUID() obligationId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class ComplianceQuery {
  @ApiProperty({ example: '2026-11', description: 'Calendar month (YYYY-MM) of the obligations due' })
  @IsString()
  @Matches(/^20\d\d-(0[1-9]|1[0-2])$/)
  month: string;
}
export class ComplianceView {
  @ApiProperty() month: string;
  @ApiProperty({ description: 'Obligations due in the month' }) due: number;
  @ApiProperty() deliveredInTime: number;
  @ApiProperty() deliveredLate: number;
  @ApiProperty({ description: 'Open and past due' }) overdue: number;
  @ApiProperty({ description: 'Open, not yet due' }) pending: number;
  @ApiPropertyOptional({ nullable: true, description: 'deliveredInTime / (due - pending), as a percentage; null when nothing was due yet' })
  compliancePercent: number | null;
}

// ---------- safe contact ----------

export class SafeHours {
  @ApiProperty({ example: '09:00', description: 'England and Wales local time' }) @Matches(HH_MM) from: string;
  @ApiProperty({ example: '17:00' }) @Matches(HH_MM) to: string;
}

export class SafeThirdParty {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsPlainText() name: string;
  @ApiProperty({ maxLength: 100 }) @IsString() @Length(1, 100) @IsPlainText() relationship: string;
  @ApiPropertyOptional({ maxLength: 40 }) @IsOptional() @IsString() @Length(3, 40) @Matches(/^[0-9+() -]+$/) phone?: string;
}

export class ContactPreferencesSubmission {
  @ApiProperty({ enum: CONTACT_CHANNELS, isArray: true })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CONTACT_CHANNELS.length)
  @IsIn(CONTACT_CHANNELS, { each: true })
  safeChannels: ContactChannel[];

  @ApiProperty({ enum: CONTACT_CHANNELS, isArray: true, description: 'Channels never to use (e.g. a phone the stalker can see)' })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CONTACT_CHANNELS.length)
  @IsIn(CONTACT_CHANNELS, { each: true })
  neverUse: ContactChannel[];

  @ApiPropertyOptional({ type: SafeHours, isArray: true, description: 'When contact is safe; absent = any time' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @Type(() => SafeHours)
  safeHours?: SafeHours[];

  @ApiPropertyOptional({ type: SafeThirdParty })
  @IsOptional()
  @ValidateNested()
  @Type(() => SafeThirdParty)
  safeThirdParty?: SafeThirdParty;

  @ApiProperty({ description: 'The victim\'s address is confidential: no letters to it' }) @IsBoolean() addressConfidential: boolean;

  @ApiPropertyOptional({ maxLength: 254 }) @IsOptional() @IsEmail() @Length(3, 254) email?: string;
  @ApiPropertyOptional({ maxLength: 40 }) @IsOptional() @IsString() @Length(3, 40) @Matches(/^[0-9+() -]+$/) phone?: string;
}
export class ContactPreferencesCommand extends ContactPreferencesSubmission {
  @IsUUID() caseId: string;
}
export class ContactPreferencesQuery extends CaseScoped {}
export class ContactPreferencesView extends ContactPreferencesSubmission {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CommunicationSubmission {
  @ApiProperty({ enum: CONTACT_CHANNELS }) @IsIn(CONTACT_CHANNELS) channel: ContactChannel;
  @ApiProperty({ enum: CONTACT_PURPOSES }) @IsIn(CONTACT_PURPOSES) purpose: ContactPurpose;
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsPlainText() subject: string;
  @ApiProperty({ maxLength: 5000, description: 'Sent, never stored' }) @IsString() @Length(1, 5000) body: string;
  @ApiPropertyOptional({ format: 'uuid', description: "The Victims' Code obligation this message delivers" })
  @IsOptional()
  @IsUUID()
  obligationId?: string;
}
export class CommunicationCommand extends CommunicationSubmission {
  @IsUUID() caseId: string;
}
export class CommunicationListQuery extends CaseScoped {}
export class CommunicationView {
  @ApiProperty({ format: 'uuid' }) communicationId: string;
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel: ContactChannel;
  @ApiProperty({ enum: CONTACT_PURPOSES }) purpose: ContactPurpose;
  @ApiProperty({ enum: ['SENT', 'REFUSED', 'FAILED'] }) status: 'SENT' | 'REFUSED' | 'FAILED';
  @ApiPropertyOptional({ nullable: true, enum: CONTACT_REFUSALS }) refusal: ContactRefusal | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiProperty() requestedBy: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

// ---------- victim situation, feedback ----------

export class SituationChangeSubmission {
  @ApiProperty({ enum: VICTIM_SITUATION_CHANGES }) @IsIn(VICTIM_SITUATION_CHANGES) change: VictimSituationChange;
  @ApiProperty({ format: 'date-time' }) @IsISO8601(ISO) effectiveFrom: string;
  @ApiProperty({ maxLength: 2000, description: 'victim.location: where and who (sealed in the charity)' })
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  details: string;
}
export class SituationChangeCommand extends SituationChangeSubmission {
  @IsUUID() caseId: string;
}
export class SituationChangeView {
  @ApiProperty({ format: 'uuid' }) changeId: string;
  @ApiProperty({ enum: VICTIM_SITUATION_CHANGES }) change: VictimSituationChange;
  @ApiProperty({ format: 'date-time' }) effectiveFrom: string;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class FeedbackAnswer {
  @ApiProperty({ enum: FEEDBACK_QUESTIONS }) @IsIn(FEEDBACK_QUESTIONS) question: FeedbackQuestion;
  @ApiProperty({ minimum: 1, maximum: 5 }) @IsInt() @Min(1) @Max(5) score: number;
}
export class FeedbackSubmission {
  @ApiProperty({ enum: FEEDBACK_MILESTONES }) @IsIn(FEEDBACK_MILESTONES) milestone: FeedbackMilestone;
  @ApiProperty({ enum: FEEDBACK_RESPONDENTS }) @IsIn(FEEDBACK_RESPONDENTS) respondent: FeedbackRespondent;
  @ApiProperty({ type: FeedbackAnswer, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(FEEDBACK_QUESTIONS.length)
  @ValidateNested({ each: true })
  @Type(() => FeedbackAnswer)
  answers: FeedbackAnswer[];
  @ApiPropertyOptional({ maxLength: 2000, description: 'Kept sealed in the charity; never in the summary' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  freeText?: string;
}
export class FeedbackCommand extends FeedbackSubmission {
  @IsUUID() caseId: string;
}
export class FeedbackReceipt {
  @ApiProperty({ format: 'uuid', description: 'The response id; not linked to the case or the victim' }) responseId: string;
}
export class FeedbackSummaryQuery {
  @IsOptional() @IsIn(FEEDBACK_MILESTONES) milestone?: FeedbackMilestone;
}
export class FeedbackSummaryView {
  @ApiProperty() responses: number;
  @ApiProperty({ description: 'Per question: count and mean score', isArray: true })
  questions: { question: FeedbackQuestion; answers: number; meanScore: number }[];
}

// ---------- worklists ----------

export class AdvocacyWorklistQuery {
  @IsOptional() @IsString() @Matches(CURSOR) cursor?: string;
  @IsOptional() @IsInt() @Min(1) @Max(100) limit?: number;
}
export const ADVOCACY_WORK_KINDS = ['CONTACT_DUE', 'PLAN_REVIEW_DUE', 'UPDATE_OWED', 'UNALLOCATED', 'UPDATE_OVERDUE'] as const;
export type AdvocacyWorkKind = (typeof ADVOCACY_WORK_KINDS)[number];
export class AdvocacyWorkItem {
  @ApiProperty({ enum: ADVOCACY_WORK_KINDS }) kind: AdvocacyWorkKind;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid', description: 'The contact, plan, obligation or offer' }) itemId: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiPropertyOptional({ nullable: true }) priority: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'Trigger, review reason or status code' }) code: string | null;
  @ApiPropertyOptional({ nullable: true }) advocate: string | null;
}
export class AdvocacyWorklistView {
  @ApiProperty({ type: AdvocacyWorkItem, isArray: true }) items: AdvocacyWorkItem[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as cursor for the next page; null at the end' }) nextCursor: string | null;
}
