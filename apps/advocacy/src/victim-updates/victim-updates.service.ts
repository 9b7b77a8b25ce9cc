import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  CaseStageChangedV1,
  InvestigationMilestoneRecordedV1,
  OrderGrantedV1,
  VictimUpdateDeliveredV1,
  VictimUpdateDueV1,
  VictimUpdateOverdueV1,
  type ComplianceView,
  type DeliverUpdateCommand,
  type VictimUpdateListView,
  type VictimUpdateView,
} from '@stac/contracts';
import {
  UPDATE_TRIGGER_FOR_MILESTONE,
  updateSchemeOf,
  updateTriggerForCjStage,
  VICTIMS_CODE_WORKING_DAYS,
  WorkingDayCalendar,
  type UpdateDeliveryMethod,
  type UpdateScheme,
  type UpdateTrigger,
} from '@stac/domain';
import { caseIdOf, OnEvent, Outbox, type EventContext, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { assertVersion, consentInForce, headersOf, type OfferRow } from '../victim-support/victim-support-record';

export interface ObligationRow {
  id: string;
  case_id: string;
  trigger: UpdateTrigger;
  scheme: UpdateScheme;
  triggered_at: Date;
  due_at: Date;
  enhanced_rights: boolean;
  owner_agency: string;
  owner_person: string | null;
  status: 'OPEN' | 'DELIVERED';
  delivered_at: Date | null;
  delivery_method: UpdateDeliveryMethod | null;
  delivered_by: string | null;
  escalated_at: Date | null;
  version: number;
}

/** How an event was taken: an obligation opened, already opened by this event, or recorded as not opened (with why). */
export type OpenOutcome = 'OPENED' | 'DUPLICATE' | 'NOT_OPENED' | 'NOT_REFERRED';

export function obligationView(o: ObligationRow, now: Date): VictimUpdateView {
  return {
    obligationId: o.id,
    trigger: o.trigger,
    scheme: o.scheme,
    triggeredAt: o.triggered_at.toISOString(),
    dueAt: o.due_at.toISOString(),
    enhancedRights: o.enhanced_rights,
    ownerAgency: o.owner_agency,
    ownerPerson: o.owner_person,
    status: o.status,
    deliveredAt: o.delivered_at?.toISOString() ?? null,
    deliveryMethod: o.delivery_method,
    deliveredBy: o.delivered_by,
    overdue: o.status === 'OPEN' && o.due_at.getTime() < now.getTime(),
    escalatedAt: o.escalated_at?.toISOString() ?? null,
    inTime: o.delivered_at ? o.delivered_at.getTime() <= o.due_at.getTime() : null,
    version: o.version,
  };
}

/**
 * Victims' Code update clocks (domain.md §4, §6.3): each criminal-justice event intake announces (a stage
 * change, a BAIL_CONDITIONS order, an investigation milestone) opens an obligation to update the victim
 * within 5 working days (1 with enhanced rights) on the England and Wales calendar, owned by the charity
 * and its allocated advocate, delivered with evidence (when, how, by whom). Release and licence end open a
 * victim contact scheme obligation the same way (see ReleaseTriggersService). An open obligation past its
 * due time is overdue: it shows on the lead's worklist at once, and the escalation scan announces it once
 * (`advocacy.victim.update-overdue.v1`). A victim whose consent is not in force is not contacted by the
 * charity: the event is recorded as not opened, with why. Each event opens at most one obligation
 * (unique on the event id), so a redelivery changes nothing.
 */
@Injectable()
export class VictimUpdatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  @OnEvent(CaseStageChangedV1)
  async onCaseStageChanged(event: CaseStageChangedV1, ctx: EventContext): Promise<void> {
    if (event.machine !== 'CJ_STAGE') return;
    const trigger = updateTriggerForCjStage(event.to) ?? (event.bailReturnAt ? 'BAIL_OR_RUI' : null);
    if (trigger) await this.open(ctx, trigger, new Date(event.changedAt));
  }

  /** Bail conditions imposed or changed (intake records them as a BAIL_CONDITIONS order). */
  @OnEvent(OrderGrantedV1)
  async onOrderGranted(event: OrderGrantedV1, ctx: EventContext): Promise<void> {
    if (event.orderType === 'BAIL_CONDITIONS') await this.open(ctx, 'BAIL_CONDITIONS_CHANGED', new Date(ctx.envelope.occurredAt));
  }

  /** Suspect interviewed, bail conditions varied, decision not to investigate: milestones that move no stage. */
  @OnEvent(InvestigationMilestoneRecordedV1)
  async onMilestoneRecorded(event: InvestigationMilestoneRecordedV1, ctx: EventContext): Promise<void> {
    await this.open(ctx, UPDATE_TRIGGER_FOR_MILESTONE[event.milestone], new Date(event.occurredAt));
  }

  /**
   * Opens the obligation the event owes the victim, in the event's transaction. `workingDays` overrides
   * the Victims' Code clock (the victim contact scheme's setting). `recordNotReferred`: a case the charity
   * holds no offer for is recorded as not opened (NO_ADVOCACY_OFFER) instead of being ignored.
   */
  async open(ctx: EventContext, trigger: UpdateTrigger, triggeredAt: Date, o: { workingDays?: number; recordNotReferred?: boolean } = {}): Promise<OpenOutcome> {
    const m = ctx.manager;
    const caseId = caseIdOf(ctx);
    const [offer]: OfferRow[] = await m.query(`SELECT * FROM advocacy_offer WHERE case_id = $1 FOR UPDATE`, [caseId]);
    // A case never referred to the charity: it holds nothing about this victim and learns nothing more.
    if (!offer) {
      if (!o.recordNotReferred) return 'NOT_REFERRED';
      await this.notOpened(m, ctx, caseId, trigger, 'NO_ADVOCACY_OFFER');
      return 'NOT_OPENED';
    }
    if (!consentInForce(offer.consent_state)) {
      await this.notOpened(m, ctx, caseId, trigger, `CONSENT_${offer.consent_state ?? 'NOT_RECORDED'}`);
      return 'NOT_OPENED';
    }
    const days = o.workingDays ?? (offer.enhanced_rights ? VICTIMS_CODE_WORKING_DAYS.enhanced : VICTIMS_CODE_WORKING_DAYS.standard);
    const dueAt = this.calendar.addWorkingDays(triggeredAt, days);
    const id = randomUUID();
    const inserted: unknown[] = await m.query(
      `INSERT INTO victim_update_obligation (id, case_id, trigger, scheme, trigger_event_id, triggered_at, due_at, enhanced_rights, owner_agency, owner_person, status, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'advocacy', $9, 'OPEN', 1) ON CONFLICT (trigger_event_id) DO NOTHING RETURNING id`,
      [id, caseId, trigger, updateSchemeOf(trigger), ctx.envelope.id, triggeredAt, dueAt, offer.enhanced_rights, offer.advocate],
    );
    if (inserted.length === 0) return 'DUPLICATE';
    await this.outbox.enqueue(
      m,
      VictimUpdateDueV1,
      {
        caseId,
        aggregateVersion: 1,
        additionalInformation: { obligationId: id, trigger, triggeredAt: triggeredAt.toISOString(), dueAt: dueAt.toISOString(), enhancedRights: offer.enhanced_rights },
      },
      { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent },
    );
    return 'OPENED';
  }

  private async notOpened(m: EntityManager, ctx: EventContext, caseId: string, trigger: UpdateTrigger, reason: string): Promise<void> {
    await m.query(
      `INSERT INTO victim_update_not_opened (trigger_event_id, case_id, trigger, reason, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [ctx.envelope.id, caseId, trigger, reason, this.clock.now()],
    );
  }

  /**
   * The escalation scan: every open obligation past its due time on the injectable clock is marked
   * escalated and announced once (`advocacy.victim.update-overdue.v1`). Rows are claimed with SKIP LOCKED,
   * so concurrent scans (several instances) never announce one twice. It stays on the lead's worklist
   * until delivered.
   */
  async escalateOverdue(headers: EventHeaders, batch = 500): Promise<{ escalated: number }> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const rows: ObligationRow[] = await m.query(
        `SELECT * FROM victim_update_obligation WHERE status = 'OPEN' AND escalated_at IS NULL AND due_at < $1
          ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, batch],
      );
      for (const o of rows) {
        await m.query(`UPDATE victim_update_obligation SET escalated_at = $2 WHERE id = $1`, [o.id, now]);
        await this.outbox.enqueue(
          m,
          VictimUpdateOverdueV1,
          {
            caseId: o.case_id,
            aggregateVersion: o.version,
            additionalInformation: { obligationId: o.id, trigger: o.trigger, scheme: o.scheme, dueAt: o.due_at.toISOString(), escalatedAt: now.toISOString() },
          },
          headers,
        );
      }
      return { escalated: rows.length };
    });
  }

  async list(caseId: string): Promise<VictimUpdateListView> {
    const now = this.clock.now();
    const [rows, skipped] = await Promise.all([
      this.dataSource.query(`SELECT * FROM victim_update_obligation WHERE case_id = $1 ORDER BY triggered_at, seq`, [caseId]),
      this.dataSource.query(`SELECT trigger, reason, at FROM victim_update_not_opened WHERE case_id = $1 ORDER BY at`, [caseId]),
    ]);
    return {
      obligations: (rows as ObligationRow[]).map((o) => obligationView(o, now)),
      notOpened: (skipped as { trigger: UpdateTrigger; reason: string; at: Date }[]).map((s) => ({ trigger: s.trigger, reason: s.reason, at: s.at.toISOString() })),
    };
  }

  deliver(cmd: DeliverUpdateCommand, ctx: RequestContext): Promise<VictimUpdateView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const o = await this.lock(m, cmd.caseId, cmd.obligationId);
      assertVersion('update obligation', o.version, cmd.expectedVersion);
      const deliveredAt = new Date(cmd.deliveredAt);
      if (deliveredAt.getTime() > now.getTime() + 5 * 60_000) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'deliveredAt', message: 'deliveredAt cannot be in the future' }] });
      if (deliveredAt.getTime() < o.triggered_at.getTime()) throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'deliveredAt', message: 'deliveredAt is before the event the update is about' }] });
      const saved = await this.markDelivered(m, o, deliveredAt, cmd.method, ctx.principal.subject, headersOf(ctx));
      await ctx.audit(m, { recordIds: [o.case_id, o.id] });
      return obligationView(saved, now);
    });
  }

  /** Records delivery with its evidence and announces it; delivering twice is a conflict. */
  async markDelivered(m: EntityManager, o: ObligationRow, at: Date, method: UpdateDeliveryMethod, by: string, headers: EventHeaders): Promise<ObligationRow> {
    if (o.status === 'DELIVERED') throw rpcProblem(409, 'already-delivered', 'This update was already delivered');
    await m.query(
      `UPDATE victim_update_obligation SET status = 'DELIVERED', delivered_at = $2, delivery_method = $3, delivered_by = $4, version = version + 1 WHERE id = $1`,
      [o.id, at, method, by],
    );
    const saved = { ...o, status: 'DELIVERED' as const, delivered_at: at, delivery_method: method, delivered_by: by, version: o.version + 1 };
    await this.outbox.enqueue(
      m,
      VictimUpdateDeliveredV1,
      { caseId: o.case_id, aggregateVersion: saved.version, additionalInformation: { obligationId: o.id, deliveredAt: at.toISOString(), method, inTime: at.getTime() <= o.due_at.getTime() } },
      headers,
    );
    return saved;
  }

  async lock(m: EntityManager, caseId: string, obligationId: string): Promise<ObligationRow> {
    const [o]: ObligationRow[] = await m.query(`SELECT * FROM victim_update_obligation WHERE id = $1 AND case_id = $2 FOR UPDATE`, [obligationId, caseId]);
    if (!o) throw rpcProblem(404, 'update-obligation-not-found', 'No such update obligation on this case');
    return o;
  }

  /** The month's figure: of the Victims' Code updates due in the month (UTC calendar month), how many were given in time. */
  async compliance(month: string): Promise<ComplianceView> {
    const now = this.clock.now();
    const [y, mo] = month.split('-').map(Number);
    const from = new Date(Date.UTC(y, mo - 1, 1));
    const to = new Date(Date.UTC(y, mo, 1));
    const [r]: { due: number; in_time: number; late: number; overdue: number; pending: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS due,
              count(*) FILTER (WHERE status = 'DELIVERED' AND delivered_at <= due_at)::int AS in_time,
              count(*) FILTER (WHERE status = 'DELIVERED' AND delivered_at > due_at)::int AS late,
              count(*) FILTER (WHERE status = 'OPEN' AND due_at < $3)::int AS overdue,
              count(*) FILTER (WHERE status = 'OPEN' AND due_at >= $3)::int AS pending
         FROM victim_update_obligation WHERE scheme = 'VICTIMS_CODE' AND due_at >= $1 AND due_at < $2`,
      [from, to, now],
    );
    const decided = r.due - r.pending;
    return {
      month,
      due: r.due,
      deliveredInTime: r.in_time,
      deliveredLate: r.late,
      overdue: r.overdue,
      pending: r.pending,
      compliancePercent: decided > 0 ? Math.round((1000 * r.in_time) / decided) / 10 : null,
    };
  }
}
