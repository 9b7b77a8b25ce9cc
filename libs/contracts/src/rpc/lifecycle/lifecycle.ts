import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Min, ValidateIf } from 'class-validator';
import { CASE_STATUSES, CJ_STAGES, CLOSURE_REASONS, type CaseStatus, type CjStage, type ClosureReason } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const LIFECYCLE = {
  get: 'rpc.intake.lifecycle.get',
  transition: 'rpc.intake.lifecycle.transition',
  close: 'rpc.intake.lifecycle.close',
  changeCjStage: 'rpc.intake.lifecycle.cj-stage.change',
} as const;

const MANUAL_STATUSES = CASE_STATUSES.filter((s) => s !== 'CLOSED');

/** A lifecycle move made by a person (closing has its own command because it needs a reason). */
export class StatusTransitionSubmission {
  @ApiProperty({ enum: MANUAL_STATUSES })
  @IsIn(MANUAL_STATUSES)
  to: Exclude<CaseStatus, 'CLOSED'>;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class CloseCaseSubmission {
  @ApiProperty({ enum: CLOSURE_REASONS })
  @IsIn(CLOSURE_REASONS)
  reason: ClosureReason;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when the reason is OTHER' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class CjStageChangeSubmission {
  @ApiProperty({ enum: CJ_STAGES })
  @IsIn(CJ_STAGES)
  to: CjStage;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required for RUI, NFA, NFA_CPS and DISCONTINUED (decisions not taken are recorded with reasons)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  reason?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Required for BAILED: the bail return date (a clock on the lead worklist)' })
  @ValidateIf((s: CjStageChangeSubmission) => s.to === 'BAILED' || s.bailReturnAt !== undefined)
  @IsDefined({ message: 'bailReturnAt is required when the suspect is bailed' })
  @IsISO8601({ strict: true, strictSeparator: true })
  bailReturnAt?: string;
}

export class StatusTransitionCommand extends StatusTransitionSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}
export class CloseCaseCommand extends CloseCaseSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}
export class CjStageChangeCommand extends CjStageChangeSubmission {
  @IsUUID() caseId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class CaseTransitionView {
  @ApiProperty({ enum: ['STATUS', 'CJ_STAGE'] }) machine: 'STATUS' | 'CJ_STAGE';
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiPropertyOptional({ nullable: true }) reasonCode: string | null;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'The event that caused it, e.g. NEW_INCIDENT' }) trigger: string | null;
  @ApiProperty() actor: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class CaseLifecycleView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: CASE_STATUSES }) status: CaseStatus;
  @ApiProperty({ enum: CJ_STAGES }) cjStage: CjStage;
  @ApiPropertyOptional({ nullable: true, enum: CLOSURE_REASONS }) closureReason: ClosureReason | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) closedAt: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time', description: 'While BAILED: when the suspect answers bail' }) bailReturnAt: string | null;
  @ApiProperty({ description: 'The ETag version of the case' }) version: number;
  @ApiProperty({ type: CaseTransitionView, isArray: true }) history: CaseTransitionView[];
}
