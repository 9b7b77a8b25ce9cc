import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDateString,
  IsDefined,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ADVOCACY_REFERRAL_CHOICES,
  LAWFUL_OVERRIDE_BASES,
  type AdvocacyReferralChoice,
  type LawfulOverrideBasis,
  BEHAVIOUR_CODES,
  CASE_FLAGS,
  HARASSMENT_CLASSES,
  OFFENCE_CLASSES,
  REFERRAL_SOURCES,
  type BehaviourCode,
  type CaseFlag,
  type CaseStatus,
  type OffenceClass,
  type ReferralSource,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';

export const CREATE_REFERRAL = 'rpc.intake.referral.create';

export class PersonSubmission {
  @ApiPropertyOptional({ example: 'Alex', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsPlainText()
  givenName?: string;

  @ApiPropertyOptional({ example: 'Testperson', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsPlainText()
  familyName?: string;

  @ApiPropertyOptional({ example: '1990-04-01', format: 'date' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  dateOfBirth?: string;
}

export class PersonOfConcernSubmission extends PersonSubmission {
  /** Suspects are often unknown at first (domain.md §6.9). */
  @ApiProperty({ example: true })
  @IsBoolean()
  identityKnown: boolean;
}

export class IncidentSubmission {
  @ApiProperty({ example: '2026-11-20T18:30:00Z', format: 'date-time' })
  @IsISO8601({ strict: true, strictSeparator: true })
  occurredAt: string;

  @ApiProperty({ enum: BEHAVIOUR_CODES, isArray: true, example: ['FOLLOWING', 'LOITERING'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BEHAVIOUR_CODES.length)
  @ArrayUnique()
  @IsIn(BEHAVIOUR_CODES, { each: true })
  behaviours: BehaviourCode[];
}

/** A stalking crime referral to S-TAC (domain.md §3 step 1, H1). */
export class ReferralSubmission {
  @ApiProperty({ example: 'CR-01-2026-004512', description: 'Force crime reference' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9/-]{2,39}$/, { message: 'crimeReference must be 3-40 letters, digits, / or -' })
  crimeReference: string;

  @ApiProperty({ enum: REFERRAL_SOURCES })
  @IsIn(REFERRAL_SOURCES)
  source: ReferralSource;

  @ApiProperty({ enum: OFFENCE_CLASSES })
  @IsIn(OFFENCE_CLASSES)
  offenceClass: OffenceClass;

  @ApiPropertyOptional({ description: 'Required when recorded as harassment (S2/S4) rather than stalking.' })
  @ValidateIf((r: ReferralSubmission) => HARASSMENT_CLASSES.includes(r.offenceClass) || r.notStalkingRationale !== undefined)
  @IsDefined({ message: 'notStalkingRationale is required when the offence is recorded as harassment' })
  @IsString()
  @Length(10, 2000)
  @IsPlainText()
  notStalkingRationale?: string;

  @ApiProperty({ enum: CASE_FLAGS, isArray: true, example: ['DOMESTIC'] })
  @IsArray()
  @ArrayMaxSize(CASE_FLAGS.length)
  @ArrayUnique()
  @IsIn(CASE_FLAGS, { each: true })
  flags: CaseFlag[];

  @ApiProperty({ example: 'CE', description: 'Basic command unit' })
  @IsString()
  @Matches(/^[A-Z0-9]{2,10}$/, { message: 'bcu must be 2-10 upper-case letters or digits' })
  bcu: string;

  @ApiPropertyOptional({ example: 'PC-4411', description: 'Case officer staff or collar number' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,20}$/, { message: 'caseOfficer must be 2-20 letters, digits or -' })
  caseOfficer?: string;

  @ApiProperty({ type: PersonSubmission })
  @IsDefined()
  @ValidateNested()
  @Type(() => PersonSubmission)
  victim: PersonSubmission;

  @ApiProperty({ type: PersonOfConcernSubmission })
  @IsDefined()
  @ValidateNested()
  @Type(() => PersonOfConcernSubmission)
  personOfConcern: PersonOfConcernSubmission;

  @ApiProperty({
    enum: ADVOCACY_REFERRAL_CHOICES,
    description:
      "The victim's answer to referral to an advocate (AC-05). Advocacy is told of the case only with CONSENT_GIVEN, or " +
      'LAWFUL_OVERRIDE with a basis, which needs the referral.consent-override permission.',
  })
  @IsIn(ADVOCACY_REFERRAL_CHOICES)
  advocacyReferral: AdvocacyReferralChoice;

  @ApiPropertyOptional({ enum: LAWFUL_OVERRIDE_BASES, description: 'Required with LAWFUL_OVERRIDE, refused otherwise' })
  @ValidateIf((r: ReferralSubmission) => r.advocacyReferral === 'LAWFUL_OVERRIDE' || r.advocacyOverrideBasis !== undefined)
  @IsDefined({ message: 'advocacyOverrideBasis is required with a LAWFUL_OVERRIDE advocacy referral' })
  @IsIn(LAWFUL_OVERRIDE_BASES)
  advocacyOverrideBasis?: LawfulOverrideBasis;

  @ApiProperty({ type: IncidentSubmission, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => IncidentSubmission)
  incidents: IncidentSubmission[];
}

export class ReferralAccepted {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ example: 'REFERRED' })
  status: CaseStatus;
  @ApiProperty({ format: 'date-time' })
  referredAt: string;
  @ApiProperty({ description: 'False when this crime reference was already referred; the existing case is returned.' })
  created: boolean;
}
