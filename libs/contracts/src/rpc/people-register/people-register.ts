import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PERSON_ROLES, type PersonRole } from '@stac/domain';
import { IsPlainText } from '../../validation/plain-text';
import { PersonSubmission, ReferredPerson } from '../create-referral/create-referral';
import { OtherName } from './other-name';

export * from './other-name';

/** Request/reply patterns of the people register (intake). */
export const PEOPLE = {
  search: 'rpc.intake.person.search',
  add: 'rpc.intake.person.add',
  get: 'rpc.intake.person.get',
  changeRole: 'rpc.intake.person.role.change',
  listDuplicates: 'rpc.intake.person.duplicates.list',
  decideDuplicate: 'rpc.intake.person.duplicates.decide',
  addOtherName: 'rpc.intake.person.other-name.add',
  identify: 'rpc.intake.person.identify',
} as const;

export const PERSON_IDENTIFIER_KINDS = [
  'PNC_ID',
  'CRO_NUMBER',
  'NHS_NUMBER',
  'NATIONAL_INSURANCE',
  'PASSPORT',
  'DRIVING_LICENCE',
] as const;
export type PersonIdentifierKind = (typeof PERSON_IDENTIFIER_KINDS)[number];

export const DUPLICATE_DECISIONS = ['CONFIRMED', 'REJECTED'] as const;
export type DuplicateDecision = (typeof DUPLICATE_DECISIONS)[number];

export class KnownIdentifier {
  @ApiProperty({ enum: PERSON_IDENTIFIER_KINDS })
  @IsIn(PERSON_IDENTIFIER_KINDS)
  kind: PersonIdentifierKind;

  @ApiProperty({ example: '2001/0012345A', maxLength: 40 })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 /-]{1,39}$/, { message: 'value must be 2-40 letters, digits, spaces, / or -' })
  value: string;
}

/** Safe contact details of a victim: field group `victim.contact` (AC-03), encrypted at rest (DP-02). */
export class VictimContact {
  @ApiPropertyOptional({ example: '+44 7700 900123' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9][0-9 ()-]{5,24}$/, { message: 'phone must be 6-25 digits, spaces, (), - with an optional +' })
  phone?: string;

