import { IsIn, IsISO8601, IsUUID } from 'class-validator';

/**
 * `intake.person.check-requested.v1` (domain.md §5 `person.check-requested`): a person of concern was named
 * on an existing case (added, or a role changed to person of concern), so the partner agencies check them
 * too. The referral's own person of concern travels on `intake.case.referred.v1` instead.
 */
export class PersonCheckRequestedV1 {
  static readonly subject = 'intake.person.check-requested.v1';
  static readonly eventType = 'intake.person.check-requested';
  static readonly version = 1;

  /** The platform's pseudonymous id of the person. */
  @IsUUID()
  personId: string;

  @IsIn(['PERSON_OF_CONCERN'])
  role: 'PERSON_OF_CONCERN';

  @IsISO8601({ strict: true })
  requestedAt: string;
}
