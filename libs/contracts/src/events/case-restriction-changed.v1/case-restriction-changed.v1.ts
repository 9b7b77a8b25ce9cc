import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { RESTRICTING_FLAGS, type RestrictionKind } from '@stac/domain';

/** A user named on a restricted case: the token issuer and subject that identify them, never a name. */
export class NamedAccessV1 {
  @IsUUID()
  grantId: string;

  /** A token issuer (a URL as configured in AUTH_ISSUERS). */
  @IsString()
  @Matches(/^\S{1,200}$/)
  issuer: string;

  /** The user's subject at that issuer. */
  @IsString()
  @Matches(/^\S{1,256}$/)
  subject: string;

  @IsISO8601({ strict: true })
  validFrom: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  validTo?: string;
}

/**
 * `intake.case.restriction-changed.v1`: a case's restriction to named people (staff-linked, public figure)
 * or the people named on it changed. Carries the whole state as it now is — what restricts the case and
 * who is named (issuer and subject only) — so every service replaces its replica with it; the envelope's
 * `aggregateVersion` is the restriction's version and a service applies only a newer one. Every service
 * that holds case data answers an unnamed caller 404 from its own replica (AC-14).
 */
export class CaseRestrictionChangedV1 {
  static readonly subject = 'intake.case.restriction-changed.v1';
  static readonly eventType = 'intake.case.restriction-changed';
  static readonly version = 1;

  @IsBoolean()
  restricted: boolean;

  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(RESTRICTING_FLAGS.length)
  @IsIn(RESTRICTING_FLAGS, { each: true })
  kinds: RestrictionKind[];

  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => NamedAccessV1)
  named: NamedAccessV1[];

  @IsISO8601({ strict: true })
  changedAt: string;
}
