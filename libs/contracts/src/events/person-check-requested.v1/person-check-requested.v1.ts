import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';

/** Why a check is asked for: a person of concern added, a role changed to it, or a person of concern recorded unknown now named. */
export const PERSON_CHECK_TRIGGERS = ['ADDED', 'ROLE_CHANGED', 'IDENTIFIED'] as const;
export type PersonCheckTrigger = (typeof PERSON_CHECK_TRIGGERS)[number];

/**
 * `intake.person.check-requested.v1` (domain.md §5 `person.check-requested`): a person of concern was named
 * on an existing case (added, or a role changed to person of concern), or a person of concern recorded with
 * identity unknown was named (`trigger: IDENTIFIED`), so the partner agencies check them (again). The
 * referral's own person of concern travels on `intake.case.referred.v1` instead.
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

  /** Absent in events written before it was added (read as ADDED or ROLE_CHANGED: a person newly of concern). */
  @IsOptional()
  @IsIn(PERSON_CHECK_TRIGGERS)
  trigger?: PersonCheckTrigger;
}
