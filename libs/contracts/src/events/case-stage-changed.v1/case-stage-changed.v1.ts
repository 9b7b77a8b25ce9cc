import { IsIn, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';

/**
 * `intake.case.stage-changed.v1`: the case moved in one of its two state machines — the S-TAC
 * lifecycle (`STATUS`) or the criminal-justice stage (`CJ_STAGE`; arrest, bail, charge, release
 * trigger risk re-assessment and Victims' Code updates). Codes only, never the reason's text.
 */
export class CaseStageChangedV1 {
  static readonly subject = 'intake.case.stage-changed.v1';
  static readonly eventType = 'intake.case.stage-changed';
  static readonly version = 1;

  @IsIn(['STATUS', 'CJ_STAGE'])
  machine: 'STATUS' | 'CJ_STAGE';

  @IsString()
  @Matches(/^[A-Z_]{2,30}$/)
  from: string;

  @IsString()
  @Matches(/^[A-Z_]{2,30}$/)
  to: string;

  @IsISO8601({ strict: true })
  changedAt: string;

  /** BAILED: when the suspect answers bail (Victims' Code updates and risk review key off it). Additive in v1. */
  @IsOptional()
  @IsISO8601({ strict: true })
  bailReturnAt?: string;

  /** Set when the change came from an event (e.g. a breach) rather than a person. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z_]{2,40}$/)
  trigger?: string;
}
