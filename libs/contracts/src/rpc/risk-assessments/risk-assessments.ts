import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
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
  ASSESSMENT_STATUSES,
  ASSESSMENT_SUBJECTS,
  DOMAIN_LEVELS,
  REVIEW_DECISIONS,
  RISK_INSTRUMENTS,
  RISK_LEVELS,
  SCREENING_ANSWERS,
  STALKER_TYPES,
  type AssessmentStatus,
  type AssessmentSubject,
  type DomainLevel,
  type ReviewDecision,
  type RiskInstrument,
  type RiskLevel,
  type ScreeningAnswer,
  type StalkerType,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const CREATE_RISK_ASSESSMENT = 'rpc.risk-assessment.assessment.create';
export const UPDATE_RISK_ASSESSMENT = 'rpc.risk-assessment.assessment.update';
export const SUBMIT_RISK_ASSESSMENT = 'rpc.risk-assessment.assessment.submit';
export const REVIEW_RISK_ASSESSMENT = 'rpc.risk-assessment.assessment.review';
export const GET_RISK_ASSESSMENT = 'rpc.risk-assessment.assessment.get';
export const LIST_RISK_ASSESSMENTS = 'rpc.risk-assessment.assessment.list';

export class ScreeningAnswerSubmission {
  @ApiProperty({ example: 'VERY_FRIGHTENED', description: 'A question code of the instrument version' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{1,49}$/, { message: 'question must be a question code' })
  question: string;

  @ApiProperty({ enum: SCREENING_ANSWERS })
  @IsIn(SCREENING_ANSWERS)
  answer: ScreeningAnswer;
}

export class DomainLevelsSubmission {
  @ApiPropertyOptional({ enum: DOMAIN_LEVELS })
  @IsOptional()
  @IsIn(DOMAIN_LEVELS)
  VIOLENCE?: DomainLevel;

  @ApiPropertyOptional({ enum: DOMAIN_LEVELS })
  @IsOptional()
  @IsIn(DOMAIN_LEVELS)
  PERSISTENCE?: DomainLevel;

  @ApiPropertyOptional({ enum: DOMAIN_LEVELS })
  @IsOptional()
  @IsIn(DOMAIN_LEVELS)
  RECURRENCE?: DomainLevel;

