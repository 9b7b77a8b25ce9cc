import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
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
  AGENCIES,
  CHECK_STATUSES,
  ENFORCEMENT_OUTCOMES,
  ENFORCEMENT_REVIEW_STATUSES,
  INTERVENTION_LEGAL_BASES,
  INTERVENTION_STATUSES,
  LICENCE_CONDITION_TYPES,
  MAPPA_CATEGORIES,
  MAPPA_LEAD_AGENCIES,
  MAPPA_LEVELS,
  PROBATION_CONSULTATION_KINDS,
  PROBATION_RECOMMENDATION_CODES,
  SUPERVISION_STATUSES,
  type Agency,
  type CheckStatus,
  type EnforcementOutcome,
  type EnforcementReviewStatus,
  type InterventionLegalBasis,
  type InterventionStatus,
  type LicenceConditionType,
  type MappaCategory,
  type MappaLeadAgency,
  type MappaLevel,
  type ProbationConsultationKind,
  type ProbationRecommendationCode,
  type SupervisionStatus,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';
import { ExclusionZone } from '../orders/orders';
import { ContactRoute } from '../partner-checks/partner-checks';
import type { KnownToServicesCheckPart } from '../case-part/case-part';

export const PROBATION = {
  answerCheck: 'rpc.probation.check.answer',
  locateChecks: 'rpc.probation.check.locate',
  read: 'rpc.probation.case.read',
  recordConsultation: 'rpc.probation.consultation.record',
  setMappa: 'rpc.probation.mappa.set',
  setSentence: 'rpc.probation.sentence.set',
  worklist: 'rpc.probation.worklist',
  decideEnforcement: 'rpc.probation.enforcement.decide',
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = { message: ({ property }: { property: string }) => `${property} must be a date (YYYY-MM-DD)` };
/** A probation case reference as probation systems write it (letters, digits, '/', '-'); stored only as a keyed token. */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/-]{3,30}$/;

export class CheckAnswerSubmission {
  @ApiProperty({ enum: SUPERVISION_STATUSES })
  @IsIn(SUPERVISION_STATUSES)
  supervisionStatus: SupervisionStatus;

  @ApiProperty({ type: ContactRoute, description: "How partners reach probation's team about this person (professional contact only)" })
  @ValidateNested()
  @Type(() => ContactRoute)
  contactRoute: ContactRoute;

  @ApiPropertyOptional({ description: "Probation's case reference: stored only as a keyed search token, never in clear", example: 'PRB/2026/001234' })
  @IsOptional()
  @Matches(REFERENCE, { message: 'probationCaseReference must be 4-31 letters, digits, / or -' })
  probationCaseReference?: string;
}

export class CheckAnswerCommand extends CheckAnswerSubmission {
  @IsUUID() caseId: string;
  @IsUUID() checkId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class LocateChecksQuery {
  @ApiProperty({ description: 'Sent in the body, never in a URL, so it reaches no access log in clear' })
  @Matches(REFERENCE, { message: 'probationCaseReference must be 4-31 letters, digits, / or -' })
  probationCaseReference: string;
}

export class LicenceConditionInput {
  @ApiProperty({ enum: LICENCE_CONDITION_TYPES })
  @IsIn(LICENCE_CONDITION_TYPES)
  type: LicenceConditionType;

  @ApiPropertyOptional({ maxLength: 500, description: 'What the condition requires (never where the victim is: that is the zone)' })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  @IsPlainText()
  note?: string;

