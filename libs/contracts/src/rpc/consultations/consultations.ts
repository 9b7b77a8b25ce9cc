import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  AGENCIES,
  CONSULTATION_ACTION_STATUSES,
  CONSULTATION_CANCELLATION_REASONS,
  CONSULTATION_CHANGES,
  CONSULTATION_DECISIONS,
  CONSULTATION_RESCHEDULE_REASONS,
  CONSULTATION_STATUSES,
  type Agency,
  type ConsultationActionStatus,
  type ConsultationCancellationReason,
  type ConsultationChange,
  type ConsultationDecisionCode,
  type ConsultationRescheduleReason,
  type ConsultationStatus,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const CONSULTATIONS = {
  schedule: 'rpc.intake.consultation.schedule',
  list: 'rpc.intake.consultation.list',
  recordDecision: 'rpc.intake.consultation.decision.record',
  assignAction: 'rpc.intake.consultation.action.assign',
  completeAction: 'rpc.intake.consultation.action.complete',
  cancel: 'rpc.intake.consultation.cancel',
  reschedule: 'rpc.intake.consultation.reschedule',
} as const;

const ISO = { strict: true, strictSeparator: true } as const;

/** A panel member: an agency's team, or a named user of it (token subject). */
export class PanelMember {
  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiPropertyOptional({ description: "A named attendee's user id (token subject); absent = the agency's team" })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9@._:-]{2,100}$/, { message: 'subject must be 2-100 letters, digits or @._:-' })
  subject?: string;

  @ApiPropertyOptional({ example: 'https://idp.example/mental-health', description: "A named attendee's token issuer: required with `subject` (a seat is the user's issuer and subject, AC-16)" })
  @ValidateIf((o: { subject?: string; issuer?: string }) => o.subject !== undefined || o.issuer !== undefined)
  @IsString({ message: 'issuer is required with subject' })
  @Matches(/^https:\/\/\S{1,200}$/, { message: 'issuer must be an https URL' })
  issuer?: string;
}

export class ScheduleConsultationSubmission {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  scheduledFor: string;

  @ApiProperty({ type: PanelMember, isArray: true, description: 'Attending agencies; each gets a CONSULTATION_PANEL relationship to the case' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => PanelMember)
  panel: PanelMember[];
}

export class ScheduleConsultationCommand extends ScheduleConsultationSubmission {
  @IsUUID() caseId: string;
}

export class ConsultationDecisionSubmission {
  @ApiProperty({ enum: CONSULTATION_DECISIONS })
  @IsIn(CONSULTATION_DECISIONS)
  code: ConsultationDecisionCode;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  @IsPlainText()
  note?: string;
}

export class RecordConsultationDecisionCommand extends ConsultationDecisionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() consultationId: string;
}

export class ConsultationActionSubmission {
  @ApiProperty({ maxLength: 500, example: 'Probation to check licence conditions and report back' })
  @IsString()
  @Length(3, 500)
  @IsPlainText()
  description: string;

  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  ownerAgency: Agency;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601(ISO)
  dueAt: string;
}

export class AssignConsultationActionCommand extends ConsultationActionSubmission {
  @IsUUID() caseId: string;
  @IsUUID() consultationId: string;
}

export class CompleteConsultationActionCommand {
  @IsUUID() caseId: string;
  @IsUUID() actionId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

/** A free-text note beside a coded reason: required when the reason is OTHER (decisions are recorded with reasons). */
function ReasonNote(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ maxLength: 2000, description: 'Required when the reason is OTHER; kept in intake, never in an event' })(target, key);
    ValidateIf((o: { reason?: string; note?: unknown }) => o.reason === 'OTHER' || o.note !== undefined)(target, key);
    IsDefined({ message: 'note is required when the reason is OTHER' })(target, key);
    IsString()(target, key);
    Length(1, 2000)(target, key);
    IsPlainText()(target, key);
  };
}

export class CancelConsultationSubmission {
  @ApiProperty({ enum: CONSULTATION_CANCELLATION_REASONS })
  @IsIn(CONSULTATION_CANCELLATION_REASONS)
  reason: ConsultationCancellationReason;

  @ReasonNote()
  note?: string;
}

export class CancelConsultationCommand extends CancelConsultationSubmission {
  @IsUUID() caseId: string;
  @IsUUID() consultationId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

export class RescheduleConsultationSubmission {
  @ApiProperty({ format: 'date-time', description: 'The new date and time' })
  @IsISO8601(ISO)
  scheduledFor: string;

  @ApiProperty({ enum: CONSULTATION_RESCHEDULE_REASONS })
  @IsIn(CONSULTATION_RESCHEDULE_REASONS)
  reason: ConsultationRescheduleReason;

  @ReasonNote()
  note?: string;
}

export class RescheduleConsultationCommand extends RescheduleConsultationSubmission {
  @IsUUID() caseId: string;
  @IsUUID() consultationId: string;
  @IsInt() @Min(1) expectedVersion: number;
}

/** One change in a consultation's history: scheduled, rescheduled, held or cancelled, with its coded reason. */
export class ConsultationChangeView {
  @ApiProperty({ enum: CONSULTATION_CHANGES }) change: ConsultationChange;
  @ApiPropertyOptional({ enum: CONSULTATION_STATUSES, nullable: true }) from: ConsultationStatus | null;
  @ApiProperty({ enum: CONSULTATION_STATUSES }) to: ConsultationStatus;
  @ApiProperty({ format: 'date-time', description: 'The date of the meeting after this change' }) scheduledFor: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, description: 'RESCHEDULED: the date it moved from' }) previousScheduledFor: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'A cancellation or reschedule reason code' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) at: string;
}

export class ConsultationDecisionView {
  @ApiProperty({ format: 'uuid' }) decisionId: string;
  @ApiProperty({ enum: CONSULTATION_DECISIONS }) code: ConsultationDecisionCode;
  @ApiPropertyOptional({ nullable: true }) note: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
}

export class ConsultationActionView {
  @ApiProperty({ format: 'uuid' }) actionId: string;
  @ApiProperty({ format: 'uuid' }) consultationId: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: AGENCIES }) ownerAgency: Agency;
  @ApiProperty({ format: 'date-time' }) dueAt: string;
  @ApiProperty({ enum: CONSULTATION_ACTION_STATUSES }) status: ConsultationActionStatus;
  @ApiPropertyOptional({ nullable: true, format: 'date-time' }) completedAt: string | null;
  @ApiProperty() overdue: boolean;
  @ApiProperty() version: number;
}

export class ConsultationView {
  @ApiProperty({ format: 'uuid' }) consultationId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ format: 'date-time' }) scheduledFor: string;
  @ApiProperty({ enum: CONSULTATION_STATUSES }) status: ConsultationStatus;
  @ApiProperty({ type: PanelMember, isArray: true }) panel: PanelMember[];
  @ApiProperty({ type: ConsultationDecisionView, isArray: true }) decisions: ConsultationDecisionView[];
  @ApiProperty({ type: ConsultationActionView, isArray: true }) actions: ConsultationActionView[];
  @ApiProperty({ type: ConsultationChangeView, isArray: true, description: 'Scheduled, rescheduled, held, cancelled: oldest first' })
  history: ConsultationChangeView[];
  @ApiProperty({ description: 'ETag for reschedule and cancellation (If-Match)' }) version: number;
}
