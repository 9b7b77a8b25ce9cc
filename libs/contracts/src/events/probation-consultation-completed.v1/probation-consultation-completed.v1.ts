import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsUUID } from 'class-validator';
import {
  LICENCE_CONDITION_TYPES,
  PROBATION_CONSULTATION_KINDS,
  PROBATION_RECOMMENDATION_CODES,
  type LicenceConditionType,
  type ProbationConsultationKind,
  type ProbationRecommendationCode,
} from '@stac/domain';

/**
 * `probation.consultation.completed.v1`: probation's consultation on a complex case (D12). Thin: the kind,
 * recommendation codes and licence-condition types; never a summary or an exclusion zone's geography.
 */
export class ProbationConsultationCompletedV1 {
  static readonly subject = 'probation.consultation.completed.v1';
  static readonly eventType = 'probation.consultation.completed';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsIn(PROBATION_CONSULTATION_KINDS)
  kind: ProbationConsultationKind;

  @IsArray()
  @ArrayMaxSize(PROBATION_RECOMMENDATION_CODES.length)
  @IsIn(PROBATION_RECOMMENDATION_CODES, { each: true })
  recommendationCodes: ProbationRecommendationCode[];

  @IsArray()
  @ArrayMaxSize(10)
  @IsIn(LICENCE_CONDITION_TYPES, { each: true })
  licenceConditionTypes: LicenceConditionType[];

  @IsISO8601({ strict: true })
  completedAt: string;
}
