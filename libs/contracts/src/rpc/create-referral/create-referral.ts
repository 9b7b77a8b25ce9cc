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
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Min,
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
  REFERRING_PARTNERS,
  type BehaviourCode,
  type CaseFlag,
  type CaseStatus,
  type OffenceClass,
  type ReferralSource,
  type ReferringPartner,
} from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';
import { MAX_OTHER_NAMES, OtherName } from '../people-register/other-name';
import { NotForSources, OnlyForSources } from '../../validation/referral-route';

/** A breach of an order on an existing case takes the fast path: none of a new case's facts are taken. */
const BREACH: readonly ReferralSource[] = ['ORDER_BREACH'];
/** Required on every route but a breach (present on a breach: refused by NotForSources). */
const newCaseField = (field: keyof ReferralSubmission) => (r: ReferralSubmission) => r.source !== 'ORDER_BREACH' || r[field] !== undefined;

export const CREATE_REFERRAL = 'rpc.intake.referral.create';
export const ATTACH_CRIME_REFERENCE = 'rpc.intake.case.crime-reference.attach';

/** A force crime reference: 3-40 letters, digits, / or - (never a name). */
export const CRIME_REFERENCE = /^[A-Za-z0-9][A-Za-z0-9/-]{2,39}$/;
const CRIME_REFERENCE_MESSAGE = 'crimeReference must be 3-40 letters, digits, / or -';

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

/** A person named on a referral or added to a case: the current name and any previous names or aliases. */
export class ReferredPerson extends PersonSubmission {
  @ApiPropertyOptional({
    type: OtherName,
    isArray: true,
    maxItems: MAX_OTHER_NAMES,
    description: 'Previous names and aliases (maiden name, name before a deed poll), with their dates when known; encrypted and searchable like the current name',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_OTHER_NAMES)
  @ValidateNested({ each: true })
  @Type(() => OtherName)
  otherNames?: OtherName[];
}

export class PersonOfConcernSubmission extends ReferredPerson {
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

/**
 * A stalking referral to S-TAC (domain.md §3 step 1, H1), by route (`source`):
 * - `CRIME_REPORT`: a crime recorded as stalking; the crime reference is required.
 * - `PARTNER_AGENCY`: a partner (e.g. mental health, probation) noticed stalking; `partnerAgency` is
 *   required and the crime reference may follow (the police attach it once the crime is recorded).
 * - `CUSTODY_TRIGGER`: the suspect is in custody; `custodyStartedAt` (the PACE relevant time) sets the
 *   screening clock within the custody window.
 * - `ORDER_BREACH`: a breach of an order on an existing case, identified by `caseId` or `crimeReference`,
 *   and `orderId`; exactly one incident (the breach). No new case is opened and no new case facts are taken.
 */
export class ReferralSubmission {
  @ApiPropertyOptional({
    example: 'CR-01-2026-004512',
    description: 'Force crime reference. Required except on PARTNER_AGENCY, and on ORDER_BREACH when caseId is given.',
  })
  @ValidateIf(
    (r: ReferralSubmission) =>
      r.crimeReference !== undefined || (r.source !== 'PARTNER_AGENCY' && !(r.source === 'ORDER_BREACH' && r.caseId !== undefined)),
  )
  @IsDefined({ message: 'crimeReference is required on this referral route' })
  @IsString()
  @Matches(CRIME_REFERENCE, { message: CRIME_REFERENCE_MESSAGE })
  crimeReference?: string;

  @ApiProperty({ enum: REFERRAL_SOURCES })
  @IsIn(REFERRAL_SOURCES)
  source: ReferralSource;