  @ApiPropertyOptional({ type: ExclusionZone, description: 'EXCLUSION_ZONE only: its geography is victim.location (needs that field group)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ExclusionZone)
  exclusionZone?: ExclusionZone;
}

export class ConsultationSubmission {
  @ApiProperty({ enum: PROBATION_CONSULTATION_KINDS, description: 'PRE_SENTENCE_REPORT input, or POST_CONVICTION (needs the conviction recorded by intake)' })
  @IsIn(PROBATION_CONSULTATION_KINDS)
  kind: ProbationConsultationKind;

  @ApiProperty({ enum: PROBATION_RECOMMENDATION_CODES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROBATION_RECOMMENDATION_CODES.length)
  @ArrayUnique()
  @IsIn(PROBATION_RECOMMENDATION_CODES, { each: true })
  recommendationCodes: ProbationRecommendationCode[];

  @ApiPropertyOptional({ maxLength: 2000, description: "Probation's summary (its own team only)" })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  summary?: string;

  @ApiPropertyOptional({ type: LicenceConditionInput, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => LicenceConditionInput)
  licenceConditions?: LicenceConditionInput[];
}

export class ConsultationCommand extends ConsultationSubmission {
  @IsUUID() caseId: string;
}

export class MappaSubmission {
  @ApiProperty({ enum: MAPPA_CATEGORIES }) @IsIn(MAPPA_CATEGORIES) category: MappaCategory;
  @ApiProperty({ enum: MAPPA_LEVELS }) @IsIn(MAPPA_LEVELS) level: MappaLevel;
  @ApiProperty({ enum: MAPPA_LEAD_AGENCIES }) @IsIn(MAPPA_LEAD_AGENCIES) leadAgency: MappaLeadAgency;
  @ApiProperty({ format: 'date' }) @Matches(DATE, DATE_MESSAGE) nextReviewDate: string;
}

export class MappaCommand extends MappaSubmission {
  @IsUUID() caseId: string;
}

export class SentenceSubmission {
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(DATE, DATE_MESSAGE) custodyStart?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(DATE, DATE_MESSAGE) expectedRelease?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Once known; the release falls on this day rather than the expected one' })
  @IsOptional()
  @Matches(DATE, DATE_MESSAGE)
  actualRelease?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(DATE, DATE_MESSAGE) licenceEnd?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(DATE, DATE_MESSAGE) supervisionEnd?: string;
}

export class SentenceCommand extends SentenceSubmission {
  @IsUUID() caseId: string;
}

export class EnforcementDecisionSubmission {
  @ApiProperty({ enum: ENFORCEMENT_OUTCOMES, description: 'What the practitioner decided on the breach or disengagement' })
  @IsIn(ENFORCEMENT_OUTCOMES)
  outcome: EnforcementOutcome;
}

export class EnforcementDecisionCommand extends EnforcementDecisionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() reviewId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class ProbationCaseQuery {
  @IsUUID() caseId: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1)
  @IsIn(['victim.location'], { each: true })
  fieldGroups?: 'victim.location'[];
}

export class ProbationWorklistQuery {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^[A-Za-z0-9_-]+$/)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class SupervisionCheckView {
  @ApiProperty({ format: 'uuid' }) checkId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) personId: string;
  @ApiProperty({ enum: CHECK_STATUSES }) status: CheckStatus;
  @ApiProperty({ enum: ['REFERRAL', 'NEW_PERSON_OF_CONCERN', 'PERSON_IDENTIFIED'] }) reason: string;
  @ApiPropertyOptional({ enum: SUPERVISION_STATUSES, nullable: true }) supervisionStatus: SupervisionStatus | null;
  @ApiPropertyOptional({ type: ContactRoute, nullable: true }) contactRoute: ContactRoute | null;
  @ApiProperty({ description: 'A probation case reference is recorded (it is never shown)' }) hasProbationCaseReference: boolean;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) answeredAt: string | null;
  @ApiProperty({ description: 'The ETag version of the check' }) version: number;
}

export class LicenceConditionView {
  @ApiProperty({ enum: LICENCE_CONDITION_TYPES }) type: LicenceConditionType;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ description: 'An exclusion zone is recorded (true even when its geography is withheld)' }) hasExclusionZone: boolean;
  @ApiPropertyOptional({ type: ExclusionZone, description: 'Only with the victim.location field group' }) exclusionZone?: ExclusionZone;
}

export class ProbationConsultationView {
  @ApiProperty({ format: 'uuid' }) consultationId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: PROBATION_CONSULTATION_KINDS }) kind: ProbationConsultationKind;
  @ApiProperty({ enum: PROBATION_RECOMMENDATION_CODES, isArray: true }) recommendationCodes: ProbationRecommendationCode[];
  @ApiPropertyOptional({ nullable: true, description: "Probation's own team only" }) summary?: string | null;
  @ApiProperty({ type: LicenceConditionView, isArray: true }) licenceConditions: LicenceConditionView[];
  @ApiProperty({ format: 'date-time' }) completedAt: string;
}

export class MappaView {
  @ApiProperty({ format: 'uuid' }) mappaId: string;
  @ApiProperty({ enum: MAPPA_CATEGORIES }) category: MappaCategory;
  @ApiProperty({ enum: MAPPA_LEVELS }) level: MappaLevel;
  @ApiProperty({ enum: MAPPA_LEAD_AGENCIES }) leadAgency: MappaLeadAgency;
  @ApiProperty({ format: 'date' }) nextReviewDate: string;
  @ApiProperty({ format: 'date-time' }) setAt: string;
}

export class SentenceView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) custodyStart: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) expectedRelease: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) actualRelease: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) licenceEnd: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) supervisionEnd: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date', description: 'The day offender.released was published for' }) releasedOn: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date', description: 'The day licence.ended was published for' }) licenceEndedOn: string | null;
  @ApiProperty() version: number;
}

export const SENTENCE_DATE_FIELDS = ['custodyStart', 'expectedRelease', 'actualRelease', 'licenceEnd', 'supervisionEnd'] as const;
export type SentenceDateField = (typeof SENTENCE_DATE_FIELDS)[number];

