import { IsIn, IsISO8601, IsUUID } from 'class-validator';
import { ORDER_TYPES, type OrderType } from '@stac/domain';

/** `intake.order.breach-reported.v1`: a breach of the order was reported — the fast path that re-triggers risk review (domain.md §6.7). Thin: ids, codes and dates; never the order's conditions or exclusion zones. */
export class OrderBreachReportedV1 {
  static readonly subject = 'intake.order.breach-reported.v1';
  static readonly eventType = 'intake.order.breach-reported';
  static readonly version = 1;

  @IsUUID()
  orderId: string;

  @IsIn(ORDER_TYPES)
  orderType: OrderType;

  @IsUUID()
  breachId: string;

  /** The BREACH incident added to the course of conduct. */
  @IsUUID()
  incidentId: string;

  @IsISO8601({ strict: true })
  occurredAt: string;
}
