import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { SUPERVISION_STATUSES, type SupervisionStatus } from '@stac/domain';

/**
 * `probation.check.answered.v1` (domain.md §5 `probation.check-answered`): probation answered whether the
 * person of concern is under supervision. Thin, the shape every partner check publishes: the status and
 * whether a contact route is on record; never the probation case reference or the route itself (read from
 * probation's case part).
 */
export class ProbationCheckAnsweredV1 {
  static readonly subject = 'probation.check.answered.v1';
  static readonly eventType = 'probation.check.answered';
  static readonly version = 1;

  @IsUUID()
  checkId: string;

  /** The platform's pseudonymous id of the person of concern. */
  @IsUUID()
  personId: string;

  @IsIn(SUPERVISION_STATUSES)
  answer: SupervisionStatus;

  @IsBoolean()
  contactRouteAvailable: boolean;

  @IsISO8601({ strict: true })
  answeredAt: string;
}
