import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';
import {
  AGENCIES,
  ASSESSMENT_SUBJECTS,
  RISK_INSTRUMENTS,
  RISK_LEVELS,
  type Agency,
  type AssessmentSubject,
  type RiskInstrument,
  type RiskLevel,
} from '@stac/domain';

/**
 * `risk.assessment.assessed.v1`: a risk assessment became the current one for its case and subject.
 * Thin: ids, codes, the judged level and dates — never answers, rationale or formulation.
 */
export class RiskAssessmentAssessedV1 {
  static readonly subject = 'risk.assessment.assessed.v1';
  static readonly eventType = 'risk.assessment.assessed';
  static readonly version = 1;

  @IsUUID()
  assessmentId: string;

  @IsIn(ASSESSMENT_SUBJECTS)
  subject: AssessmentSubject;

  @IsIn(RISK_INSTRUMENTS)
  instrument: RiskInstrument;

  @IsInt()
  @Min(1)
  instrumentVersion: number;

  /** Set by professional judgement. */
  @IsIn(RISK_LEVELS)
  level: RiskLevel;

  /** DASH with 14+ ticks: consider a MARAC referral. */
  @IsBoolean()
  maracFlag: boolean;

  @IsIn(AGENCIES)
  assessedByAgency: Agency;

  @IsISO8601({ strict: true })
  assessedAt: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  nextReviewDue?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  yesCount?: number;
}