/** One change of the sentence dates: the dates as they became, which changed, who changed them and when. */
export class SentenceDatesChangeView {
  @ApiProperty({ description: 'The version of the dates this change made' }) version: number;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) custodyStart: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) expectedRelease: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) actualRelease: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) licenceEnd: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) supervisionEnd: string | null;
  @ApiProperty({ enum: SENTENCE_DATE_FIELDS, isArray: true, description: 'The dates this change set, altered or cleared' }) changedFields: SentenceDateField[];
  @ApiPropertyOptional({ description: "Who changed them (probation's own team only)" }) changedBy?: string;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
}

export class PartnerInterventionChangeView {
  @ApiPropertyOptional({ enum: INTERVENTION_STATUSES, nullable: true }) previousStatus: InterventionStatus | null;
  @ApiProperty({ enum: INTERVENTION_STATUSES }) status: InterventionStatus;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
}

/** A partner agency's intervention with the person of concern, as probation learned it (codes only). */
export class PartnerInterventionView {
  @ApiProperty({ format: 'uuid' }) interventionId: string;
  @ApiProperty({ enum: AGENCIES }) agency: Agency;
  @ApiProperty({ enum: INTERVENTION_STATUSES }) status: InterventionStatus;
  @ApiProperty({ enum: INTERVENTION_LEGAL_BASES }) legalBasis: InterventionLegalBasis;
  @ApiProperty({ format: 'date-time' }) changedAt: string;
  @ApiProperty({ type: PartnerInterventionChangeView, isArray: true, description: 'Every status change received, oldest first' })
  history: PartnerInterventionChangeView[];
}

/** Opened when a licence-condition or community-order intervention is BREACHED or DISENGAGED; due in working days. */
export class EnforcementReviewView {
  @ApiProperty({ format: 'uuid' }) reviewId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) interventionId: string;
  @ApiProperty({ enum: ['BREACHED', 'DISENGAGED'] }) triggerStatus: InterventionStatus;
  @ApiProperty({ enum: ['COMMUNITY_ORDER', 'LICENCE_CONDITION'] }) legalBasis: InterventionLegalBasis;
  @ApiProperty({ enum: ENFORCEMENT_REVIEW_STATUSES }) status: EnforcementReviewStatus;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty() overdue: boolean;
  @ApiPropertyOptional({ enum: ENFORCEMENT_OUTCOMES, nullable: true }) outcome: EnforcementOutcome | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) decidedAt: string | null;
  @ApiProperty({ description: 'The ETag version of the review' }) version: number;
}

export class ProbationCaseView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiPropertyOptional({ type: SupervisionCheckView, nullable: true }) check: SupervisionCheckView | null;
  @ApiProperty({ type: ProbationConsultationView, isArray: true }) consultations: ProbationConsultationView[];
  @ApiPropertyOptional({ type: MappaView, nullable: true }) mappa: MappaView | null;
  @ApiProperty({ type: MappaView, isArray: true, description: 'Every MAPPA setting, oldest first' }) mappaHistory: MappaView[];
  @ApiPropertyOptional({ type: SentenceView, nullable: true }) sentence: SentenceView | null;
  @ApiProperty({ type: SentenceDatesChangeView, isArray: true, description: 'Every change of the sentence dates, oldest first' })
  sentenceHistory: SentenceDatesChangeView[];
  @ApiProperty({ type: PartnerInterventionView, isArray: true, description: "The trust's interventions with the person of concern (status with history)" })
  interventions: PartnerInterventionView[];
  @ApiProperty({ type: EnforcementReviewView, isArray: true, description: 'Enforcement reviews opened by breached or disengaged interventions probation enforces' })
  enforcementReviews: EnforcementReviewView[];
}

export class LocatedCheck {
  @ApiProperty({ format: 'uuid' }) checkId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiPropertyOptional({ enum: SUPERVISION_STATUSES, nullable: true }) supervisionStatus: SupervisionStatus | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) answeredAt: string | null;
}

export const PROBATION_WORK_KINDS = ['CHECK_DUE', 'CONSULTATION_DUE', 'RELEASE_DUE', 'MAPPA_REVIEW_DUE', 'ENFORCEMENT_REVIEW_DUE'] as const;
export type ProbationWorkKind = (typeof PROBATION_WORK_KINDS)[number];

export class ProbationWorklistItem {
  @ApiProperty({ enum: PROBATION_WORK_KINDS }) kind: ProbationWorkKind;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({
    format: 'date-time',
    description: 'When the work is due (a check, an enforcement review), or the day it falls on (release, MAPPA review, conviction awaiting a consultation)',
  })
  at: string;
  @ApiProperty() overdue: boolean;
}

export class ProbationWorklistView {
  @ApiProperty({ type: ProbationWorklistItem, isArray: true }) items: ProbationWorklistItem[];
  @ApiPropertyOptional({ nullable: true }) nextCursor: string | null;
}

/** Probation's part of the unified case view: the check answer and route, and MAPPA level (no narrative, no zones). */
export interface ProbationCasePart extends KnownToServicesCheckPart {
  contactRoute: ContactRoute | null;
  mappaCategory: number | null;
  mappaLevel: number | null;
}
