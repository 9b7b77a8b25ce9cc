import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { CONSULTATION_CANCELLATION_REASONS, type ConsultationCancellationReason } from '@stac/domain';

/**
 * `intake.consultation.cancelled.v1`: a scheduled consultation was called off, with its coded reason (the
 * note stays in intake). Its panel seats ended with it. Consumers: risk-assessment ends the seats it gave.
 */
export class ConsultationCancelledV1 {
  static readonly subject = 'intake.consultation.cancelled.v1';
  static readonly eventType = 'intake.consultation.cancelled';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsIn(CONSULTATION_CANCELLATION_REASONS)
  reason: ConsultationCancellationReason;

  @IsISO8601({ strict: true })
  cancelledAt: string;
}
