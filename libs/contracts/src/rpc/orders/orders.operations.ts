import { operation } from '../../operations/operation';
import {
  BreachReported,
  BreachSubmission,
  ConsiderOrderCommand,
  ConsiderOrderSubmission,
  ExpiryScanRequest,
  ExpiryScanResult,
  NotificationReceivedCommand,
  NotificationReceivedSubmission,
  OrderListQuery,
  ORDERS,
  OrderTransitionCommand,
  OrderTransitionSubmission,
  ProtectiveOrderView,
  ReportBreachCommand,
} from './orders';

/** Writing exclusion zones is collecting victim.location data: the request must hold that field group (AC-03). */
const exclusionZonesCollected = (body: Record<string, unknown>) => (Array.isArray(body.exclusionZones) ? ['victim.location'] : []);

export const ConsiderOrder = operation<ConsiderOrderCommand, ProtectiveOrderView>({
  name: 'order.consider',
  service: 'intake',
  subject: ORDERS.consider,
  request: ConsiderOrderCommand,
  reply: ProtectiveOrderView,
  action: 'order.manage',
  access: { recordType: 'protective-order', processing: 'collection', caseIdField: 'caseId', collects: exclusionZonesCollected, loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/orders',
    tag: 'protective orders',
    summary: 'Consider a protective order (SPO, interim SPO, restraining order, bail conditions, non-molestation order, licence condition)',
    description: 'Starts the order at CONSIDERED. Exclusion zones are victim.location data: sending them needs that field group.',
    body: ConsiderOrderSubmission,
    purpose: true,
    idempotent: true,
    etag: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const ListOrders = operation<OrderListQuery, ProtectiveOrderView[]>({
  name: 'order.list',
  service: 'intake',
  subject: ORDERS.list,
  request: OrderListQuery,
  reply: [ProtectiveOrderView],
  action: 'case.workflow.read',
  access: { recordType: 'protective-order', processing: 'consultation', caseIdField: 'caseId', fieldGroupsField: 'fieldGroups', loggedBy: 'handler' },
  http: {
    method: 'GET',
    path: '/cases/:caseId/orders',
    tag: 'protective orders',
    summary: 'Orders of the case with their clocks and breaches',
    description: 'Exclusion zones only with include=victim.location (and the grant).',
    query: [{ name: 'include', field: 'fieldGroups', type: 'csv', enum: ['victim.location'], maxItems: 5 }],
    purpose: true,
    problems: [400, 403, 404],
  },
});

export const TransitionOrder = operation<OrderTransitionCommand, ProtectiveOrderView>({
  name: 'order.transition',
  service: 'intake',
  subject: ORDERS.transition,
  request: OrderTransitionCommand,
  reply: ProtectiveOrderView,
  action: 'order.manage',
  access: { recordType: 'protective-order', processing: 'alteration', caseIdField: 'caseId', collects: exclusionZonesCollected, loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/orders/:orderId/transitions',
    tag: 'protective orders',
    summary: 'Move an order along its lifecycle',
    description:
      'CONSIDERED -> NOT_PURSUED(reason) | APPLIED -> REFUSED | GRANTED -> SERVED -> ACTIVE -> VARIED | RENEWED | DISCHARGED | EXPIRED. ' +
      'A full SPO lasts at least 2 years (or until further order); serving an SPO starts the 3-day notification clock. Illegal moves are 409.',
    body: OrderTransitionSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 422, 428],
  },
});

export const RecordOrderNotification = operation<NotificationReceivedCommand, ProtectiveOrderView>({
  name: 'order.notification.record',
  service: 'intake',
  subject: ORDERS.recordNotification,
  request: NotificationReceivedCommand,
  reply: ProtectiveOrderView,
  action: 'order.manage',
  access: { recordType: 'protective-order', processing: 'alteration', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/orders/:orderId/notification',
    tag: 'protective orders',
    summary: "Record the SPO holder's notification of name and home address (stops the 3-day clock)",
    body: NotificationReceivedSubmission,
    purpose: true,
    ifMatch: true,
    etag: true,
    problems: [400, 403, 404, 409, 412, 428],
  },
});

export const ReportOrderBreach = operation<ReportBreachCommand, BreachReported>({
  name: 'order.breach.report',
  service: 'intake',
  subject: ORDERS.reportBreach,
  request: ReportBreachCommand,
  reply: BreachReported,
  action: 'order.manage',
  access: { recordType: 'protective-order', processing: 'collection', caseIdField: 'caseId', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/cases/:caseId/orders/:orderId/breaches',
    tag: 'protective orders',
    summary: 'Report a breach of an order in force',
    description:
      'Adds a BREACH incident to the course of conduct and publishes order.breach-reported and incident.recorded (risk re-assessment, case re-activation).',
    body: BreachSubmission,
    purpose: true,
    idempotent: true,
    status: 201,
    problems: [400, 403, 404, 409, 413, 415, 422],
  },
});

export const ScanExpiringOrders = operation<ExpiryScanRequest, ExpiryScanResult>({
  name: 'order.expiry.scan',
  service: 'intake',
  subject: ORDERS.scanExpiring,
  request: ExpiryScanRequest,
  reply: ExpiryScanResult,
  action: 'order.scan',
  access: { recordType: 'protective-order', processing: 'alteration', loggedBy: 'handler' },
  http: {
    method: 'POST',
    path: '/orders/expiry-scan',
    tag: 'protective orders',
    summary: 'Run the order expiry scan',
    description:
      'Warns (order.expiring) once per expiry for orders ending within the window and expires lapsed orders (order.ended). Roles: stac-lead, spo-coordinator.',
    purpose: true,
    problems: [400, 403],
  },
});

export const ORDER_OPERATIONS = [ConsiderOrder, ListOrders, TransitionOrder, RecordOrderNotification, ReportOrderBreach, ScanExpiringOrders] as const;
