import { IsBoolean, IsIn, IsISO8601, IsUUID } from 'class-validator';
import { ADVICE_ITEM_CODES, ADVICE_RESOLUTIONS, type AdviceItemCode, type AdviceResolution } from '@stac/domain';

/** `intake.advice.item-resolved.v1`: the case officer resolved one advice item. Never the rationale text. */
export class AdviceItemResolvedV1 {
  static readonly subject = 'intake.advice.item-resolved.v1';
  static readonly eventType = 'intake.advice.item-resolved';
  static readonly version = 1;

  @IsUUID()
  adviceId: string;

  @IsUUID()
  itemId: string;

  @IsIn(ADVICE_ITEM_CODES)
  code: AdviceItemCode;

  @IsIn(ADVICE_RESOLUTIONS)
  resolution: AdviceResolution;

  @IsISO8601({ strict: true })
  resolvedAt: string;

  /** Resolved after its due date. */
  @IsBoolean()
  overdue: boolean;
}
