import { Matches } from 'class-validator';

/**
 * `probation.licence.ended.v1`: the licence (and its conditions, exclusion zones included) ends today.
 * Consumers: risk-assessment opens a RELEASE re-assessment; advocacy reviews the safety plan. Thin: the date only.
 */
export class LicenceEndedV1 {
  static readonly subject = 'probation.licence.ended.v1';
  static readonly eventType = 'probation.licence.ended';
  static readonly version = 1;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  licenceEndDate: string;
}
