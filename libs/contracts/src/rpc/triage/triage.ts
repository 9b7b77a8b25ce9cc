import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { TRIAGE_DECISIONS, TRIAGE_REASONS, type CaseStatus, type TriageDecisionCode, type TriageReason } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const TRIAGE = { decide: 'rpc.intake.triage.decide' } as const;

/** D3: how S-TAC handles the case, with coded reasons. */
export class TriageSubmission {
  @ApiProperty({ enum: TRIAGE_DECISIONS })
  @IsIn(TRIAGE_DECISIONS)
  decision: TriageDecisionCode;

  @ApiProperty({ enum: TRIAGE_REASONS, isArray: true, example: ['ESCALATING_BEHAVIOUR', 'DOMESTIC_CONTEXT'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TRIAGE_REASONS.length)
  @ArrayUnique()
  @IsIn(TRIAGE_REASONS, { each: true })
  reasons: TriageReason[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class TriageCommand extends TriageSubmission {
  @IsUUID()
  caseId: string;
}

export class TriageDecisionRecord {
  @ApiProperty({ format: 'uuid' }) triageDecisionId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'uuid' }) screeningId: string;
  @ApiProperty({ enum: TRIAGE_DECISIONS }) decision: TriageDecisionCode;
  @ApiProperty({ enum: TRIAGE_REASONS, isArray: true }) reasons: TriageReason[];
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) decidedAt: string;
  @ApiProperty() decidedBy: string;
}

export class TriageRecorded {
  @ApiProperty() triage: TriageDecisionRecord;
  @ApiProperty({ example: 'TRIAGED' }) caseStatus: CaseStatus;
  @ApiProperty() caseVersion: number;
}
