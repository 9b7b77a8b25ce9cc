import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { ORDER_TYPES, type OrderType } from '@stac/domain';

/** `intake.order.considered.v1`: a protective order is being considered for the case (D7-D11). Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderConsideredV1 {
  static readonly subject = 'intake.order.considered.v1';
  static readonly eventType = 'intake.order.considered';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsISO8601({ strict: true })
  consideredAt: string;
}
