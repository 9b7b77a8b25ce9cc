import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { ORDER_TYPES, type OrderType } from '@stac/domain';

/** `intake.order.expiring.v1`: the order ends soon; renew, or re-assess risk before it lapses. Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderExpiringV1 {
  static readonly subject = 'intake.order.expiring.v1';
  static readonly eventType = 'intake.order.expiring';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsISO8601({ strict: true })
  expiresAt: string;
}
