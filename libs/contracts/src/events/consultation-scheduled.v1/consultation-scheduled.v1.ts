import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/** `intake.consultation.scheduled.v1`: a multi-agency consultation was scheduled; the agencies on its panel. */
export class ConsultationScheduledV1 {
  static readonly subject = 'intake.consultation.scheduled.v1';
  static readonly eventType = 'intake.consultation.scheduled';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsISO8601({ strict: true })
  scheduledFor: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGENCIES.length)
  @ArrayUnique()
  @IsIn(AGENCIES, { each: true })
  agencies: Agency[];
}
