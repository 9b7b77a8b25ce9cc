import { Matches } from 'class-validator';

/**
 * `probation.offender.released.v1`: the person of concern is released from custody today (published on the
 * release day by probation's scheduler). Consumers: risk-assessment opens a RELEASE re-assessment; advocacy
 * reviews the victim's safety plan. Thin: the date only.
 */
export class OffenderReleasedV1 {
  static readonly subject = 'probation.offender.released.v1';
  static readonly eventType = 'probation.offender.released';
  static readonly version = 1;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  releaseDate: string;
}
