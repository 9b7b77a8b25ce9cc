import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { CONSULTATION_RESCHEDULE_REASONS, type ConsultationRescheduleReason } from '@stac/domain';

/**
 * `intake.consultation.rescheduled.v1`: a scheduled consultation moved to another date, with its coded
 * reason (the note stays in intake). The panel keeps its seats.
 */
export class ConsultationRescheduledV1 {
  static readonly subject = 'intake.consultation.rescheduled.v1';
  static readonly eventType = 'intake.consultation.rescheduled';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsISO8601({ strict: true })
  scheduledFor: string;

  @IsISO8601({ strict: true })
  previousScheduledFor: string;

  @IsIn(CONSULTATION_RESCHEDULE_REASONS)
  reason: ConsultationRescheduleReason;
}
