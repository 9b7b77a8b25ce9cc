import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, type FieldGroup, type Principal } from '@stac/auth';
import {
  IncidentRecordedV1,
  OrderBreachReportedV1,
  OrderConsideredV1,
  OrderEndedV1,
  OrderExpiringV1,
  OrderGrantedV1,
  OrderServedV1,
  ProblemException,
  type BreachReported,
  type ConsiderOrderCommand,
  type ExclusionZone,
  type ExpiryScanResult,
  type NotificationReceivedCommand,
  type OrderTransitionCommand,
  type ProtectiveOrderView,
  type ReportBreachCommand,
} from '@stac/contracts';
import {
  ORDER_ENDED,
  ORDER_EXPIRY_WARNING_DAYS,
  ORDER_IN_FORCE,
  ORDER_LIFECYCLE,
  ORDER_STATUSES_NEEDING_REASON,
  SPO_TYPES,
  canTransition,
  notificationDueAt,
  orderTermProblem,
  type BehaviourCode,
} from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { PersonalDataCipher } from '../people/personal-data-cipher';
import { actorOf, assertVersion, eventHeaders, illegalTransition } from '../lifecycle/case-workflow';
import { OrderBreach } from './order-breach.entity';
import { OrderTransition } from './order-transition.entity';
import { ProtectiveOrder } from './protective-order.entity';

const DAY_MS = 24 * 60 * 60 * 1000;
const ZONES_COLUMN = 'exclusion_zones';

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

/** The exclusion zones of an order, opened only for a caller holding victim.location. */
export type ZoneOpener = ((o: ProtectiveOrder) => ExclusionZone[]) | null;

export function orderView(o: ProtectiveOrder, breaches: OrderBreach[], now: Date, openZones: ZoneOpener): ProtectiveOrderView {
  return {
    orderId: o.id,
    caseId: o.caseId,
    orderType: o.orderType,
    status: o.status,
    consideredAt: o.consideredAt.toISOString(),
    note: o.note,
    notPursuedReason: o.notPursuedReason,
    reason: o.reason,
    appliedAt: o.appliedAt?.toISOString() ?? null,
    decidedAt: o.decidedAt?.toISOString() ?? null,
    effectiveFrom: o.effectiveFrom?.toISOString() ?? null,
    expiresAt: o.expiresAt?.toISOString() ?? null,
    servedAt: o.servedAt?.toISOString() ?? null,
    notificationDueAt: o.notificationDueAt?.toISOString() ?? null,
    notificationReceivedAt: o.notificationReceivedAt?.toISOString() ?? null,
    notificationOverdue: !!o.notificationDueAt && !o.notificationReceivedAt && o.notificationDueAt.getTime() < now.getTime(),
    breaches: breaches.map((b) => ({ breachId: b.id, incidentId: b.incidentId, occurredAt: b.occurredAt.toISOString(), reportedAt: b.reportedAt.toISOString() })),
    // victim.location (AC-03): present only when granted; never silently included.
    ...(openZones ? { exclusionZones: openZones(o) } : {}),
    hasExclusionZones: o.exclusionZonesEnc !== null,
    version: o.version,
  };
}

