import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  Matches,
} from 'class-validator';
import {
  CHARGING_DECISIONS,
  CJ_STAGES,
  CPS_ADVICE_CODES,
  CPS_ADVICE_REQUEST_STATUSES,
  CPS_EVIDENCE_AREAS,
  type ChargingDecision,
  type CjStage,
  type CpsAdviceCode,
  type CpsAdviceRequestStatus,
  type CpsEvidenceArea,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const CPS = {
  requestAdvice: 'rpc.intake.cps.advice.request',
  answerAdvice: 'rpc.intake.cps.advice.answer',
  decideCharge: 'rpc.intake.cps.charging.decide',
  read: 'rpc.intake.cps.read',
  worklist: 'rpc.intake.cps.worklist',
} as const;

export class EarlyAdviceSubmission {
  @ApiProperty({ maxLength: 2000, description: 'The question the police put to the prosecutor' })
  @IsString()
  @Length(3, 2000)
  @IsPlainText()
  question: string;

  @ApiProperty({ enum: CPS_EVIDENCE_AREAS, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CPS_EVIDENCE_AREAS.length)
  @ArrayUnique()
  @IsIn(CPS_EVIDENCE_AREAS, { each: true })
  evidenceAreas: CpsEvidenceArea[];

  @ApiPropertyOptional({ minimum: 1, maximum: 20, description: 'Advice due within this many working days (England and Wales calendar; default 5)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  dueInWorkingDays?: number;
}

export class EarlyAdviceCommand extends EarlyAdviceSubmission {
  @IsUUID() caseId: string;
}

export class EarlyAdviceAnswerSubmission {
  @ApiProperty({ enum: CPS_ADVICE_CODES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CPS_ADVICE_CODES.length)
  @ArrayUnique()
  @IsIn(CPS_ADVICE_CODES, { each: true })
  adviceCodes: CpsAdviceCode[];

  @ApiPropertyOptional({ maxLength: 2000, description: "The prosecutor's note to the case officer (stays on the police record)" })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class EarlyAdviceAnswerCommand extends EarlyAdviceAnswerSubmission {
  @IsUUID() caseId: string;
  @IsUUID() requestId: string;
}

export class ChargingDecisionSubmission {
  @ApiProperty({ enum: CHARGING_DECISIONS, description: 'D10: CHARGE_S4A / CHARGE_S2A -> CHARGED; NO_FURTHER_ACTION -> NFA_CPS; FURTHER_EVIDENCE keeps the file awaiting a decision until the review date' })
  @IsIn(CHARGING_DECISIONS)
  decision: ChargingDecision;

  @ApiPropertyOptional({ format: 'date', description: 'Required for FURTHER_EVIDENCE: when the file comes back for review (YYYY-MM-DD)' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'reviewDate must be a date (YYYY-MM-DD)' })
  @IsISO8601({ strict: true })
  reviewDate?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required for NO_FURTHER_ACTION and FURTHER_EVIDENCE (decisions not taken are recorded with reasons)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  reason?: string;
}

export class ChargingDecisionCommand extends ChargingDecisionSubmission {
  @IsUUID() caseId: string;
}

export class CpsCaseQuery {
  @IsUUID() caseId: string;
}

export class CpsWorklistQuery {
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

export class EarlyAdviceView {
  @ApiProperty({ format: 'uuid' }) requestId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: CPS_ADVICE_REQUEST_STATUSES }) status: CpsAdviceRequestStatus;
  @ApiProperty() question: string;
  @ApiProperty({ enum: CPS_EVIDENCE_AREAS, isArray: true }) evidenceAreas: CpsEvidenceArea[];
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ description: 'Not answered and past its due time' }) overdue: boolean;
  @ApiPropertyOptional({ enum: CPS_ADVICE_CODES, isArray: true, nullable: true }) adviceCodes: CpsAdviceCode[] | null;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) answeredAt: string | null;
}

export class ChargingDecisionView {
  @ApiProperty({ format: 'uuid' }) decisionId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: CHARGING_DECISIONS }) decision: ChargingDecision;
  @ApiPropertyOptional({ nullable: true, format: 'date' }) reviewDate: string | null;
  @ApiPropertyOptional({ nullable: true }) reason: string | null;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
  @ApiProperty({ enum: CJ_STAGES, description: "The case's criminal-justice stage after the decision" }) cjStage: CjStage;
}

export class CpsCaseView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: CJ_STAGES }) cjStage: CjStage;
  @ApiProperty({ type: EarlyAdviceView, isArray: true }) adviceRequests: EarlyAdviceView[];
  @ApiProperty({ type: ChargingDecisionView, isArray: true }) decisions: ChargingDecisionView[];
}

export class CpsWorklistItem {
  @ApiProperty({ enum: ['ADVICE_DUE', 'DECISION_AWAITED'] }) kind: 'ADVICE_DUE' | 'DECISION_AWAITED';
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) requestId: string | null;
  @ApiProperty({ format: 'date-time', description: 'Advice: when it is due; decision: since when the charge was requested (or the further-evidence review date)' })
  at: string;
  @ApiProperty() overdue: boolean;
}

export class CpsWorklistView {
  @ApiProperty({ type: CpsWorklistItem, isArray: true }) items: CpsWorklistItem[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as cursor= for the next page' }) nextCursor: string | null;
}
