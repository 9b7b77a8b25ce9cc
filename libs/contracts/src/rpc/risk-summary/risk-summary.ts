import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';
import {
  ASSESSMENT_SUBJECTS,
  RISK_INSTRUMENTS,
  RISK_LEVELS,
  STALKER_TYPES,
  type AssessmentSubject,
  type RiskInstrument,
  type RiskLevel,
  type StalkerType,
} from '@stac/domain';
import { AssessorView, DomainLevelsSubmission } from '../risk-assessments/risk-assessments';

export const GET_RISK_SUMMARY = 'rpc.risk-assessment.summary.get';
export const LIST_RISK_LEVEL_HISTORY = 'rpc.risk-assessment.level-history.list';

export class RiskSummaryRequest {
  @IsUUID()
  caseId: string;
  /** Reconstruct the summary as it stood at this instant. */
  @IsOptional()
  @IsISO8601({ strict: true })
  at?: string;
}

export class RiskSummaryAssessmentView {
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;
  @ApiProperty({ enum: ASSESSMENT_SUBJECTS })
  subject: AssessmentSubject;
  @ApiProperty({ enum: RISK_INSTRUMENTS })
  instrument: RiskInstrument;
  @ApiProperty()
  instrumentVersion: number;
  @ApiProperty({ enum: RISK_LEVELS })
  level: RiskLevel;
  @ApiProperty({ type: AssessorView })
  assessedBy: AssessorView;
  @ApiProperty({ format: 'date-time' })
  assessedAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  validUntil: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  nextReviewDue: string | null;
  @ApiProperty()
  maracFlag: boolean;
}

/** The shareable risk summary: levels, domains, dates and who assessed — never answers, rationale or formulation. */
export class RiskSummaryView {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Present when reconstructed for a past instant' })
  at?: string;
  @ApiPropertyOptional({ enum: RISK_LEVELS, nullable: true, description: 'The highest level among current assessments (professional judgement)' })
  level: RiskLevel | null;
  @ApiProperty({ type: DomainLevelsSubmission })
  domainLevels: DomainLevelsSubmission;
  @ApiPropertyOptional({ enum: STALKER_TYPES, nullable: true, description: 'Only where the assessor shared it (always for the owning agency)' })
  stalkerType: StalkerType | null;
  @ApiProperty()
  maracFlag: boolean;
  @ApiPropertyOptional({ type: AssessorView, nullable: true })
  assessedBy: AssessorView | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  validUntil: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'The earliest review due among current assessments' })
  nextReviewDue: string | null;
  @ApiProperty({ type: RiskSummaryAssessmentView, isArray: true })
  current: RiskSummaryAssessmentView[];
  @ApiProperty({ description: 'Summary version (increments with each change)' })
  version: number;
}

export class RiskLevelChangeView {
  @ApiPropertyOptional({ enum: RISK_LEVELS, nullable: true })
  previousLevel: RiskLevel | null;
  @ApiProperty({ enum: RISK_LEVELS })
  level: RiskLevel;
  @ApiProperty({ format: 'date-time' })
  changedAt: string;
  @ApiProperty({ format: 'uuid' })
  assessmentId: string;
  @ApiProperty({ type: AssessorView })
  assessedBy: AssessorView;
}

export class RiskLevelHistoryView {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ type: RiskLevelChangeView, isArray: true })
  changes: RiskLevelChangeView[];
}
