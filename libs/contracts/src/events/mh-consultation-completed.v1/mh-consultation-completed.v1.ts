import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { MH_RECOMMENDATIONS, type MhRecommendation } from '@stac/domain';

/** `mental-health.consultation.completed.v1` (domain.md §5 `mh.consultation-completed`): the trust closed a consultation. */
export class MhConsultationCompletedV1 {
  static readonly subject = 'mental-health.consultation.completed.v1';
  static readonly eventType = 'mental-health.consultation.completed';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsOptional()
  @IsUUID()
  stacConsultationId?: string;

  @IsIn(MH_RECOMMENDATIONS)
  recommendation: MhRecommendation;

  @IsISO8601({ strict: true })
  completedAt: string;
}
