import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  AGENCIES,
  DISCLOSURE_REVIEW_OUTCOMES,
  DIVERSION_OUTCOMES,
  INTERVENTION_END_REASONS,
  INTERVENTION_LEGAL_BASES,
  INTERVENTION_STATUSES,
  KNOWN_TO_SERVICE_ANSWERS,
  MH_ARRANGEMENT_KINDS,
  MH_ARRANGEMENT_STATUSES,
  MH_CONSULTATION_STATUSES,
  MH_RECOMMENDATIONS,
  MH_URGENCIES,
  SESSION_STATUSES,
  SUITABILITY_REASONS,
  type Agency,
  type DisclosureReviewOutcome,
  type DiversionOutcome,
  type InterventionEndReason,
  type InterventionLegalBasis,
  type InterventionStatus,
  type KnownToServiceAnswer,
  type MhArrangementKind,
  type MhArrangementStatus,
  type MhConsultationStatus,
  type MhRecommendation,
  type MhUrgency,
  type SessionStatus,
  type SuitabilityReason,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';
import { ContactRoute, CursorPageQuery } from '../partner-checks/partner-checks';
import type { KnownToServicesCheckPart } from '../case-part/case-part';

export const MENTAL_HEALTH = {
  listChecks: 'rpc.mental-health.check.list',
  answerCheck: 'rpc.mental-health.check.answer',
  requestConsultation: 'rpc.mental-health.consultation.request',
  listConsultations: 'rpc.mental-health.consultation.list',
  transitionConsultation: 'rpc.mental-health.consultation.transition',
  writeNote: 'rpc.mental-health.clinical-note.write',
  readNotes: 'rpc.mental-health.clinical-note.list',
  startArrangement: 'rpc.mental-health.arrangement.start',
  changeArrangement: 'rpc.mental-health.arrangement.change',
  listArrangements: 'rpc.mental-health.arrangement.list',
  proposeIntervention: 'rpc.mental-health.intervention.propose',
  transitionIntervention: 'rpc.mental-health.intervention.transition',
  planSession: 'rpc.mental-health.intervention.session.plan',
  recordAttendance: 'rpc.mental-health.intervention.session.attendance',
  listInterventions: 'rpc.mental-health.intervention.list',
  checksWorklist: 'rpc.mental-health.worklist.checks',
  consultationsWorklist: 'rpc.mental-health.worklist.consultations',
  sessionsWorklist: 'rpc.mental-health.worklist.sessions',
  reviewsWorklist: 'rpc.mental-health.worklist.reviews',
  listDisclosures: 'rpc.mental-health.disclosure.list',
  reviewDisclosure: 'rpc.mental-health.disclosure.review',
} as const;

const ISO = { strict: true, strictSeparator: true } as const;

class CaseScoped {
  @IsUUID() caseId: string;
}

// ---- known-to-services checks ----------------------------------------------------------------

export class AnswerCheckSubmission {
  @ApiProperty({ enum: KNOWN_TO_SERVICE_ANSWERS, description: 'Known to the trust\'s services? Never a diagnosis.' })
  @IsIn(KNOWN_TO_SERVICE_ANSWERS)
  answer: KnownToServiceAnswer;

  @ApiProperty({ type: ContactRoute })
  @ValidateNested()
  @Type(() => ContactRoute)
  contactRoute: ContactRoute;
}

export class AnswerCheckCommand extends AnswerCheckSubmission {
  @IsUUID() caseId: string;
  @IsUUID() checkId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class CaseMentalHealthQuery extends CaseScoped {}

export class MhCheckView {
  @ApiProperty({ format: 'uuid' }) checkId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ enum: ['REQUESTED', 'ANSWERED'] }) status: string;
  @ApiProperty({ enum: ['REFERRAL', 'NEW_PERSON_OF_CONCERN', 'PERSON_IDENTIFIED'] }) reason: string;
  @ApiProperty({ enum: KNOWN_TO_SERVICE_ANSWERS, nullable: true }) answer: KnownToServiceAnswer | null;
  @ApiProperty({ type: ContactRoute, nullable: true }) contactRoute: ContactRoute | null;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ format: 'date-time', nullable: true }) answeredAt: string | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty() version: number;
}

// ---- consultations ---------------------------------------------------------------------------

export class RequestConsultationSubmission {
  @ApiProperty({ maxLength: 2000, description: 'The question S-TAC asks the liaison team (no clinical detail is needed)' })
  @IsString()
  @Length(5, 2000)
  @IsPlainText()
  question: string;

  @ApiProperty({ enum: MH_URGENCIES })
  @IsIn(MH_URGENCIES)
  urgency: MhUrgency;

  @ApiProperty({ maxLength: 200, description: 'Who asks: name or role and team, to reply to' })
  @IsString()
  @Length(2, 200)
  @IsPlainText()
  requestedBy: string;

