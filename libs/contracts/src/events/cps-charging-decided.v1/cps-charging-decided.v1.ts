import { IsIn, IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { CHARGING_DECISIONS, type ChargingDecision } from '@stac/domain';

/**
 * `intake.cps.charging-decided.v1`: the CPS charging decision (D10). The stage move it causes is
 * published separately as `intake.case.stage-changed.v1`. Thin: codes and dates, never the reason.
 */
export class CpsChargingDecidedV1 {
  static readonly subject = 'intake.cps.charging-decided.v1';
  static readonly eventType = 'intake.cps.charging-decided';
  static readonly version = 1;

  @IsUUID()
  decisionId: string;

  @IsIn(CHARGING_DECISIONS)
  decision: ChargingDecision;

  @IsISO8601({ strict: true })
  decidedAt: string;

  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  reviewDate?: string;
}
