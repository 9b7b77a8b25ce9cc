import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { RISK_LEVELS, type RiskLevel } from '@stac/domain';

/** `risk.level.changed.v1`: the case's shared risk level changed (or was first set: previousLevel absent). */
export class RiskLevelChangedV1 {
  static readonly subject = 'risk.level.changed.v1';
  static readonly eventType = 'risk.level.changed';
  static readonly version = 1;

  @IsOptional()
  @IsIn(RISK_LEVELS)
  previousLevel?: RiskLevel;

  @IsIn(RISK_LEVELS)
  level: RiskLevel;

  /** The assessment whose judgement set the level. */
  @IsUUID()
  assessmentId: string;

  @IsISO8601({ strict: true })
  changedAt: string;
}