  @ApiPropertyOptional({ example: 'victim@example.org' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

/** Where a victim lives: field group `victim.location` (AC-03), encrypted at rest (DP-02). */
export class VictimLocation {
  @ApiPropertyOptional({ example: '1 Example Street, London', maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  @IsPlainText()
  address?: string;

  @ApiPropertyOptional({ example: 'SW1A 1AA' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 ]{1,9}$/, { message: 'postcode must be 2-10 letters, digits or spaces' })
  postcode?: string;
}

/** Search before create: any of names, date of birth, identifiers (at least one). */
export class PersonSearchQuery extends PersonSubmission {
  @ApiPropertyOptional({ type: KnownIdentifier, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => KnownIdentifier)
  identifiers?: KnownIdentifier[];

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}

export class NewPerson extends ReferredPerson {
  /** Suspects are often unknown at first (domain.md §6.9). */
  @ApiProperty({ example: true })
  @IsBoolean()
  identityKnown: boolean;

  @ApiPropertyOptional({ type: KnownIdentifier, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => KnownIdentifier)
  identifiers?: KnownIdentifier[];

  @ApiPropertyOptional({ type: VictimContact, description: 'Victims only; needs the victim.contact field group' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VictimContact)
  contact?: VictimContact;

  @ApiPropertyOptional({ type: VictimLocation, description: 'Victims only; needs the victim.location field group' })
  @IsOptional()
  @ValidateNested()
  @Type(() => VictimLocation)
  location?: VictimLocation;
}

/** Add a person to a case: a new record (`person`) or an existing one found by search (`personId`). */
export class AddPersonToCase {
  @ApiProperty({ enum: PERSON_ROLES })
  @IsIn(PERSON_ROLES)
  role: PersonRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'An existing person (from search-before-create) to link to this case' })
  @ValidateIf((b: AddPersonToCase) => b.person === undefined || b.personId !== undefined)
  @IsUUID()
  personId?: string;

  @ApiPropertyOptional({ type: NewPerson, description: 'A new person record; give this or personId, not both' })
  @ValidateIf((b: AddPersonToCase) => b.personId === undefined || b.person !== undefined)
  @IsDefined({ message: 'person or personId is required' })
  @ValidateNested()
  @Type(() => NewPerson)
  person?: NewPerson;
}

export class ChangePersonRole {
  @ApiProperty({ enum: PERSON_ROLES, description: 'The role from now on; the open roles end now' })
  @IsIn(PERSON_ROLES)
  role: PersonRole;
}

/**
 * Naming a person recorded with identity unknown (an unknown suspect identified later): the current name
 * (a given name, a family name or both), the date of birth when known, identifiers and previous names or
 * aliases.
 */
export class PersonIdentitySubmission extends ReferredPerson {
  @ApiPropertyOptional({ type: KnownIdentifier, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => KnownIdentifier)
  identifiers?: KnownIdentifier[];
}

export class DecideDuplicate {
  @ApiProperty({ enum: DUPLICATE_DECISIONS, description: 'CONFIRMED links the two records as one person; REJECTED is never proposed again' })
  @IsIn(DUPLICATE_DECISIONS)
  decision: DuplicateDecision;
}

// --- request/reply bodies (the HTTP bodies plus what the path names) ---

export class CaseScoped {
  @IsUUID()
  caseId: string;
}

export class AddPersonToCaseRequest extends AddPersonToCase {
  @IsUUID()
  caseId: string;
}

export class PersonOnCaseQuery {
  @IsUUID()
  caseId: string;

  @IsUUID()
  personId: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  fieldGroups?: string[];
}

export class ChangePersonRoleRequest extends ChangePersonRole {
  @IsUUID()
  caseId: string;

  @IsUUID()
  personId: string;

  @IsInt()
  @Min(1)
  version: number;
}

/** A previous name or alias added to a person already on the register (the body is an `OtherName`). */
export class AddOtherNameRequest extends OtherName {
  @IsUUID()
  caseId: string;

  @IsUUID()
  personId: string;

  /** The person's version (If-Match): a name is added to the record as it was read. */
  @IsInt()
  @Min(1)
  version: number;
}

export class IdentifyPersonRequest extends PersonIdentitySubmission {
  @IsUUID()
  caseId: string;

  @IsUUID()
  personId: string;

  /** The person's version (If-Match). */
  @IsInt()
  @Min(1)
  version: number;
}

export class DecideDuplicateRequest extends DecideDuplicate {
  @IsUUID()
  caseId: string;

  @IsUUID()
  candidateId: string;

  @IsInt()
  @Min(1)
  version: number;
}

// --- answers ---

export class MatchReasonView {
  @ApiProperty({ example: 'NAMES_TRANSPOSED' })
  code: string;
  @ApiProperty({ example: 'Given and family names are recorded the other way round' })
  explanation: string;
}

export class CaseRolesView {
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: PERSON_ROLES, isArray: true, description: 'Current roles on that case' })
  roles: string[];
}

export class PersonMatch {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ enum: ['LIKELY', 'POSSIBLE'] })
  grade: string;
  @ApiProperty({ minimum: 0, maximum: 1 })
  score: number;
  @ApiProperty({ type: MatchReasonView, isArray: true })
  reasons: MatchReasonView[];
  @ApiProperty()
  identityKnown: boolean;
  @ApiPropertyOptional({ nullable: true })
  givenName: string | null;
  @ApiPropertyOptional({ nullable: true })
  familyName: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' })
  dateOfBirth: string | null;
  @ApiProperty({ type: CaseRolesView, isArray: true, description: 'Only the cases the caller may see' })
  cases: CaseRolesView[];
}

export class PersonSearchResult {
  @ApiProperty({ type: PersonMatch, isArray: true })
  matches: PersonMatch[];
}

export class DuplicateCandidateView {
  @ApiProperty({ format: 'uuid' })
  candidateId: string;
  @ApiProperty({ format: 'uuid', description: 'The person on this case' })
  personId: string;
  @ApiProperty({ format: 'uuid', description: 'The record it resembles' })
  otherPersonId: string;
  @ApiProperty({ enum: ['LIKELY', 'POSSIBLE'] })
  grade: string;
  @ApiProperty()
  score: number;
  @ApiProperty({ type: MatchReasonView, isArray: true })
  reasons: MatchReasonView[];
  @ApiProperty({ enum: ['OPEN', 'CONFIRMED', 'REJECTED'] })
  status: string;
  @ApiProperty({ description: 'For If-Match when deciding' })
  version: number;
  @ApiProperty({ type: CaseRolesView, isArray: true, description: "The other record's cases the caller may see" })
  otherCases: CaseRolesView[];
}

export class DuplicateCandidateList {
  @ApiProperty({ type: DuplicateCandidateView, isArray: true })
  candidates: DuplicateCandidateView[];
}

export class PersonAdded {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: PERSON_ROLES })
  role: string;
  @ApiProperty({ description: 'False when an existing person was linked to the case' })
  created: boolean;
  @ApiProperty({ type: DuplicateCandidateView, isArray: true, description: 'Possible duplicates found (never merged)' })
  duplicateCandidates: DuplicateCandidateView[];
}

export class RolePeriod {
  @ApiProperty({ enum: PERSON_ROLES })
  role: string;
  @ApiProperty({ format: 'date-time' })
  validFrom: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  validTo: string | null;
}

export class LinkedCase extends CaseRolesView {
  @ApiProperty({ enum: ['SAME_RECORD', 'CONFIRMED_DUPLICATE'] })
  via: string;
  @ApiProperty({ format: 'uuid' })
  personId: string;
}

export class PersonView {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty()
  identityKnown: boolean;
  @ApiPropertyOptional({ nullable: true })
  givenName: string | null;
  @ApiPropertyOptional({ nullable: true })
  familyName: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' })
  dateOfBirth: string | null;
  @ApiProperty({ type: KnownIdentifier, isArray: true })
  identifiers: KnownIdentifier[];
  @ApiProperty({ type: OtherName, isArray: true, description: 'Previous names and aliases' })
  otherNames: OtherName[];
  @ApiProperty({ type: RolePeriod, isArray: true, description: 'Role history on this case' })
  roles: RolePeriod[];
  @ApiPropertyOptional({ type: VictimContact, description: 'Only when victim.contact was asked for and granted' })
  contact?: VictimContact | null;
  @ApiPropertyOptional({ type: VictimLocation, description: 'Only when victim.location was asked for and granted' })
  location?: VictimLocation | null;
  @ApiProperty({ type: LinkedCase, isArray: true, description: 'Other cases of this person the caller may see' })
  linkedCases: LinkedCase[];
  @ApiProperty()
  version: number;
}

export class PersonOtherNames {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ type: OtherName, isArray: true, description: 'Every previous name and alias of the person, the new one last' })
  otherNames: OtherName[];
  @ApiProperty({ type: DuplicateCandidateView, isArray: true, description: 'Possible duplicates newly found through the added name (never merged)' })
  duplicateCandidates: DuplicateCandidateView[];
  @ApiProperty({ description: "The person record's version (ETag)" })
  version: number;
}

