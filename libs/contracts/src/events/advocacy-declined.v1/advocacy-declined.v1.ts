import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { DECLINE_REASONS, type DeclineReason } from '@stac/domain';

/** `advocacy.offer.declined.v1`: the victim declined advocacy, with a coded reason (never the victim's words). */
export class AdvocacyDeclinedV1 {
  static readonly subject = 'advocacy.offer.declined.v1';
  static readonly eventType = 'advocacy.offer.declined';
  static readonly version = 1;

  @IsUUID()
  offerId: string;

  @IsIn(DECLINE_REASONS)
  reason: DeclineReason;

  @IsISO8601({ strict: true })
  declinedAt: string;
}
