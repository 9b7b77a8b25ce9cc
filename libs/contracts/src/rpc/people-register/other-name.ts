import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsDefined, IsIn, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { IsPlainText } from '../../validation/plain-text';

/** Why a person is or was known by another name. */
export const OTHER_NAME_KINDS = ['PREVIOUS_NAME', 'MAIDEN_NAME', 'DEED_POLL', 'ALIAS'] as const;
export type OtherNameKind = (typeof OTHER_NAME_KINDS)[number];

/** How many other names one person record holds (a referral, a new person, names added later). */
export const MAX_OTHER_NAMES = 10;

/**
 * A name other than the current one: a previous name (maiden name, name before a deed poll) or an
 * alias, with the dates it was used when known. Encrypted at rest and searchable like the current name.
 * The dates are calendar dates, not in the future, usedFrom on or before usedTo and neither before the
 * date of birth (checked by the service, which knows today and the person).
 */
export class OtherName {
  @ApiProperty({ enum: OTHER_NAME_KINDS })
  @IsIn(OTHER_NAME_KINDS)
  kind: OtherNameKind;

  @ApiPropertyOptional({ example: 'Alex', maxLength: 100, description: 'Give a given name, a family name or both; a missing one is the current one' })
  @ValidateIf((n: OtherName) => n.givenName !== undefined || n.familyName === undefined)
  @IsDefined({ message: 'an other name needs a givenName or a familyName' })
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

  @ApiPropertyOptional({ example: '2001-06-01', format: 'date', description: 'First used (e.g. the date of a deed poll); not in the future' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'usedFrom must be a date (YYYY-MM-DD)' })
  usedFrom?: string;

  @ApiPropertyOptional({ example: '2015-06-01', format: 'date', description: 'Last used; not in the future, on or after usedFrom' })
  @IsOptional()
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'usedTo must be a date (YYYY-MM-DD)' })
  usedTo?: string;
}