  @ApiPropertyOptional({ enum: REFERRING_PARTNERS, description: 'PARTNER_AGENCY only (required there): who referred' })
  @ValidateIf((r: ReferralSubmission) => r.source === 'PARTNER_AGENCY' || r.partnerAgency !== undefined)
  @IsDefined({ message: 'partnerAgency is required on a PARTNER_AGENCY referral' })
  @OnlyForSources(['PARTNER_AGENCY'])
  @IsIn(REFERRING_PARTNERS)
  partnerAgency?: ReferringPartner;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'CUSTODY_TRIGGER only (required there): the PACE relevant time (arrival at the station); the screening is due within the custody window',
  })
  @ValidateIf((r: ReferralSubmission) => r.source === 'CUSTODY_TRIGGER' || r.custodyStartedAt !== undefined)
  @IsDefined({ message: 'custodyStartedAt is required on a CUSTODY_TRIGGER referral' })
  @OnlyForSources(['CUSTODY_TRIGGER'])
  @IsISO8601({ strict: true, strictSeparator: true })
  custodyStartedAt?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'ORDER_BREACH only: the existing case (or give its crimeReference)' })
  @ValidateIf((r: ReferralSubmission) => r.caseId !== undefined)
  @OnlyForSources(BREACH)
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'ORDER_BREACH only (required there): the order breached' })
  @ValidateIf((r: ReferralSubmission) => r.source === 'ORDER_BREACH' || r.orderId !== undefined)
  @IsDefined({ message: 'orderId is required on an ORDER_BREACH referral' })
  @OnlyForSources(BREACH)
  @IsUUID()
  orderId?: string;

  @ApiPropertyOptional({ enum: OFFENCE_CLASSES, description: 'Required except on ORDER_BREACH' })
  @ValidateIf(newCaseField('offenceClass'))
  @NotForSources(BREACH)
  @IsIn(OFFENCE_CLASSES)
  offenceClass?: OffenceClass;

  @ApiPropertyOptional({ description: 'Required when recorded as harassment (S2/S4) rather than stalking.' })
  @ValidateIf((r: ReferralSubmission) => (!!r.offenceClass && HARASSMENT_CLASSES.includes(r.offenceClass)) || r.notStalkingRationale !== undefined)
  @IsDefined({ message: 'notStalkingRationale is required when the offence is recorded as harassment' })
  @NotForSources(BREACH)
  @IsString()
  @Length(10, 2000)
  @IsPlainText()
  notStalkingRationale?: string;

  @ApiPropertyOptional({ enum: CASE_FLAGS, isArray: true, example: ['DOMESTIC'], description: 'Required except on ORDER_BREACH' })
  @ValidateIf(newCaseField('flags'))
  @NotForSources(BREACH)
  @IsArray()
  @ArrayMaxSize(CASE_FLAGS.length)
  @ArrayUnique()
  @IsIn(CASE_FLAGS, { each: true })
  flags?: CaseFlag[];

  @ApiPropertyOptional({ example: 'CE', description: 'Basic command unit. Required except on ORDER_BREACH' })
  @ValidateIf(newCaseField('bcu'))
  @NotForSources(BREACH)
  @IsString()
  @Matches(/^[A-Z0-9]{2,10}$/, { message: 'bcu must be 2-10 upper-case letters or digits' })
  bcu?: string;

  @ApiPropertyOptional({ example: 'PC-4411', description: 'Case officer staff or collar number' })
  @IsOptional()
  @NotForSources(BREACH)
  @IsString()
  @Matches(/^[A-Za-z0-9-]{2,20}$/, { message: 'caseOfficer must be 2-20 letters, digits or -' })
  caseOfficer?: string;

  @ApiPropertyOptional({ type: ReferredPerson, description: 'Required except on ORDER_BREACH (the case already has its people)' })
  @ValidateIf(newCaseField('victim'))
  @IsDefined()
  @NotForSources(BREACH)
  @ValidateNested()
  @Type(() => ReferredPerson)
  victim?: ReferredPerson;

  @ApiPropertyOptional({ type: PersonOfConcernSubmission, description: 'Required except on ORDER_BREACH' })
  @ValidateIf(newCaseField('personOfConcern'))
  @IsDefined()
  @NotForSources(BREACH)
  @ValidateNested()
  @Type(() => PersonOfConcernSubmission)
  personOfConcern?: PersonOfConcernSubmission;

  @ApiPropertyOptional({
    enum: ADVOCACY_REFERRAL_CHOICES,
    description:
      "The victim's answer to referral to an advocate (AC-05). Advocacy is told of the case only with CONSENT_GIVEN, or " +
      'LAWFUL_OVERRIDE with a basis, which needs the referral.consent-override permission. Required except on ORDER_BREACH.',
  })
  @ValidateIf(newCaseField('advocacyReferral'))
  @NotForSources(BREACH)
  @IsIn(ADVOCACY_REFERRAL_CHOICES)
  advocacyReferral?: AdvocacyReferralChoice;

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
  @ApiProperty({ description: 'False when this crime reference was already referred, or on a breach: the existing case is returned.' })
  created: boolean;
  @ApiPropertyOptional({ description: 'ORDER_BREACH: the breach recorded on the existing order (the case re-opens and its risk is re-assessed)' })
  breach?: { breachId: string; incidentId: string; orderId: string };
}

/** The crime reference the police attach to a partner agency's referral once the crime is recorded. */
export class CrimeReferenceSubmission {
  @ApiProperty({ example: 'CR-01-2026-004512', description: 'Force crime reference (3-40 letters, digits, / or -)' })
  @IsString()
  @Matches(CRIME_REFERENCE, { message: CRIME_REFERENCE_MESSAGE })
  crimeReference: string;
}

export class AttachCrimeReferenceCommand extends CrimeReferenceSubmission {
  @IsUUID()
  caseId: string;

  /** The case version (`If-Match`, the lifecycle's ETag). */
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class CrimeReferenceAttached {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ example: 'CR-01-2026-004512' })
  crimeReference: string;
  @ApiProperty({ description: 'The case version (ETag) after attaching' })
  version: number;
}
