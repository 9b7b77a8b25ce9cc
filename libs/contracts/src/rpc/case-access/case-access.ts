import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const GRANT_CASE_RELATIONSHIP = 'rpc.intake.case-access.grant';
export const END_CASE_RELATIONSHIP = 'rpc.intake.case-access.end';
export const EXCLUDE_FROM_CASE = 'rpc.intake.case-access.exclude';
export const OPEN_BREAK_GLASS = 'rpc.intake.case-access.break-glass';

/** Assign a named user, or add one to the consultation panel (AC-02). */
export class RelationshipGrantRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ enum: ['ASSIGNMENT', 'CONSULTATION_PANEL'] })
  @IsIn(['ASSIGNMENT', 'CONSULTATION_PANEL'])
  kind: 'ASSIGNMENT' | 'CONSULTATION_PANEL';

  @ApiProperty({ enum: AGENCIES })
  @IsIn(AGENCIES)
  agency: Agency;

  @ApiProperty({ description: "The user's subject at their agency's identity provider" })
  @IsString()
  @Matches(/^[\w.@:-]{1,128}$/)
  subject: string;

  @ApiProperty({ example: 'https://idp.example/police', description: "The user's token issuer: a relationship is the user's (issuer, subject) (AC-16)" })
  @IsString()
  @Matches(/^https:\/\/[^\s]{1,200}$/)
  issuer: string;
}

export class RelationshipEndRequest {
  @IsUUID()
  caseId: string;
  @IsUUID()
  relationshipId: string;
}

/** Conflict of interest: the user may not see the case whatever else they hold (AC-07). */
export class ExclusionRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ description: "The excluded user's token issuer" })
  @IsString()
  @Matches(/^https:\/\/[^\s]{1,200}$/)
  issuer: string;

  @ApiProperty()
  @IsString()
  @Matches(/^[\w.@:-]{1,128}$/)
  subject: string;
}

/** Emergency, time-boxed, read-only access with a written justification (AC-06). */
export class BreakGlassRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  caseId: string;

  @ApiProperty({ minLength: 20, maxLength: 1000, description: 'Why this access is needed now' })
  @IsString()
  @Length(20, 1000)
  @IsPlainText()
  justification: string;
}

export class RelationshipGranted {
  @ApiProperty({ format: 'uuid' }) relationshipId: string;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) validTo: string | null;
}

export class RelationshipEnded {
  @ApiProperty() ended: true;
}

export class ExclusionRecorded {
  @ApiProperty({ format: 'uuid' }) exclusionId: string;
}
