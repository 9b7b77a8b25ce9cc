import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ORDER_TYPES, type OrderType } from '@stac/domain';

/** `intake.order.granted.v1`: the court granted the order. Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderGrantedV1 {
  static readonly subject = 'intake.order.granted.v1';
  static readonly eventType = 'intake.order.granted';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsISO8601({ strict: true })
  effectiveFrom: string;

  /** Absent: until further order. */
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
