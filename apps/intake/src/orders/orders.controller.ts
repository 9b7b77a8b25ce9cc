import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ConsiderOrderCommand,
  ExpiryScanRequest,
  NotificationReceivedCommand,
  OrderListQuery,
  ORDERS,
  OrderTransitionCommand,
  ReportBreachCommand,
  type BreachReported,
  type ExpiryScanResult,
  type ProtectiveOrderView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl, type FieldGroup } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { caseIdIn, workflowContext } from '../lifecycle/case-workflow';
import { OrdersService } from './orders.service';

/**
 * Writing exclusion zones is collecting victim.location data: the request must hold that field group
 * (AC-03), checked before anything is stored. Reads include them only when asked for and granted.
 */
function locationGroupsFor(req: RpcRequest<unknown>): FieldGroup[] {
  const zones = (req.body as { exclusionZones?: unknown } | null)?.exclusionZones;
  return Array.isArray(zones) ? ['victim.location'] : [];
}

@Controller()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(ORDERS.consider)
  async consider(@Payload() req: RpcRequest<unknown>): Promise<ProtectiveOrderView> {
    const granted = await this.access.authorize(req, {
      action: 'order.manage',
      caseId: caseIdIn(req),
      fieldGroups: locationGroupsFor(req),
      recordType: 'protective-order',
      operation: 'collection',
    });
    return this.orders.consider(await parseRpcBody(ConsiderOrderCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ORDERS.transition)
  async transition(@Payload() req: RpcRequest<unknown>): Promise<ProtectiveOrderView> {
    const granted = await this.access.authorize(req, {
      action: 'order.manage',
      caseId: caseIdIn(req),
      fieldGroups: locationGroupsFor(req),
      recordType: 'protective-order',
      operation: 'alteration',
    });
    return this.orders.transition(await parseRpcBody(OrderTransitionCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ORDERS.recordNotification)
  async recordNotification(@Payload() req: RpcRequest<unknown>): Promise<ProtectiveOrderView> {
    const granted = await this.access.authorize(req, { action: 'order.manage', caseId: caseIdIn(req), recordType: 'protective-order', operation: 'alteration' });
    return this.orders.recordNotification(await parseRpcBody(NotificationReceivedCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ORDERS.reportBreach)
  async reportBreach(@Payload() req: RpcRequest<unknown>): Promise<BreachReported> {
    const granted = await this.access.authorize(req, { action: 'order.manage', caseId: caseIdIn(req), recordType: 'protective-order', operation: 'collection' });
    return this.orders.reportBreach(await parseRpcBody(ReportBreachCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ORDERS.list)
  async list(@Payload() req: RpcRequest<unknown>): Promise<ProtectiveOrderView[]> {
    const q = await parseRpcBody(OrderListQuery, req.body);
    const granted = await this.access.authorize(req, {
      action: 'case.workflow.read',
      caseId: q.caseId,
      fieldGroups: q.fieldGroups ?? [],
      recordType: 'protective-order',
      operation: 'consultation',
    });
    return this.orders.list(q.caseId, workflowContext(granted, req));
  }

  @MessagePattern(ORDERS.scanExpiring)
  async scan(@Payload() req: RpcRequest<unknown>): Promise<ExpiryScanResult> {
    const granted = await this.access.authorize(req, { action: 'order.scan', recordType: 'protective-order', operation: 'alteration' });
    const body = await parseRpcBody(ExpiryScanRequest, req.body);
    return this.orders.scanExpiring({ withinDays: body.withinDays, actor: granted.principal, correlationId: req.correlationId });
  }
}