  @ApiPropertyOptional({ format: 'uuid', description: "The S-TAC multi-agency consultation (intake's record) the recommendation goes back to" })
  @IsOptional()
  @IsUUID()
  stacConsultationId?: string;
}

export class RequestConsultationCommand extends RequestConsultationSubmission {
  @IsUUID() caseId: string;
}

/**
 * One move of a consultation: ADVICE_SHARED needs the shareable `adviceSummary` and a `recommendation`;
 * the summary is what S-TAC sees, so it must carry no clinical detail (that goes in a clinical note).
 */
export class ConsultationTransitionSubmission {
  @ApiProperty({ enum: MH_CONSULTATION_STATUSES.filter((s) => s !== 'REQUESTED') })
  @IsIn(MH_CONSULTATION_STATUSES.filter((s) => s !== 'REQUESTED'))
  to: MhConsultationStatus;

  @ApiPropertyOptional({ maxLength: 4000, description: 'ADVICE_SHARED: the shareable advice summary (no diagnosis, no treatment detail)' })
  @IsOptional()
  @IsString()
  @Length(5, 4000)
  @IsPlainText()
  adviceSummary?: string;

  @ApiPropertyOptional({ enum: MH_RECOMMENDATIONS, description: 'ADVICE_SHARED: D6 mental-health route' })
  @IsOptional()
  @IsIn(MH_RECOMMENDATIONS)
  recommendation?: MhRecommendation;
}

export class ConsultationTransitionCommand extends ConsultationTransitionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() consultationId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class MhConsultationView {
  @ApiProperty({ format: 'uuid' }) consultationId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) stacConsultationId: string | null;
  @ApiProperty() question: string;
  @ApiProperty({ enum: MH_URGENCIES }) urgency: MhUrgency;
  @ApiProperty() requestedBy: string;
  @ApiProperty({ enum: MH_CONSULTATION_STATUSES }) status: MhConsultationStatus;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ nullable: true, description: 'Shareable advice summary' }) adviceSummary: string | null;
  @ApiProperty({ enum: MH_RECOMMENDATIONS, nullable: true }) recommendation: MhRecommendation | null;
  @ApiProperty({ format: 'date-time', nullable: true }) adviceSharedAt: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) closedAt: string | null;
  @ApiProperty() version: number;
}

// ---- clinical notes (suspect.health) ---------------------------------------------------------

export class ClinicalNoteSubmission {
  @ApiProperty({ maxLength: 20000, description: 'suspect.health: stays in the trust, encrypted with its own key' })
  @IsString()
  @Length(1, 20000)
  @IsPlainText()
  text: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The consultation the note belongs to' })
  @IsOptional()
  @IsUUID()
  consultationId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The intervention the note belongs to' })
  @IsOptional()
  @IsUUID()
  interventionId?: string;
}

export class WriteClinicalNoteCommand extends ClinicalNoteSubmission {
  @IsUUID() caseId: string;
}

export class ClinicalNoteQuery extends CaseScoped {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  fieldGroups?: string[];
}

export class ClinicalNoteView {
  @ApiProperty({ format: 'uuid' }) noteId: string;
  @ApiProperty({ format: 'uuid', nullable: true }) consultationId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true }) interventionId: string | null;
  @ApiProperty() text: string;
  @ApiProperty() writtenBy: string;
  @ApiProperty({ format: 'date-time' }) writtenAt: string;
}

export class ClinicalNoteWritten {
  @ApiProperty({ format: 'uuid' }) noteId: string;
  @ApiProperty({ format: 'date-time' }) writtenAt: string;
}

// ---- co-working and diversion ----------------------------------------------------------------

export class ArrangementSubmission {
  @ApiProperty({ enum: MH_ARRANGEMENT_KINDS })
  @IsIn(MH_ARRANGEMENT_KINDS)
  kind: MhArrangementKind;

  @ApiPropertyOptional({ enum: AGENCIES, description: 'CO_WORK: the lead agency' })
  @IsOptional()
  @IsIn(AGENCIES)
  leadAgency?: Agency;

  @ApiPropertyOptional({ maxLength: 200, description: 'CO_WORK: the named clinician' })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  @IsPlainText()
  namedClinician?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'CO_WORK: when the arrangement is next reviewed' })
  @IsOptional()
  @IsISO8601(ISO)
  reviewDate?: string;

  @ApiPropertyOptional({ enum: DIVERSION_OUTCOMES, description: 'DIVERSION: the outcome so far' })
  @IsOptional()
  @IsIn(DIVERSION_OUTCOMES)
  diversionOutcome?: DiversionOutcome;

  @ApiPropertyOptional({ format: 'uuid', description: 'The consultation whose recommendation this follows' })
  @IsOptional()
  @IsUUID()
  consultationId?: string;
}