  @ApiPropertyOptional({ enum: DOMAIN_LEVELS })
  @IsOptional()
  @IsIn(DOMAIN_LEVELS)
  PSYCHOSOCIAL_DAMAGE?: DomainLevel;
}

/** What an assessor may change on a draft; which fields an instrument accepts is in its definition. */
export class RiskAssessmentChanges {
  @ApiPropertyOptional({ type: ScreeningAnswerSubmission, isArray: true, description: 'Open instruments (S-DASH) only' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => ScreeningAnswerSubmission)
  answers?: ScreeningAnswerSubmission[];

  @ApiPropertyOptional({ description: 'DASH: number of ticks (MARAC flag at 14+). Information only, never sets the level.', minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  tickCount?: number;

  @ApiPropertyOptional({ enum: RISK_LEVELS, description: 'Set by professional judgement; never derived from a count' })
  @IsOptional()
  @IsIn(RISK_LEVELS)
  level?: RiskLevel;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Why this level (field group risk.rationale)' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  @IsPlainText()
  rationale?: string;

  @ApiPropertyOptional({ type: DomainLevelsSubmission })
  @IsOptional()
  @ValidateNested()
  @Type(() => DomainLevelsSubmission)
  domainLevels?: DomainLevelsSubmission;

  @ApiPropertyOptional({ enum: STALKER_TYPES })
  @IsOptional()
  @IsIn(STALKER_TYPES)
  stalkerType?: StalkerType;

  @ApiPropertyOptional({ description: 'Whether the stalker type appears in the summary shared with partner agencies' })
  @IsOptional()
  @IsBoolean()
  stalkerTypeShared?: boolean;

  @ApiPropertyOptional({ maxLength: 8000, description: 'Formulation (field group risk.rationale)' })
  @IsOptional()
  @IsString()
  @Length(1, 8000)
  @IsPlainText()
  formulation?: string;

  @ApiPropertyOptional({ description: 'A second person must review the assessment before it becomes current' })
  @IsOptional()
  @IsBoolean()
  requiresReview?: boolean;
}

/** A new draft assessment (HTTP body of POST /cases/:caseId/risk-assessments). */
export class RiskAssessmentDraft extends RiskAssessmentChanges {
  @ApiProperty({ enum: ASSESSMENT_SUBJECTS })
  @IsIn(ASSESSMENT_SUBJECTS)
  subject: AssessmentSubject;

  @ApiProperty({ enum: RISK_INSTRUMENTS })
  @IsIn(RISK_INSTRUMENTS)
  instrument: RiskInstrument;

  @ApiPropertyOptional({ description: 'Defaults to the latest version of the instrument', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  instrumentVersion?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The screening or re-assessment task this assessment answers' })
  @IsOptional()
  @IsUUID()
  taskId?: string;
}

export class ReviewSubmission {
  @ApiProperty({ enum: REVIEW_DECISIONS, description: 'APPROVE makes it current; RETURN sends it back to draft' })
  @IsIn(REVIEW_DECISIONS)
  decision: ReviewDecision;
}

// ---- request/reply bodies (the gateway adds the path parameters and If-Match version) ----

export class CreateRiskAssessmentRequest {
  @IsUUID()
  caseId: string;
  @IsDefined()
  @ValidateNested()
  @Type(() => RiskAssessmentDraft)
  assessment: RiskAssessmentDraft;
}

export class RiskAssessmentRef {
  @IsUUID()
  caseId: string;
  @IsUUID()
  assessmentId: string;
}

export class UpdateRiskAssessmentRequest extends RiskAssessmentRef {
  @IsInt()
  @Min(1)
  expectedVersion: number;
  @IsDefined()
  @ValidateNested()
  @Type(() => RiskAssessmentChanges)
  changes: RiskAssessmentChanges;
}

export class SubmitRiskAssessmentRequest extends RiskAssessmentRef {
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class ReviewRiskAssessmentRequest extends SubmitRiskAssessmentRequest {
  @IsDefined()
  @ValidateNested()
  @Type(() => ReviewSubmission)
  review: ReviewSubmission;
}

export class GetRiskAssessmentRequest extends RiskAssessmentRef {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  fieldGroups?: string[];
}

export class ListRiskAssessmentsRequest {
  @IsUUID()
  caseId: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  fieldGroups?: string[];
}

// ---- answers ----

export class AssessorView {
  @ApiProperty()
  agency: string;
  @ApiProperty({ description: 'The role the person acted in' })
  role: string;
}

export class RiskAssessmentView {
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: ASSESSMENT_SUBJECTS })
  subject: AssessmentSubject;
  @ApiProperty({ enum: RISK_INSTRUMENTS })
  instrument: RiskInstrument;
  @ApiProperty()
  instrumentVersion: number;
  @ApiProperty({ enum: ASSESSMENT_STATUSES })
  status: AssessmentStatus;
  @ApiPropertyOptional({ type: ScreeningAnswerSubmission, isArray: true })
  answers?: ScreeningAnswerSubmission[];
  @ApiPropertyOptional({
    nullable: true,
    description: 'Yes answers (S-DASH) or ticks (DASH). Information only: the level is set by professional judgement.',
  })
  yesCount: number | null;
  @ApiProperty({ description: 'DASH with 14+ ticks: consider a MARAC referral' })
  maracFlag: boolean;
  @ApiPropertyOptional({ enum: RISK_LEVELS, nullable: true })
  level: RiskLevel | null;
  @ApiProperty({ enum: ['PROFESSIONAL_JUDGEMENT'] })
  levelSetBy: 'PROFESSIONAL_JUDGEMENT';
  @ApiPropertyOptional({ description: 'Only with include=risk.rationale when granted' })
  rationale?: string | null;
  @ApiPropertyOptional({ description: 'Only with include=risk.rationale when granted' })
  formulation?: string | null;
  @ApiPropertyOptional({ type: DomainLevelsSubmission })
  domainLevels: DomainLevelsSubmission;
  @ApiPropertyOptional({ enum: STALKER_TYPES, nullable: true })
  stalkerType: StalkerType | null;
  @ApiProperty()
  stalkerTypeShared: boolean;
  @ApiProperty()
  requiresReview: boolean;
  @ApiProperty({ type: AssessorView })
  assessedBy: AssessorView;
  @ApiPropertyOptional({ type: AssessorView, nullable: true })
  reviewedBy: AssessorView | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  taskId: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  submittedAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  currentFrom: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  supersededAt: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'Review date by level (HIGH 28 days, MEDIUM 3 months; STANDARD on events)' })
  nextReviewDue: string | null;
  @ApiProperty({ description: 'ETag of this version' })
  version: number;
}
