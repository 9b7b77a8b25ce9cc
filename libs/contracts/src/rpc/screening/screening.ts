import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsString, IsUUID, Length, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { HARASSMENT_CLASSES, OFFENCE_CLASSES, type CaseStatus, type OffenceClass } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const SCREENING = {
  record: 'rpc.intake.screening.record',
  get: 'rpc.intake.screening.get',
} as const;

/** One element of the FOUR test: the screener's yes/no and why. */
export class FourTestAnswer {
  @ApiProperty({ example: true })
  @IsBoolean()
  answer: boolean;

  @ApiProperty({ example: 'Repeated messages about the victim\'s new partner over six weeks', maxLength: 1000 })
  @IsString()
  @Length(3, 1000)
  @IsPlainText()
  note: string;
}

/** D1 screening of a referred case: the FOUR test and the offence classification (domain.md §3 step 1). */
export class ScreeningSubmission {
  @ApiProperty({ type: FourTestAnswer }) @IsDefined() @ValidateNested() @Type(() => FourTestAnswer) fixated: FourTestAnswer;
  @ApiProperty({ type: FourTestAnswer }) @IsDefined() @ValidateNested() @Type(() => FourTestAnswer) obsessive: FourTestAnswer;
  @ApiProperty({ type: FourTestAnswer }) @IsDefined() @ValidateNested() @Type(() => FourTestAnswer) unwanted: FourTestAnswer;
  @ApiProperty({ type: FourTestAnswer }) @IsDefined() @ValidateNested() @Type(() => FourTestAnswer) repeated: FourTestAnswer;

  @ApiProperty({ enum: OFFENCE_CLASSES, description: 'The classification after screening (s2A / s4A stalking or s2 / s4 harassment)' })
  @IsIn(OFFENCE_CLASSES)
  offenceClass: OffenceClass;

  @ApiPropertyOptional({ description: 'Required when classified as harassment (S2/S4): why this is not stalking (CPS/NPCC protocol).' })
  @ValidateIf((s: ScreeningSubmission) => HARASSMENT_CLASSES.includes(s.offenceClass) || s.notStalkingRationale !== undefined)
  @IsDefined({ message: 'notStalkingRationale is required when the offence is classified as harassment' })
  @IsString()
  @Length(10, 2000)
  @IsPlainText()
  notStalkingRationale?: string;
}

export class RecordScreeningCommand extends ScreeningSubmission {
  @IsUUID()
  caseId: string;
}

export class CaseQuery {
  @IsUUID()
  caseId: string;
}

export class ScreeningRecord {
  @ApiProperty({ format: 'uuid' }) screeningId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() fixated: FourTestAnswer;
  @ApiProperty() obsessive: FourTestAnswer;
  @ApiProperty() unwanted: FourTestAnswer;
  @ApiProperty() repeated: FourTestAnswer;
  @ApiProperty({ description: 'All four elements answered yes' }) fourTestMet: boolean;
  @ApiProperty({ enum: OFFENCE_CLASSES }) offenceClass: OffenceClass;
  @ApiPropertyOptional({ nullable: true }) notStalkingRationale: string | null;
  @ApiProperty({ format: 'date-time' }) screenedAt: string;
  @ApiProperty() screenedBy: string;
}

export class ScreeningClockView {
  @ApiProperty({ format: 'date-time' }) startedAt: string;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'When advice was issued (the clock stops)' })
  stoppedAt: string | null;
  @ApiProperty() targetWorkingDays: number;
  @ApiProperty({ description: 'Running and past its due time' }) overdue: boolean;
  @ApiPropertyOptional({ nullable: true, description: 'Whether advice went out within the target (set once stopped)' })
  metTarget: boolean | null;
}

export class ScreeningRecorded {
  @ApiProperty() screening: ScreeningRecord;
  @ApiProperty({ example: 'SCREENING' }) caseStatus: CaseStatus;
  @ApiProperty() caseVersion: number;
}

export class ScreeningView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() caseStatus: CaseStatus;
  @ApiProperty() caseVersion: number;
  @ApiPropertyOptional({ type: ScreeningClockView, nullable: true }) clock: ScreeningClockView | null;
  @ApiProperty({ type: ScreeningRecord, isArray: true }) screenings: ScreeningRecord[];
  @ApiProperty({ isArray: true, description: 'Triage decisions, newest last' }) triageDecisions: unknown[];
}

/** Screening target in working days (design choice: 1), overridable per deployment. */
export class ScreeningTargetSetting {
  @IsInt()
  @Min(1)
  @Max(10)
  workingDays: number;
}
