import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Min } from 'class-validator';
import {
  CONSENT_CHANGES,
  CONSENT_SCOPE_AGENCIES,
  CONSENT_STATES,
  LAWFUL_OVERRIDE_BASES,
  type ConsentChange,
  type ConsentScopeAgency,
  type ConsentState,
  type LawfulOverrideBasis,
} from '@stac/domain';

/**
 * `advocacy.victim.consent-changed.v1`: the victim's consent to advocacy changed (given, narrowed,
 * withdrawn, re-engaged, declined, or lawful sharing without consent). Codes only: the state it leaves,
 * the agencies in scope and, for an override, the basis — never who the victim is or why in words.
 */
export class VictimConsentChangedV1 {
  static readonly subject = 'advocacy.victim.consent-changed.v1';
  static readonly eventType = 'advocacy.victim.consent-changed';
  static readonly version = 1;

  @IsUUID()
  offerId: string;

  @IsIn(CONSENT_CHANGES)
  change: ConsentChange;

  @IsIn(CONSENT_STATES)
  state: ConsentState;

  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CONSENT_SCOPE_AGENCIES.length)
  @IsIn(CONSENT_SCOPE_AGENCIES, { each: true })
  scope: ConsentScopeAgency[];

  @IsOptional()
  @IsIn(LAWFUL_OVERRIDE_BASES)
  legalBasis?: LawfulOverrideBasis;

  /** Orders changes of one victim's consent (the record's sequence number). */
  @IsInt()
  @Min(1)
  sequence: number;

  @IsISO8601({ strict: true })
  changedAt: string;
}
