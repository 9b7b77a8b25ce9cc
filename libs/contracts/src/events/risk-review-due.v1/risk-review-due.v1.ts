import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { AGENCIES, RISK_LEVELS, type Agency, type RiskLevel } from '@stac/domain';

/** `risk.review.due.v1`: a current assessment reached its review date (emitted once per due date by the review scan). */
export class RiskReviewDueV1 {
  static readonly subject = 'risk.review.due.v1';
  static readonly eventType = 'risk.review.due';
  static readonly version = 1;

  @IsUUID()
  assessmentId: string;

  @IsIn(RISK_LEVELS)
  level: RiskLevel;

  @IsISO8601({ strict: true })
  dueAt: string;

  /** The agency whose assessment it is and who must review it. */
  @IsIn(AGENCIES)
  ownerAgency: Agency;
}
