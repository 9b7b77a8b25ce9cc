import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/** `intake.consultation.action-assigned.v1`: an action from a consultation was given to an agency with a due date. */
export class ConsultationActionAssignedV1 {
  static readonly subject = 'intake.consultation.action-assigned.v1';
  static readonly eventType = 'intake.consultation.action-assigned';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsUUID()
  actionId: string;

  @IsIn(AGENCIES)
  ownerAgency: Agency;

  @IsISO8601({ strict: true })
  dueAt: string;
}