export class StartArrangementCommand extends ArrangementSubmission {
  @IsUUID() caseId: string;
}

export class ArrangementChangeSubmission {
  @ApiPropertyOptional({ enum: AGENCIES })
  @IsOptional()
  @IsIn(AGENCIES)
  leadAgency?: Agency;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(2, 200)
  @IsPlainText()
  namedClinician?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601(ISO)
  reviewDate?: string;

  @ApiPropertyOptional({ enum: DIVERSION_OUTCOMES })
  @IsOptional()
  @IsIn(DIVERSION_OUTCOMES)
  diversionOutcome?: DiversionOutcome;

  @ApiPropertyOptional({ description: 'End the arrangement' })
  @IsOptional()
  @IsBoolean()
  end?: boolean;
}

export class ChangeArrangementCommand extends ArrangementChangeSubmission {
  @IsUUID() caseId: string;
  @IsUUID() arrangementId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class ArrangementHistoryEntry {
  @ApiProperty() change: string;
  @ApiProperty() changedBy: string;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
}

export class MhArrangementView {
  @ApiProperty({ format: 'uuid' }) arrangementId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: MH_ARRANGEMENT_KINDS }) kind: MhArrangementKind;
  @ApiProperty({ enum: MH_ARRANGEMENT_STATUSES }) status: MhArrangementStatus;
  @ApiProperty({ enum: AGENCIES, nullable: true }) leadAgency: Agency | null;
  @ApiProperty({ nullable: true }) namedClinician: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) reviewDate: string | null;
  @ApiProperty({ enum: DIVERSION_OUTCOMES, nullable: true }) diversionOutcome: DiversionOutcome | null;
  @ApiProperty({ format: 'uuid', nullable: true }) consultationId: string | null;
  @ApiProperty({ type: ArrangementHistoryEntry, isArray: true }) history: ArrangementHistoryEntry[];
  @ApiProperty() version: number;
}

// ---- interventions ---------------------------------------------------------------------------

export class ProposeInterventionSubmission {
  @ApiProperty({ enum: INTERVENTION_LEGAL_BASES, description: 'D13: compulsory basis, or VOLUNTARY with the agreement recorded' })
  @IsIn(INTERVENTION_LEGAL_BASES)
  legalBasis: InterventionLegalBasis;

  @ApiPropertyOptional({ description: 'VOLUNTARY: the person\'s agreement to a voluntary intervention is recorded' })
  @IsOptional()
  @IsBoolean()
  voluntaryAgreementRecorded?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: "SPO_REQUIREMENT: intake's protective order carrying the requirement" })
  @IsOptional()
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'PSYCHOLOGICALLY_INFORMED_1TO1' })
  @IsOptional()
  @IsString()
  @Length(2, 100)
  @IsPlainText()
  programme?: string;
}

export class ProposeInterventionCommand extends ProposeInterventionSubmission {
  @IsUUID() caseId: string;
}

/** One move of an intervention; UNSUITABLE / SUITABLE need coded reasons, the early endings a reason code. */
export class InterventionTransitionSubmission {
  @ApiProperty({ enum: INTERVENTION_STATUSES.filter((s) => s !== 'PROPOSED') })
  @IsIn(INTERVENTION_STATUSES.filter((s) => s !== 'PROPOSED'))
  to: InterventionStatus;

  @ApiPropertyOptional({ enum: SUITABILITY_REASONS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SUITABILITY_REASONS.length)
  @ArrayUnique()
  @IsIn(SUITABILITY_REASONS, { each: true })
  suitabilityReasons?: SuitabilityReason[];

  @ApiPropertyOptional({ enum: INTERVENTION_END_REASONS })
  @IsOptional()
  @IsIn(INTERVENTION_END_REASONS)
  reason?: InterventionEndReason;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, description: 'SUITABLE / STARTED: sessions planned in total' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  sessionsPlanned?: number;
}

export class InterventionTransitionCommand extends InterventionTransitionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() interventionId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class PlanSessionSubmission {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  scheduledFor: string;
}

export class PlanSessionCommand extends PlanSessionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() interventionId: string;
}

export class AttendanceSubmission {
  @ApiProperty({ enum: ['ATTENDED', 'MISSED', 'CANCELLED'] })
  @IsIn(['ATTENDED', 'MISSED', 'CANCELLED'])
  outcome: 'ATTENDED' | 'MISSED' | 'CANCELLED';
}

export class RecordAttendanceCommand extends AttendanceSubmission {
  @IsUUID() caseId: string;
  @IsUUID() interventionId: string;
  @IsUUID() sessionId: string;
}

export class InterventionSessionView {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'date-time' }) scheduledFor: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status: SessionStatus;
}

