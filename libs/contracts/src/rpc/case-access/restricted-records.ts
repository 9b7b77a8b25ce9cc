import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Min, ValidateIf } from 'class-validator';
import { AGENCIES, FIELD_GROUPS, RESTRICTING_FLAGS, type Agency, type FieldGroup, type RestrictionKind } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const RESTRICTED_RECORDS = {
  get: 'rpc.intake.case-access.restriction.get',
  set: 'rpc.intake.case-access.restriction.set',
  name: 'rpc.intake.case-access.restriction.name',
  endNaming: 'rpc.intake.case-access.restriction.end-naming',
} as const;

export const FIELD_GROUP_GRANTS = {
  grant: 'rpc.intake.case-access.field-group.grant',
  revoke: 'rpc.intake.case-access.field-group.revoke',
  list: 'rpc.intake.case-access.field-group.list',
} as const;

const ISSUER = /^https:\/\/[^\s]{1,200}$/;
const SUBJECT = /^[\w.@:-]{1,128}$/;

// --- restricted records ---

export class RestrictionQuery {
  @IsUUID()
  caseId: string;
}

/** What restricts the case to the people named on it; an empty list lifts the restriction. */
export class RestrictionSubmission {
  @ApiProperty({
    enum: RESTRICTING_FLAGS,
    isArray: true,
    example: ['STAFF_LINKED'],
    description: 'STAFF_LINKED (a police officer or member of an agency\'s staff is involved), PUBLIC_FIGURE; [] lifts the restriction',
  })
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(RESTRICTING_FLAGS.length)
  @IsIn(RESTRICTING_FLAGS, { each: true })
  kinds: RestrictionKind[];

  @ApiProperty({ minLength: 10, maxLength: 500, description: 'Why (kept in the access log of intake)' })
  @IsString()
  @Length(10, 500)
  @IsPlainText()
  reason: string;
}

export class RestrictionCommand extends RestrictionSubmission {
  @IsUUID()
  caseId: string;

  /** The restriction's version (If-Match); 0 for a case never restricted. */
  @IsInt()
  @Min(0)
  version: number;
}

/** Name a user on a restricted case: they see it (with their relationship to it); nobody else does. */
export class NamedPersonSubmission {
  @ApiProperty({ example: 'https://idp.example/police', description: "The user's token issuer" })
  @IsString()
  @Matches(ISSUER)
  issuer: string;

  @ApiProperty({ example: 'officer-4411', description: "The user's subject at that issuer" })
  @IsString()
  @Matches(SUBJECT)
  subject: string;

  @ApiProperty({ minLength: 10, maxLength: 500, description: 'Why this person needs to see the case (kept in the access log of intake)' })
  @IsString()
  @Length(10, 500)
  @IsPlainText()
  reason: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'When the naming ends by itself; open-ended when absent' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  validTo?: string;
}

export class NamedPersonCommand extends NamedPersonSubmission {
  @IsUUID()
  caseId: string;
}

export class EndNamingRequest {
  @IsUUID()
  caseId: string;

  @IsUUID()
  grantId: string;
}

export class NamedPersonView {
  @ApiProperty({ format: 'uuid' }) grantId: string;
  @ApiProperty() issuer: string;
  @ApiProperty() subject: string;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validTo: string | null;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
  @ApiProperty({ description: 'issuer#subject of the lead who named them' }) namedBy: string;
  @ApiProperty({ type: String, nullable: true, description: 'issuer#subject of who ended the naming' }) endedBy: string | null;
  @ApiProperty({ description: 'Named now' }) inForce: boolean;
}

export class RestrictionView {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ description: 'Visible only to the people named on it' }) restricted: boolean;
  @ApiProperty({ enum: RESTRICTING_FLAGS, isArray: true }) kinds: RestrictionKind[];
  @ApiProperty({ type: NamedPersonView, isArray: true, description: 'Every naming, ended ones included, oldest first' }) named: NamedPersonView[];
  @ApiProperty({ description: "The restriction's version (ETag)" }) version: number;
}

export class NamingEnded {
  @ApiProperty() ended: true;
}

// --- field-group grants ---

export class FieldGroupGrantSubmission {
  @ApiProperty({ enum: FIELD_GROUPS, example: 'victim.location' })
  @IsIn(FIELD_GROUPS)
  fieldGroup: FieldGroup;

  @ApiProperty({ enum: AGENCIES, description: "The holder's agency: its team on the case, or the named user of it" })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiPropertyOptional({ description: 'A named user of that agency; the agency\'s team on the case when absent' })
  @IsOptional()
  @IsString()
  @Matches(SUBJECT)
  subject?: string;

  @ApiPropertyOptional({ example: 'https://idp.example/probation', description: "The named user's token issuer: required with `subject` (a grant is the user's issuer and subject, AC-16)" })
  @ValidateIf((o: { subject?: string; issuer?: string }) => o.subject !== undefined || o.issuer !== undefined)
  @IsString({ message: 'issuer is required with subject' })
  @Matches(ISSUER)
  issuer?: string;

  @ApiProperty({ minLength: 10, maxLength: 500, description: 'Why (kept with the grant and in the access log)' })
  @IsString()
  @Length(10, 500)
  @IsPlainText()
  reason: string;

  @ApiProperty({ format: 'date-time', description: 'When the grant ends by itself: in the future, at most a year ahead' })
  @IsISO8601({ strict: true, strictSeparator: true })
  validTo: string;
}

export class FieldGroupGrantCommand extends FieldGroupGrantSubmission {
  @IsUUID()
  caseId: string;
}

export class FieldGroupRevocationSubmission {
  @ApiProperty({ minLength: 10, maxLength: 500 })
  @IsString()
  @Length(10, 500)
  @IsPlainText()
  reason: string;
}

export class FieldGroupRevocationCommand extends FieldGroupRevocationSubmission {
  @IsUUID()
  caseId: string;

  @IsUUID()
  grantId: string;
}

export class FieldGroupGrantsQuery {
  @IsUUID()
  caseId: string;
}

export class FieldGroupGrantView {
  @ApiProperty({ format: 'uuid' }) grantId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: FIELD_GROUPS }) fieldGroup: string;
  @ApiProperty({ enum: AGENCIES }) agency: string;
  @ApiProperty({ type: String, nullable: true, description: "Null: the agency's team on the case" }) subject: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The named user's token issuer; null for the agency's team" }) issuer: string | null;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'date-time' }) validFrom: string;
  @ApiProperty({ format: 'date-time' }) validTo: string;
  @ApiProperty({ description: 'issuer#subject of the lead who granted it' }) grantedBy: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) revokedReason: string | null;
  @ApiProperty({ enum: ['IN_FORCE', 'REVOKED', 'ENDED'] }) status: 'IN_FORCE' | 'REVOKED' | 'ENDED';
}

export class FieldGroupGrantList {
  @ApiProperty({ type: FieldGroupGrantView, isArray: true, description: 'Newest first, revoked and ended ones included' })
  grants: FieldGroupGrantView[];
}
