import { Controller } from '@nestjs/common';
import {
  ConsiderOrder,
  ListOrders,
  RecordOrderNotification,
  ReportOrderBreach,
  ScanExpiringOrders,
  TransitionOrder,
  type ConsiderOrderCommand,
  type ExpiryScanRequest,
  type NotificationReceivedCommand,
  type OrderListQuery,
  type OrderTransitionCommand,
  type ReportBreachCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { OrdersService } from './orders.service';

/** Protective orders. Exclusion zones are victim.location data, declared on the operations (AC-03). */
@Controller()
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Handles(ConsiderOrder)
  consider(cmd: ConsiderOrderCommand, ctx: RequestContext) {
    return this.orders.consider(cmd, ctx);
  }

  @Handles(TransitionOrder)
  transition(cmd: OrderTransitionCommand, ctx: RequestContext) {
    return this.orders.transition(cmd, ctx);
  }

  @Handles(RecordOrderNotification)
  recordNotification(cmd: NotificationReceivedCommand, ctx: RequestContext) {
    return this.orders.recordNotification(cmd, ctx);
  }

  @Handles(ReportOrderBreach)
  reportBreach(cmd: ReportBreachCommand, ctx: RequestContext) {
    return this.orders.reportBreach(cmd, ctx);
  }

  @Handles(ListOrders)
  list(q: OrderListQuery, ctx: RequestContext) {
    return this.orders.list(q.caseId, ctx);
  }

  @Handles(ScanExpiringOrders)
  scan(body: ExpiryScanRequest, ctx: RequestContext) {
    return this.orders.scanExpiring({ withinDays: body.withinDays, actor: ctx.principal, correlationId: ctx.correlationId });
  }
}
