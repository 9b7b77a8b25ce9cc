import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, ValidateNested } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/** A relationship that names one user (issuer and subject), in force when announced. */
export class AnnouncedRelationshipV1 {
  @IsUUID()
  relationshipId: string;

  @IsIn(['ASSIGNMENT', 'CONSULTATION_PANEL', 'BREAK_GLASS'])
  kind: 'ASSIGNMENT' | 'CONSULTATION_PANEL' | 'BREAK_GLASS';

  @IsIn(AGENCIES)
  agency: Agency;

  /** The user's token issuer. */
  @IsString()
  @Matches(/^\S{1,200}$/)
  issuer: string;

  /** The user's subject at that issuer. */
  @IsString()
  @Matches(/^\S{1,256}$/)
  subject: string;

  /** Break-glass is read-only (AC-06). */
  @IsBoolean()
  readOnly: boolean;

  @IsISO8601({ strict: true })
  validFrom: string;

  /** When it ends by itself (break-glass: 30 minutes after it opened); absent while open-ended. */
  @IsOptional()
  @IsISO8601({ strict: true })
  validTo?: string;
}

/** A user excluded from the case (conflict of interest, AC-07). */
export class AnnouncedExclusionV1 {
  @IsUUID()
  exclusionId: string;

  @IsString()
  @Matches(/^\S{1,200}$/)
  issuer: string;

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
 * `intake.case.access-changed.v1`: who may see a case user by user changed in intake — an assignment or a
 * panel seat granted or ended, an exclusion recorded, break-glass opened. Carries the whole state as it
 * now is (the named relationships and exclusions in force: ids, kinds, issuer and subject, dates; never a
 * name or a justification), so every service replaces its replica with it; the envelope's
 * `aggregateVersion` is the case's access version and a service applies only a newer one. Every service
 * that holds case data decides with it (AC-14): an excluded user gets its 404, break-glass reads there
 * read-only until it ends, an ended relationship is refused on the next request once handled (AC-12).
 */
export class CaseAccessChangedV1 {
  static readonly subject = 'intake.case.access-changed.v1';
  static readonly eventType = 'intake.case.access-changed';
  static readonly version = 1;

  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AnnouncedRelationshipV1)
  relationships: AnnouncedRelationshipV1[];

  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => AnnouncedExclusionV1)
  exclusions: AnnouncedExclusionV1[];

  @IsISO8601({ strict: true })
  changedAt: string;
}
