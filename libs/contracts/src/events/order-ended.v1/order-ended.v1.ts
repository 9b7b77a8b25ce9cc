import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { ORDER_ENDED, ORDER_TYPES, type OrderStatus, type OrderType } from '@stac/domain';

/** `intake.order.ended.v1`: the order (or its consideration) ended: not pursued, refused, discharged or expired; a re-assessment trigger. Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderEndedV1 {
  static readonly subject = 'intake.order.ended.v1';
  static readonly eventType = 'intake.order.ended';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsIn(ORDER_ENDED)
  outcome: OrderStatus;

  @IsISO8601({ strict: true })
  endedAt: string;
}
