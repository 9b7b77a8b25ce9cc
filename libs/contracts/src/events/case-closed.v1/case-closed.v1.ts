import { IsIn, IsISO8601 } from 'class-validator';
import { CLOSURE_REASONS, type ClosureReason } from '@stac/domain';

/** `intake.case.closed.v1`: the case closed (D15) with a coded reason. */
export class CaseClosedV1 {
  static readonly subject = 'intake.case.closed.v1';
  static readonly eventType = 'intake.case.closed';
  static readonly version = 1;

  @IsIn(CLOSURE_REASONS)
  reason: ClosureReason;

  @IsISO8601({ strict: true })
  closedAt: string;
}
