import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { TRIAGE_DECISIONS, TRIAGE_REASONS, type TriageDecisionCode, type TriageReason } from '@stac/domain';

/** `intake.case.triaged.v1`: S-TAC triage decided how the case is handled (D3). Codes only. */
export class CaseTriagedV1 {
  static readonly subject = 'intake.case.triaged.v1';
  static readonly eventType = 'intake.case.triaged';
  static readonly version = 1;

  @IsUUID()
  triageDecisionId: string;

  @IsIn(TRIAGE_DECISIONS)
  decision: TriageDecisionCode;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(TRIAGE_REASONS.length)
  @ArrayUnique()
  @IsIn(TRIAGE_REASONS, { each: true })
  reasons: TriageReason[];

  @IsISO8601({ strict: true })
  triagedAt: string;
}
