import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/**
 * A seat on the panel: an agency's team, or one named attendee of it. `subject` is the attendee's account
 * identifier at their identity provider (their token's `sub`, as every access log records it), so that a
 * service holding its own copy of the panel gives the seat to that person only; never a name.
 */
export class ConsultationPanelSeatV1 {
  @IsIn(AGENCIES)
  agency: Agency;

  @IsOptional()
  @Matches(/^[\w.@:-]{1,128}$/)
  subject?: string;

  /**
   * The named attendee's token issuer: a seat is the user's (issuer, subject) (AC-16). A named seat announced
   * before issuers travelled has none and is given to nobody.
   */
  @IsOptional()
  @Matches(/^\S{1,200}$/)
  issuer?: string;
}

/**
 * `intake.consultation.scheduled.v1`: a multi-agency consultation was scheduled; the agencies on its panel
 * and (since the panel reaches risk-assessment) its seats. Consumers: risk-assessment gives each seat a
 * CONSULTATION_PANEL relationship to its copy of the case, so panel partners can record their judgement.
 */
export class ConsultationScheduledV1 {
  static readonly subject = 'intake.consultation.scheduled.v1';
  static readonly eventType = 'intake.consultation.scheduled';
  static readonly version = 1;

  @IsUUID()
  consultationId: string;

  @IsISO8601({ strict: true })
  scheduledFor: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AGENCIES.length)
  @ArrayUnique()
  @IsIn(AGENCIES, { each: true })
  agencies: Agency[];

  /** Optional within v1: events published before seats travelled carry `agencies` only. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ConsultationPanelSeatV1)
  panel?: ConsultationPanelSeatV1[];
}
