import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { MH_RECOMMENDATIONS, type MhRecommendation } from '@stac/domain';

/**
 * `mental-health.recommendation.made.v1` (domain.md §5 `mh.recommendation-made`): the trust shared its advice
 * on a consultation with a D6 route code. Thin: the code only; the shareable summary is read from the trust.
 */
export class MhRecommendationMadeV1 {
  static readonly subject = 'mental-health.recommendation.made.v1';
  static readonly eventType = 'mental-health.recommendation.made';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  /** Intake's multi-agency consultation the recommendation goes back to, when S-TAC named one. */
  @IsOptional()
  @IsUUID()
  stacConsultationId?: string;

  @IsIn(MH_RECOMMENDATIONS)
  recommendation: MhRecommendation;

  @IsISO8601({ strict: true })
  madeAt: string;
}
