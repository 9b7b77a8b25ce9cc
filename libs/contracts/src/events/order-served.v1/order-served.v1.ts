import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ORDER_TYPES, type OrderType } from '@stac/domain';

/** `intake.order.served.v1`: the order was served on the person of concern; for an SPO the 3-day notification clock starts. Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderServedV1 {
  static readonly subject = 'intake.order.served.v1';
  static readonly eventType = 'intake.order.served';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsISO8601({ strict: true })
  servedAt: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  notificationDueAt?: string;
}
