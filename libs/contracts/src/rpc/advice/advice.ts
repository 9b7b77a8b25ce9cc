import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
} from 'class-validator';
import {
  ADVICE_ITEM_CODES,
  ADVICE_ITEM_STATUSES,
  ADVICE_RESOLUTIONS,
  ADVICE_STATUSES,
  type AdviceItemCode,
  type AdviceItemStatus,
  type AdviceResolution,
  type AdviceStatus,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const ADVICE = {
  issue: 'rpc.intake.advice.issue',
  get: 'rpc.intake.advice.get',
  acknowledge: 'rpc.intake.advice.acknowledge',
  resolveItem: 'rpc.intake.advice.item.resolve',
} as const;

/** H3: the advice document to the case officer. Items default to every checklist item that applies. */
export class AdviceIssueSubmission {
  @ApiPropertyOptional({ enum: ADVICE_ITEM_CODES, isArray: true, description: 'Defaults to the applicable checklist' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ADVICE_ITEM_CODES.length)
  @ArrayUnique()
  @IsIn(ADVICE_ITEM_CODES, { each: true })
  items?: AdviceItemCode[];

  @ApiPropertyOptional({ example: 'PC-4411', description: 'The case officer the advice is addressed to (defaults to the case\'s)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,20}$/, { message: 'caseOfficer must be 2-20 letters, digits or -' })
  caseOfficer?: string;

  @ApiPropertyOptional({ maxLength: 4000, description: 'Case-specific advice beyond the checklist wording' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  @IsPlainText()
  note?: string;
}

export class IssueAdviceCommand extends AdviceIssueSubmission {
  @IsUUID()
  caseId: string;
}

export class AcknowledgeAdviceCommand {
  @IsUUID() caseId: string;
  @IsUUID() adviceId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class AdviceItemResolution {
  @ApiProperty({ enum: ADVICE_RESOLUTIONS })
  @IsIn(ADVICE_RESOLUTIONS)
  resolution: AdviceResolution;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Required when DECLINED, and for CONSIDER_SPO either way' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  rationale?: string;

  @ApiPropertyOptional({ description: "BAIL_WITH_CONDITIONS_NOT_RUI: the victim's views were sought" })
  @IsOptional()
  @IsBoolean()
  victimViewsSought?: boolean;
}

export class ResolveAdviceItemCommand extends AdviceItemResolution {
  @IsUUID() caseId: string;
  @IsUUID() itemId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class AdviceItemView {
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty({ enum: ADVICE_ITEM_CODES }) code: AdviceItemCode;
  @ApiProperty() guidance: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ enum: ADVICE_ITEM_STATUSES }) status: AdviceItemStatus;
  @ApiPropertyOptional({ nullable: true }) rationale: string | null;
  @ApiPropertyOptional({ nullable: true }) victimViewsSought: boolean | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) resolvedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) resolvedBy: string | null;
  @ApiProperty({ description: 'Open and past its due date' }) overdue: boolean;
  @ApiProperty() version: number;
}

export class AdviceDocument {
  @ApiProperty({ format: 'uuid' }) adviceId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ description: 'Issue number of the advice on this case (1, 2, ... when re-issued)' }) documentVersion: number;
  @ApiProperty({ example: '2026.1' }) checklistVersion: string;
  @ApiProperty({ enum: ADVICE_STATUSES }) status: AdviceStatus;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty() issuedBy: string;
  @ApiPropertyOptional({ nullable: true }) caseOfficer: string | null;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiPropertyOptional({ nullable: true }) acknowledgedBy: string | null;
  @ApiProperty({ type: AdviceItemView, isArray: true }) items: AdviceItemView[];
  @ApiProperty() version: number;
}
