import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { AGENCIES, type Agency } from '@stac/domain';

/**
 * `intake.access.break-glass-opened.v1`: someone opened emergency access to a case. The owning agency's
 * DPO is alerted at once and a review task exists (AC-06). No justification text travels (it stays in
 * the access log of the owning service).
 */
export class BreakGlassOpenedV1 {
  static readonly subject = 'intake.access.break-glass-opened.v1';
  static readonly eventType = 'intake.access.break-glass-opened';
  static readonly version = 1;

  @IsUUID()
  relationshipId: string;

  @IsUUID()
  reviewTaskId: string;

  @IsIn(AGENCIES)
  openedByAgency: Agency;

  @IsISO8601({ strict: true })
  expiresAt: string;
}
