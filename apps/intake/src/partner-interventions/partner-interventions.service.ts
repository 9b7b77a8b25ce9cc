import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { InterventionStatusChangedV1 } from '@stac/contracts';
import { INTERVENTION_ACTIVE, ORDER_IN_FORCE } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { rpcProblem } from '@stac/runtime';
import { OrdersService } from '../orders/orders.service';
import { ProtectiveOrder } from '../orders/protective-order.entity';
import { PartnerIntervention } from './partner-intervention.entity';

/**
 * Partner interventions on the multi-agency record (domain.md §3 steps 11-12): the trust's
 * `intervention.status-changed` keeps the latest status per intervention (a late, older change is ignored by
 * its version), a case cannot close while one is active, and BREACHED of an SPO requirement is a breach of
 * that order (the breach fast path, §6.7).
 */
@Injectable()
export class PartnerInterventions {
  constructor(private readonly orders: OrdersService) {}

  @OnEvent(InterventionStatusChangedV1)
  async onStatusChanged(event: InterventionStatusChangedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const version = ctx.envelope.aggregateVersion;
    const applied: unknown[] = await ctx.manager.query(
      `INSERT INTO partner_intervention (intervention_id, case_id, agency, status, legal_basis, order_id, changed_at, source_version)
       VALUES ($1, $2, 'mental-health', $3, $4, $5, $6, $7)
       ON CONFLICT (intervention_id) DO UPDATE
         SET status = EXCLUDED.status, legal_basis = EXCLUDED.legal_basis, order_id = EXCLUDED.order_id,
             changed_at = EXCLUDED.changed_at, source_version = EXCLUDED.source_version
       WHERE partner_intervention.source_version < EXCLUDED.source_version
       RETURNING intervention_id`,
      [event.interventionId, caseId, event.status, event.legalBasis, event.orderId ?? null, new Date(event.changedAt), version],
    );
    if (applied.length === 0 || event.status !== 'BREACHED' || event.legalBasis !== 'SPO_REQUIREMENT' || !event.orderId) return;
    const order = await ctx.manager.findOne(ProtectiveOrder, { where: { id: event.orderId, caseId }, lock: { mode: 'pessimistic_write' } });
    // A requirement of an order no longer in force is not a breach of it.
    if (!order || !ORDER_IN_FORCE.includes(order.status)) return;
    await this.orders.recordBreach(ctx.manager, order, {
      occurredAt: new Date(event.changedAt),
      behaviours: [],
      note: null,
      actor: 'service:mental-health',
      at: new Date(),
      headers: { correlationId: ctx.correlationId, causationId: ctx.causationId },
    });
  }

  /** The closure rule (domain.md §3 step 12): 409 naming the active interventions. */
  async assertNoneActive(m: EntityManager, caseId: string): Promise<void> {
    const active = await m.find(PartnerIntervention, { where: { caseId, status: In([...INTERVENTION_ACTIVE]) } });
    if (active.length) {
      throw rpcProblem(409, 'intervention-active', 'The case cannot close while an intervention with the person of concern is active', {
        detail: `Active interventions: ${active.map((i) => `${i.agency} ${i.legalBasis} ${i.status} (${i.interventionId})`).join(', ')}`,
      });
    }
  }
}