/**
 * Protective orders (domain.md §4, D7-D11): consideration to ending under the order state machine, the
 * SPO minimum term and the 3-day notification clock, breaches as the fast path (an incident with the
 * BREACH behaviour joins the course of conduct and `intake.incident.recorded.v1` re-triggers risk review),
 * and expiry warnings from a scan.
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly cipher: PersonalDataCipher,
  ) {}

  private seal(orderId: string, zones: ExclusionZone[] | undefined): Buffer | null {
    return zones?.length ? this.cipher.seal(zones.map((z) => ({ ...z })), orderId, ZONES_COLUMN) : null;
  }

  private opener(ctx: Pick<RequestContext, 'fieldGroups'>): ZoneOpener {
    if (!ctx.fieldGroups.includes('victim.location')) return null;
    return (o) => (o.exclusionZonesEnc ? this.cipher.open<ExclusionZone[]>(o.exclusionZonesEnc, o.id, ZONES_COLUMN) : []);
  }

  consider(cmd: ConsiderOrderCommand, ctx: RequestContext): Promise<ProtectiveOrderView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'order.consider', cmd, async () => {
        const now = this.clock.now();
        const c = await m.findOne(StalkingCase, { where: { id: cmd.caseId }, lock: { mode: 'pessimistic_read' } });
        if (!c) throw new ProblemException(CASE_NOT_FOUND);
        if (c.status === 'CLOSED') throw rpcProblem(409, 'case-closed', 'Orders cannot be considered on a closed case; re-open it first');
        const id = randomUUID();
        const o = await m.save(
          Object.assign(new ProtectiveOrder(), {
            id,
            caseId: c.id,
            orderType: cmd.orderType,
            status: 'CONSIDERED',
            note: cmd.note ?? null,
            notPursuedReason: null,
            reason: null,
            consideredBy: actorOf(ctx),
            consideredAt: now,
            appliedAt: null,
            decidedAt: null,
            effectiveFrom: null,
            expiresAt: null,
            servedAt: null,
            notificationDueAt: null,
            notificationReceivedAt: null,
            expiryWarnedFor: null,
            exclusionZonesEnc: this.seal(id, cmd.exclusionZones),
          }),
        );
        await this.history(m, o.id, null, 'CONSIDERED', null, actorOf(ctx), now);
        await this.outbox.enqueue(
          m,
          OrderConsideredV1,
          { caseId: c.id, aggregateVersion: o.version, additionalInformation: { orderId: o.id, orderType: o.orderType, consideredAt: now.toISOString() } },
          eventHeaders(ctx),
        );
        await this.audit(m, ctx, 'collection', [c.id, o.id]);
        return orderView(o, [], now, this.opener(ctx));
      }),
    );
  }

  transition(cmd: OrderTransitionCommand, ctx: RequestContext): Promise<ProtectiveOrderView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await this.lockOrder(m, cmd.caseId, cmd.orderId);
      assertVersion('order', o.version, cmd.expectedVersion);
      if (!canTransition(ORDER_LIFECYCLE, o.status, cmd.to)) throw illegalTransition('order', o.status, cmd.to);
      if (ORDER_STATUSES_NEEDING_REASON.includes(cmd.to) && cmd.to !== 'NOT_PURSUED' && !cmd.reason) {
        throw invalid('reason', `reason is required to move an order to ${cmd.to}`);
      }
      const from = o.status;
      const headers = eventHeaders(ctx);
      const events: (() => Promise<unknown>)[] = [];
      switch (cmd.to) {
        case 'NOT_PURSUED':
          if (!cmd.notPursuedReason) throw invalid('notPursuedReason', 'notPursuedReason is required: the decision not to pursue is recorded with its reason');
          if (cmd.notPursuedReason === 'OTHER' && !cmd.reason) throw invalid('reason', 'reason is required when notPursuedReason is OTHER');
          o.notPursuedReason = cmd.notPursuedReason;
          o.decidedAt = now;
          break;
        case 'APPLIED':
          o.appliedAt = now;
          break;
        case 'REFUSED':
          o.decidedAt = now;
          break;
        case 'GRANTED': {
          if (!cmd.effectiveFrom) throw invalid('effectiveFrom', 'effectiveFrom is required when an order is granted');
          const from = new Date(cmd.effectiveFrom);
          const expires = cmd.expiresAt ? new Date(cmd.expiresAt) : null;
          const term = orderTermProblem(o.orderType, from, expires);
          if (term) throw rpcProblem(422, 'order-term', term);
          o.effectiveFrom = from;
          o.expiresAt = expires;
          o.decidedAt = now;
          events.push(() =>
            this.outbox.enqueue(m, OrderGrantedV1, {
              caseId: o.caseId,
              aggregateVersion: o.version,
              additionalInformation: { orderId: o.id, orderType: o.orderType, effectiveFrom: from.toISOString(), ...(expires ? { expiresAt: expires.toISOString() } : {}) },
            }, headers),
          );
          break;
        }
        case 'SERVED': {
          if (!cmd.servedAt) throw invalid('servedAt', 'servedAt is required when an order is served');
          const servedAt = new Date(cmd.servedAt);
          if (servedAt.getTime() > now.getTime() + 5 * 60 * 1000) throw invalid('servedAt', 'servedAt cannot be in the future');
          o.servedAt = servedAt;
          // SPA 2019 s9: name and home address within 3 days of service — a clock for the SPO coordinator.
          o.notificationDueAt = SPO_TYPES.includes(o.orderType) ? notificationDueAt(servedAt) : null;
          events.push(() =>
            this.outbox.enqueue(m, OrderServedV1, {
              caseId: o.caseId,
              aggregateVersion: o.version,
              additionalInformation: {
                orderId: o.id,
                orderType: o.orderType,
                servedAt: servedAt.toISOString(),
                ...(o.notificationDueAt ? { notificationDueAt: o.notificationDueAt.toISOString() } : {}),
              },
            }, headers),
          );
          break;
        }
        case 'RENEWED': {
          if (!cmd.expiresAt) throw invalid('expiresAt', 'expiresAt (the new end) is required to renew an order');
          const expires = new Date(cmd.expiresAt);
          if (o.expiresAt && expires.getTime() <= o.expiresAt.getTime()) throw invalid('expiresAt', 'A renewal must end after the current expiry');
          const term = orderTermProblem(o.orderType, o.effectiveFrom ?? now, expires);
          if (term) throw rpcProblem(422, 'order-term', term);
          o.expiresAt = expires;
          o.expiryWarnedFor = null;
          break;
        }
        case 'VARIED':
          if (cmd.exclusionZones) o.exclusionZonesEnc = this.seal(o.id, cmd.exclusionZones);
          break;
        case 'EXPIRED':
          if (!o.expiresAt || o.expiresAt.getTime() > now.getTime()) throw rpcProblem(409, 'order-not-expired', 'The order has not reached its expiry');
          break;
        default:
          break;
      }
      if (cmd.to !== 'VARIED' && cmd.exclusionZones) throw invalid('exclusionZones', 'exclusion zones change only when the order is varied');
      if (cmd.reason) o.reason = cmd.reason;
      o.status = cmd.to;
      const saved = await m.save(o);
      await this.history(m, o.id, from, cmd.to, cmd.reason ?? cmd.notPursuedReason ?? null, actorOf(ctx), now);
      for (const e of events) await e();
      if (ORDER_ENDED.includes(cmd.to)) await this.ended(m, saved, now, headers);
      await this.audit(m, ctx, 'alteration', [o.caseId, o.id]);
      return orderView(saved, await this.breachesOf(m, [o.id]), now, this.opener(ctx));
    });
  }

  recordNotification(cmd: NotificationReceivedCommand, ctx: RequestContext): Promise<ProtectiveOrderView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await this.lockOrder(m, cmd.caseId, cmd.orderId);
      assertVersion('order', o.version, cmd.expectedVersion);
      if (!o.notificationDueAt) throw rpcProblem(409, 'no-notification-requirement', 'Only a served Stalking Protection Order carries the notification requirement');
      if (o.notificationReceivedAt) throw rpcProblem(409, 'notification-already-received', 'The notification was already recorded');
      const receivedAt = new Date(cmd.receivedAt);
      if (o.servedAt && receivedAt.getTime() < o.servedAt.getTime()) throw invalid('receivedAt', 'receivedAt cannot be before the order was served');
      if (receivedAt.getTime() > now.getTime() + 5 * 60 * 1000) throw invalid('receivedAt', 'receivedAt cannot be in the future');
      o.notificationReceivedAt = receivedAt;
      const saved = await m.save(o);
      await this.audit(m, ctx, 'alteration', [o.caseId, o.id]);
      return orderView(saved, await this.breachesOf(m, [o.id]), now, this.opener(ctx));
    });
  }

  /**
   * A breach is recorded against an order in force: a BREACH incident is added to the course of
   * conduct (inserted here in the incident table intake owns) and both `order.breach-reported` and
   * `incident.recorded` are published, so risk review and the case lifecycle react.
   */
  reportBreach(cmd: ReportBreachCommand, ctx: RequestContext): Promise<BreachReported> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'order.breach.report', cmd, async () => {
        const now = this.clock.now();
        const o = await this.lockOrder(m, cmd.caseId, cmd.orderId);
        if (!ORDER_IN_FORCE.includes(o.status)) {
          throw rpcProblem(409, 'order-not-in-force', `A breach can only be reported against an order in force (this one is ${o.status})`);
        }
        const occurredAt = new Date(cmd.occurredAt);
        if (occurredAt.getTime() > now.getTime() + 5 * 60 * 1000) throw invalid('occurredAt', 'occurredAt cannot be in the future');
        const { breachId, incidentId } = await this.recordBreach(m, o, {
          occurredAt,
          behaviours: cmd.behaviours ?? [],
          note: cmd.note ?? null,
          actor: actorOf(ctx),
          at: now,
          headers: eventHeaders(ctx),
        });
        await this.audit(m, ctx, 'collection', [o.caseId, o.id, breachId, incidentId]);
        return { breachId, incidentId, orderId: o.id };
      }),
    );
  }

  /**
   * The breach fast path (domain.md §6.7) for an order in force, inside the caller's transaction: a BREACH
   * incident joins the course of conduct and `order.breach-reported` and `incident.recorded` are published,
   * so risk review and the case lifecycle react. Used by a reported breach and by a partner's breached
   * requirement (an intervention under an SPO requirement).
   */
  async recordBreach(
    m: EntityManager,
    o: ProtectiveOrder,
    b: { occurredAt: Date; behaviours: BehaviourCode[]; note: string | null; actor: string; at: Date; headers: EventHeaders },
  ): Promise<{ breachId: string; incidentId: string }> {
    const { occurredAt, at: now, headers } = b;
    const behaviours = [...new Set<BehaviourCode>([...b.behaviours, 'BREACH'])];
    const incidentId = randomUUID();
    // The same per-case lock as the incidents feature, so the course-of-conduct ordinal stays gap-free.
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [`incident:${o.caseId}`]);
    await m.query('INSERT INTO incident (id, case_id, occurred_at, behaviours, recorded_at) VALUES ($1, $2, $3, $4, $5)', [
      incidentId,
      o.caseId,
      occurredAt,
      behaviours,
      now,
    ]);
    const [{ n: ordinal }]: { n: number }[] = await m.query('SELECT count(*)::int AS n FROM incident WHERE case_id = $1', [o.caseId]);
    const breach = Object.assign(new OrderBreach(), {
      id: randomUUID(),
      orderId: o.id,
      caseId: o.caseId,
      incidentId,
      occurredAt,
      note: b.note,
      reportedBy: b.actor,
      reportedAt: now,
    });
    await m.insert(OrderBreach, breach);
    await this.outbox.enqueue(
      m,
      OrderBreachReportedV1,
      {
        caseId: o.caseId,
        aggregateVersion: o.version,
        additionalInformation: { orderId: o.id, orderType: o.orderType, breachId: breach.id, incidentId, occurredAt: occurredAt.toISOString() },
      },
      headers,
    );
    await this.outbox.enqueue(
      m,
      IncidentRecordedV1,
      {
        caseId: o.caseId,
        aggregateVersion: ordinal,
        detailUrl: `/api/v1/cases/${o.caseId}/timeline`,
        additionalInformation: { incidentId, occurredAt: occurredAt.toISOString(), behaviours, isBreach: true },
      },
      headers,
    );
    return { breachId: breach.id, incidentId };
  }

  async list(caseId: string, ctx: RequestContext): Promise<ProtectiveOrderView[]> {
    const m = this.dataSource.manager;
    if (!(await m.exists(StalkingCase, { where: { id: caseId } }))) throw new ProblemException(CASE_NOT_FOUND);
    const orders = await m.find(ProtectiveOrder, { where: { caseId }, order: { consideredAt: 'ASC' } });
    const breaches = await this.breachesOf(m, orders.map((o) => o.id));
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'case.workflow.read',
      principal: ctx.principal,
      recordType: 'protective-order',
      recordIds: [caseId, ...orders.map((o) => o.id)],
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
    const now = this.clock.now();
    const openZones = this.opener(ctx);
    return orders.map((o) => orderView(o, breaches.filter((b) => b.orderId === o.id), now, openZones));
  }

  /**
   * The expiry scan: orders in force past their expiry become EXPIRED (`order.ended`); orders ending
   * within the window get one `order.expiring` warning per expiry date (a renewal re-arms it). Rows are
   * claimed with SKIP LOCKED so concurrent scans never double-warn.
   */
  async scanExpiring(o: { withinDays?: number; actor: Principal; correlationId: string }): Promise<ExpiryScanResult> {
    const now = this.clock.now();
    const horizon = new Date(now.getTime() + (o.withinDays ?? ORDER_EXPIRY_WARNING_DAYS) * DAY_MS);
    const headers: EventHeaders = { correlationId: o.correlationId };
    return this.dataSource.transaction(async (m) => {
      const due = await m
        .createQueryBuilder(ProtectiveOrder, 'o')
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .where('o.status IN (:...inForce)', { inForce: ORDER_IN_FORCE })
        .andWhere('o.expires_at IS NOT NULL AND o.expires_at <= :horizon', { horizon })
        .andWhere('(o.expires_at <= :now OR o.expiry_warned_for IS NULL OR o.expiry_warned_for <> o.expires_at)', { now })
        .orderBy('o.expires_at')
        .limit(500)
        .getMany();
      let warned = 0;
      let expired = 0;
      for (const order of due) {
        if (order.expiresAt!.getTime() <= now.getTime()) {
          const from = order.status;
          order.status = 'EXPIRED';
          const saved = await m.save(order);
          await this.history(m, order.id, from, 'EXPIRED', null, o.actor.subject, now);
          await this.ended(m, saved, now, headers);
          expired++;
        } else {
          order.expiryWarnedFor = order.expiresAt;
          const saved = await m.save(order);
          await this.outbox.enqueue(
            m,
            OrderExpiringV1,
            { caseId: order.caseId, aggregateVersion: saved.version, additionalInformation: { orderId: order.id, orderType: order.orderType, expiresAt: order.expiresAt!.toISOString() } },
            headers,
          );
          warned++;
        }
      }
      if (due.length) {
        await this.accessLog.append(m, {
          operation: 'alteration',
          action: 'order.scan',
          principal: o.actor,
          recordType: 'protective-order',
          recordIds: due.map((d) => d.id),
          fieldGroups: [],
          legalBasis: 'workflow',
          recipients: ['police'],
          decision: { allow: true, rule: 'order.scan' },
          correlationId: o.correlationId,
        });
      }
      return { warned, expired };
    });
  }

  private async ended(m: EntityManager, o: ProtectiveOrder, now: Date, headers: EventHeaders): Promise<void> {
    await this.outbox.enqueue(
      m,
      OrderEndedV1,
      { caseId: o.caseId, aggregateVersion: o.version, additionalInformation: { orderId: o.id, orderType: o.orderType, outcome: o.status, endedAt: now.toISOString() } },
      headers,
    );
  }

  private async lockOrder(m: EntityManager, caseId: string, orderId: string): Promise<ProtectiveOrder> {
    const o = await m.findOne(ProtectiveOrder, { where: { id: orderId, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!o) throw rpcProblem(404, 'order-not-found', 'No such order on this case');
    return o;
  }

  private breachesOf(m: EntityManager, orderIds: string[]): Promise<OrderBreach[]> {
    return orderIds.length ? m.find(OrderBreach, { where: { orderId: In(orderIds) }, order: { occurredAt: 'ASC' } }) : Promise.resolve([]);
  }

  private history(m: EntityManager, orderId: string, from: ProtectiveOrder['status'] | null, to: ProtectiveOrder['status'], reason: string | null, actor: string, at: Date) {
    return m.insert(OrderTransition, { id: randomUUID(), orderId, fromState: from, toState: to, reason, actor, occurredAt: at });
  }

  private audit(m: EntityManager, ctx: RequestContext, operation: 'collection' | 'alteration', recordIds: string[]) {
    return this.accessLog.append(m, {
      operation,
      action: 'order.manage',
      principal: ctx.principal,
      recordType: 'protective-order',
      recordIds,
      fieldGroups: ctx.fieldGroups as FieldGroup[],
      purpose: ctx.purpose,
      recipients: ['police'],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}
