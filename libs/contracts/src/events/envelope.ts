import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

/**
 * A published domain event (design.md §3). Field names follow the HMPPS domain-event schema.
 * Events are thin: ids, codes, dates, levels — never names, addresses, free text or health detail.
 */
export interface EventEnvelope<T = unknown> {
  id: string;
  eventType: string;
  version: number;
  occurredAt: string;
  producer: string;
  caseId?: string;
  personReference?: { identifiers: PersonIdentifier[] };
  aggregateVersion: number;
  detailUrl?: string;
  additionalInformation: T;
}

export interface PersonIdentifier {
  /** Pseudonymous platform ids only, e.g. `STAC_PERSON` — never a name or a national identifier. */
  type: 'STAC_PERSON';
  value: string;
}

/** What every event contract class carries statically; the instance shape is `additionalInformation`. */
export interface EventContract<T extends object = object> {
  new (): T;
  readonly subject: string;
  readonly eventType: string;
  readonly version: number;
}

class PersonIdentifierDto implements PersonIdentifier {
  @IsIn(['STAC_PERSON'])
  type: 'STAC_PERSON';
  @IsUUID()
  value: string;
}

class PersonReferenceDto {
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => PersonIdentifierDto)
  identifiers: PersonIdentifierDto[];
}

/** Validation of the envelope around any event (tolerant reader: unknown fields are stripped). */
export class EnvelopeDto implements EventEnvelope<object> {
  @IsUUID()
  id: string;
  @IsString()
  @Matches(/^[a-z-]+\.[a-z-]+\.[a-z-]+$/)
  eventType: string;
  @IsInt()
  @Min(1)
  version: number;
  @IsISO8601({ strict: true })
  occurredAt: string;
  @IsString()
  @Matches(/^[a-z-]+$/)
  producer: string;
  @IsOptional()
  @IsUUID()
  caseId?: string;
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonReferenceDto)
  personReference?: PersonReferenceDto;
  @IsInt()
  @Min(0)
  aggregateVersion: number;
  @IsOptional()
  @IsString()
  detailUrl?: string;
  @IsObject()
  additionalInformation: object;
}