export class InterventionHistoryEntry {
  @ApiProperty({ enum: INTERVENTION_STATUSES, nullable: true }) from: InterventionStatus | null;
  @ApiProperty({ enum: INTERVENTION_STATUSES }) to: InterventionStatus;
  @ApiProperty({ nullable: true }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class InterventionView {
  @ApiProperty({ format: 'uuid' }) interventionId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: INTERVENTION_STATUSES }) status: InterventionStatus;
  @ApiProperty({ enum: INTERVENTION_LEGAL_BASES }) legalBasis: InterventionLegalBasis;
  @ApiProperty() voluntaryAgreementRecorded: boolean;
  @ApiProperty({ format: 'uuid', nullable: true }) orderId: string | null;
  @ApiProperty({ nullable: true }) programme: string | null;
  @ApiProperty({ enum: SUITABILITY_REASONS, isArray: true }) suitabilityReasons: SuitabilityReason[];
  @ApiProperty({ format: 'date-time', nullable: true, description: 'On the waiting list since (SUITABLE, not started)' })
  waitingSince: string | null;
  @ApiProperty() sessionsPlanned: number;
  @ApiProperty() sessionsAttended: number;
  @ApiProperty({ type: InterventionSessionView, isArray: true }) sessions: InterventionSessionView[];
  @ApiProperty({ type: InterventionHistoryEntry, isArray: true }) history: InterventionHistoryEntry[];
  @ApiProperty() version: number;
}

// ---- worklists -------------------------------------------------------------------------------

export class ChecksWorklistQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdueOnly?: 'true' | 'false';
}

export class ConsultationsWorklistQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: MH_CONSULTATION_STATUSES })
  @IsOptional()
  @IsIn(MH_CONSULTATION_STATUSES)
  state?: MhConsultationStatus;
}

export class WorklistPageQuery extends CursorPageQuery {}

export class MhWorkItem {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid', description: 'The check, consultation, session or arrangement' }) itemId: string;
  @ApiProperty() kind: string;
  @ApiProperty() state: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() overdue: boolean;
}

export class MhWorklistPage {
  @ApiProperty({ type: MhWorkItem, isArray: true }) items: MhWorkItem[];
  @ApiProperty({ nullable: true, description: 'Pass as ?cursor= for the next page; null on the last page' }) nextCursor: string | null;
}

// ---- Caldicott -------------------------------------------------------------------------------

export class DisclosureListQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only disclosures no guardian has reviewed yet' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unreviewedOnly?: 'true' | 'false';
}

export class DisclosureView {
  @ApiProperty({ format: 'uuid' }) entryId: string;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiProperty() action: string;
  @ApiProperty() recordType: string;
  @ApiProperty({ type: [String] }) recordIds: string[];
  @ApiProperty() actorAgency: string;
  @ApiProperty() actorSubject: string;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty({ nullable: true }) purpose: string | null;
  @ApiProperty({ nullable: true }) legalBasis: string | null;
  @ApiProperty({ enum: DISCLOSURE_REVIEW_OUTCOMES, nullable: true }) reviewOutcome: DisclosureReviewOutcome | null;
  @ApiProperty({ nullable: true }) reviewedBy: string | null;
  @ApiProperty({ format: 'date-time', nullable: true }) reviewedAt: string | null;
}

export class DisclosurePage {
  @ApiProperty({ type: DisclosureView, isArray: true }) items: DisclosureView[];
  @ApiProperty({ nullable: true }) nextCursor: string | null;
}

export class DisclosureReviewSubmission {
  @ApiProperty({ enum: DISCLOSURE_REVIEW_OUTCOMES })
  @IsIn(DISCLOSURE_REVIEW_OUTCOMES)
  outcome: DisclosureReviewOutcome;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class ReviewDisclosureCommand extends DisclosureReviewSubmission {
  @IsUUID() entryId: string;
}

// ---- the trust's part of the unified case view -----------------------------------------------

/**
 * What partners see of the trust's records on a case: the check answers with their contact routes, the
 * shareable advice summaries and recommendation codes, arrangements and intervention statuses. Never a
 * clinical note. The top-level check fields are the first check's (the unified view's summary line).
 */
export interface MentalHealthCasePart extends KnownToServicesCheckPart {
  /** e.g. "known to mental-health services: YES, contact route available". */
  knownToServices: string | null;
  checks: MhCheckView[];
  consultations: Pick<MhConsultationView, 'consultationId' | 'status' | 'urgency' | 'adviceSummary' | 'recommendation' | 'adviceSharedAt'>[];
  arrangements: Pick<MhArrangementView, 'arrangementId' | 'kind' | 'status' | 'leadAgency' | 'reviewDate' | 'diversionOutcome'>[];
  interventions: Pick<InterventionView, 'interventionId' | 'status' | 'legalBasis' | 'sessionsPlanned' | 'sessionsAttended'>[];
}
