import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/** `intake.consultation.action-completed.v1`: the owning agency completed a consultation action. */
export class ConsultationActionCompletedV1 {
  static readonly subject = 'intake.consultation.action-completed.v1';
  static readonly eventType = 'intake.consultation.action-completed';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsUUID()
  actionId: string;

  @IsIn(AGENCIES)
  ownerAgency: Agency;

  @IsISO8601({ strict: true })
  completedAt: string;

  @IsBoolean()
  overdue: boolean;
}
