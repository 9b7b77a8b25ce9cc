import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { KNOWN_TO_SERVICE_ANSWERS, type KnownToServiceAnswer } from '@stac/domain';

/**
 * `mental-health.check.answered.v1` (domain.md §5 `mh.check-answered`): the trust answered whether the
 * person of concern is known to its services. Thin: the answer code and whether a contact route is on
 * record; the route itself is read from the trust's case part, and nothing clinical ever travels.
 */
export class MhCheckAnsweredV1 {
  static readonly subject = 'mental-health.check.answered.v1';
  static readonly eventType = 'mental-health.check.answered';
  static readonly version = 1;

  @IsUUID()
  checkId: string;

  /** The platform's pseudonymous id of the person of concern. */
  @IsUUID()
  personId: string;

  @IsIn(KNOWN_TO_SERVICE_ANSWERS)
  answer: KnownToServiceAnswer;

  @IsBoolean()
  contactRouteAvailable: boolean;

  @IsISO8601({ strict: true })
  answeredAt: string;
}