export class PersonRoles {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ type: RolePeriod, isArray: true, description: 'Role history on this case, oldest first' })
  roles: RolePeriod[];
  @ApiProperty({ description: "The person record's version (ETag)" })
  version: number;
}

/**
 * A counter-allegation seen from one case: on the other case the same two people stand with their roles
 * swapped (this case's victim is the person of concern there, and the other way round). A link, never a
 * merge; shown to the owning team only, and only when the caller may see the other case.
 */
export class CounterAllegationView {
  @ApiProperty({ format: 'uuid' })
  counterAllegationId: string;
  @ApiProperty({ format: 'uuid', description: 'The case with the roles swapped' })
  otherCaseId: string;
  @ApiProperty({
    enum: ['POSSIBLE', 'CONFIRMED'],
    description: 'CONFIRMED when the people are the same records or confirmed duplicates; POSSIBLE while a duplicate candidate is undecided',
  })
  status: 'POSSIBLE' | 'CONFIRMED';
  @ApiProperty({ format: 'uuid', description: 'The victim on this case (the person of concern on the other)' })
  victimId: string;
  @ApiProperty({ format: 'uuid', description: 'The person of concern on this case (the victim on the other)' })
  personOfConcernId: string;
  @ApiProperty({ format: 'uuid' })
  otherVictimId: string;
  @ApiProperty({ format: 'uuid' })
  otherPersonOfConcernId: string;
  @ApiProperty({ format: 'date-time' })
  detectedAt: string;
}

export class PersonIdentified {
  @ApiProperty({ format: 'uuid' })
  personId: string;
  @ApiProperty({ format: 'uuid' })
  caseId: string;
  @ApiProperty({ enum: [true] })
  identityKnown: true;
  @ApiPropertyOptional({ nullable: true })
  givenName: string | null;
  @ApiPropertyOptional({ nullable: true })
  familyName: string | null;
  @ApiPropertyOptional({ nullable: true, format: 'date' })
  dateOfBirth: string | null;
  @ApiProperty({ type: KnownIdentifier, isArray: true })
  identifiers: KnownIdentifier[];
  @ApiProperty({ type: OtherName, isArray: true })
  otherNames: OtherName[];
  @ApiProperty({ type: DuplicateCandidateView, isArray: true, description: 'Possible duplicates found now that the person is named (never merged)' })
  duplicateCandidates: DuplicateCandidateView[];
  @ApiProperty({ description: 'True when the person is a person of concern on a case and the partner agencies were asked to check them' })
  partnerChecksRequested: boolean;
  @ApiProperty({ description: "The person record's version (ETag)" })
  version: number;
}
