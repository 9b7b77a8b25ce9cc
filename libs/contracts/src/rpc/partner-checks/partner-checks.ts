import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsPlainText } from '../../validation/plain-text';

/**
 * How a partner agency's team can be reached about a person of concern (domain.md §3 H2): a team, a
 * role and a route (duty line, secure mailbox). Professional contact only: never a diagnosis, a
 * treatment or anything about the person.
 */
export class ContactRoute {
  @ApiProperty({ maxLength: 200, example: 'Forensic liaison team (North)' })
  @IsString()
  @Length(2, 200)
  @IsPlainText()
  team: string;

  @ApiProperty({ maxLength: 200, example: 'Duty liaison practitioner' })
  @IsString()
  @Length(2, 200)
  @IsPlainText()
  role: string;

  @ApiProperty({ maxLength: 300, example: 'Duty line 0300 000 0000, weekdays 09:00-17:00' })
  @IsString()
  @Length(3, 300)
  @IsPlainText()
  howToReach: string;
}

/** A page of a worklist: `cursor` is the `nextCursor` of the previous page. */
export class CursorPageQuery {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'cursor must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
