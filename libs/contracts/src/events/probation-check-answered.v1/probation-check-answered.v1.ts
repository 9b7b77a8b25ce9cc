import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { PROBATION_CONTACT_ROUTES, SUPERVISION_STATUSES, type ProbationContactRoute, type SupervisionStatus } from '@stac/domain';

/**
 * `probation.check.answered.v1`: the supervision check is answered (H2). Thin: the status and the contact
 * route code only; never the probation case reference or the team's contact point.
 */
export class ProbationCheckAnsweredV1 {
  static readonly subject = 'probation.check.answered.v1';
  static readonly eventType = 'probation.check.answered';
  static readonly version = 1;

  @IsUUID()
  checkId: string;

  @IsIn(SUPERVISION_STATUSES)
  supervisionStatus: SupervisionStatus;

  @IsIn(PROBATION_CONTACT_ROUTES)
  contactRoute: ProbationContactRoute;

  @IsISO8601({ strict: true })
  answeredAt: string;
}
