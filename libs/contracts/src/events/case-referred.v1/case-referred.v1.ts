import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsUUID,
  Max,
  Min,
} from 'class-validator';
import {
  CASE_FLAGS,
  OFFENCE_CLASSES,
  REFERRAL_SOURCES,
  type AdvocacyReferralBasis,
  type CaseFlag,
  type OffenceClass,
  type ReferralSource,
} from '@stac/domain';

/**
 * `intake.case.referred.v1`: a stalking case was referred to S-TAC. The envelope's caseId names the case;
 * people are referenced only by their pseudonymous platform ids.
 */
export class CaseReferredV1 {
  static readonly subject = 'intake.case.referred.v1';
  static readonly eventType = 'intake.case.referred';
  static readonly version = 1;

  @IsIn(REFERRAL_SOURCES)
  source: ReferralSource;

  @IsIn(OFFENCE_CLASSES)
  offenceClass: OffenceClass;

  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(CASE_FLAGS.length)
  @IsIn(CASE_FLAGS, { each: true })
  flags: CaseFlag[];

  @IsUUID()
  victimId: string;

  @IsOptional()
  @IsUUID()
  personOfConcernId?: string;

  @IsInt()
  @Min(0)
  @Max(10000)
  incidentCount: number;

  @IsISO8601({ strict: true })
  referredAt: string;

  /** CUSTODY_TRIGGER: the PACE relevant time; screening is due within the custody window (`screeningDueAt`). */
  @IsOptional()
  @IsISO8601({ strict: true })
  custodyStartedAt?: string;

  /** Present when the victim was referred to advocacy (consent or lawful override, AC-05); absent = not referred. */
  @IsOptional()
  @IsIn(['CONSENT', 'LAWFUL_OVERRIDE'])
  advocacyReferralBasis?: AdvocacyReferralBasis;
}
