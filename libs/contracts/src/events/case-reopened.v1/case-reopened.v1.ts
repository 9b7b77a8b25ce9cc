import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { REOPEN_REASONS, type ReopenReason } from '@stac/domain';

/** `intake.case.reopened.v1`: a closed case re-opened (new incident or breach); screening starts again. */
export class CaseReopenedV1 {
  static readonly subject = 'intake.case.reopened.v1';
  static readonly eventType = 'intake.case.reopened';
  static readonly version = 1;

  @IsIn(REOPEN_REASONS)
  reason: ReopenReason;

  @IsOptional()
  @IsUUID()
  incidentId?: string;

  @IsISO8601({ strict: true })
  reopenedAt: string;
}
