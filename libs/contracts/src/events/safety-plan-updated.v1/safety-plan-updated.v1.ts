import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Min } from 'class-validator';
import { SAFETY_PLAN_STATUSES, type SafetyPlanStatus } from '@stac/domain';

/** `advocacy.safety-plan.updated.v1`: a safety plan changed status or version. Never its measures. */
export class SafetyPlanUpdatedV1 {
  static readonly subject = 'advocacy.safety-plan.updated.v1';
  static readonly eventType = 'advocacy.safety-plan.updated';
  static readonly version = 1;

  @IsUUID()
  planId: string;

  @IsIn(SAFETY_PLAN_STATUSES)
  status: SafetyPlanStatus;

  @IsInt()
  @Min(1)
  planVersion: number;

  @IsOptional()
  @IsISO8601({ strict: true })
  reviewDueAt?: string;

  @IsISO8601({ strict: true })
  updatedAt: string;
}
