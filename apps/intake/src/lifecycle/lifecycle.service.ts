import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships, systemPrincipal } from '@stac/auth';
import {
  CaseClosedV1,
  CaseReopenedV1,
  IncidentRecordedV1,
  ProblemException,
  type CaseLifecycleView,
  type CjStageChangeCommand,
  type CloseCaseCommand,
  type StatusTransitionCommand,
} from '@stac/contracts';
import { CJ_STAGES_NEEDING_REASON, ORDER_BLOCKS_CLOSURE, type ReopenReason } from '@stac/domain';
import { caseIdOf, OnEvent, PermanentEventError, type EventContext } from '@stac/messaging';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { ProtectiveOrder } from '../orders/protective-order.entity';
import { ScreeningClocks } from '../screening/screening-clock.service';
import { CaseTransition } from './case-transition.entity';
import { actorOf, assertVersion, CaseWorkflow, eventHeaders } from './case-workflow';
import { PartnerInterventions } from '../partner-interventions/partner-interventions.service';
import { endPanelSeats } from '../consultations/panel-access';

const SYSTEM = systemPrincipal('intake', 'police');

/**
 * The case lifecycle and criminal-justice stage as commands (guarded by the state machines in
 * @stac/domain), closing with a reason and never over an active order, and re-opening when a new
 * incident or breach arrives on a closed case.
 */
@Injectable()
export class LifecycleService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: CaseWorkflow,
    private readonly clocks: ScreeningClocks,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly relationships: CaseRelationships,
    private readonly interventions: PartnerInterventions,
  ) {}

  transition(cmd: StatusTransitionCommand, ctx: RequestContext): Promise<CaseLifecycleView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const c = await this.workflow.lockCase(m, cmd.caseId);
      assertVersion('case', c.version, cmd.expectedVersion);
      // Screening and triage have their own commands: they record what the move is based on.
      if (cmd.to === 'SCREENING' && c.status !== 'REOPENED') throw rpcProblem(409, 'illegal-transition', `Cannot move the case from ${c.status} to SCREENING; record a screening instead`);
      if (cmd.to === 'TRIAGED') throw rpcProblem(409, 'illegal-transition', `Cannot move the case from ${c.status} to TRIAGED; record a triage decision instead`);
      const wasClosed = c.status === 'CLOSED';
      await this.workflow.moveStatus(m, c, cmd.to, { at: now, actor: actorOf(ctx), headers: eventHeaders(ctx), note: cmd.note ?? null });
      if (wasClosed && cmd.to === 'REOPENED') await this.reopened(m, c, 'NEW_INFORMATION', now, eventHeaders(ctx));
      await this.audit(m, ctx.principal, ctx, 'case.transition', [c.id]);
      return this.view(m, c.id);
    });
  }

  close(cmd: CloseCaseCommand, ctx: RequestContext): Promise<CaseLifecycleView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const c = await this.workflow.lockCase(m, cmd.caseId);
      assertVersion('case', c.version, cmd.expectedVersion);
      if (cmd.reason === 'OTHER' && !cmd.note) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'note', message: 'note is required when the reason is OTHER' }] });
      }
      // A case cannot close while an order is in force or pending (domain.md §3 step 12).
      const blocking = await m.find(ProtectiveOrder, { where: { caseId: c.id, status: In([...ORDER_BLOCKS_CLOSURE]) } });
      if (blocking.length) {
        throw rpcProblem(409, 'order-active', 'The case cannot close while a protective order is active or pending', {
          detail: `Active or pending orders: ${blocking.map((o) => `${o.orderType} ${o.status} (${o.id})`).join(', ')}`,
        });
      }
      // ... nor while an intervention with the person of concern is active.
      await this.interventions.assertNoneActive(m, c.id);
      c.closureReason = cmd.reason;
      c.closureNote = cmd.note ?? null;
      c.closedAt = now;
      const saved = await this.workflow.moveStatus(m, c, 'CLOSED', { at: now, actor: actorOf(ctx), headers: eventHeaders(ctx), reasonCode: cmd.reason, note: cmd.note ?? null });
      await this.clocks.stop(m, c.id, now);
      // Panel seats last while the case is open (need-to-know); a later consultation seats its panel anew.
      await endPanelSeats(m, { relationships: this.relationships, accessLog: this.accessLog, outbox: this.outbox }, { caseId: c.id, at: now }, ctx);
      await this.outbox.enqueue(
        m,
        CaseClosedV1,
        { caseId: c.id, aggregateVersion: saved.version, additionalInformation: { reason: cmd.reason, closedAt: now.toISOString() } },
        eventHeaders(ctx),
      );
      await this.audit(m, ctx.principal, ctx, 'case.transition', [c.id]);
      return this.view(m, c.id);
    });
  }

  changeCjStage(cmd: CjStageChangeCommand, ctx: RequestContext): Promise<CaseLifecycleView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const c = await this.workflow.lockCase(m, cmd.caseId);
      assertVersion('case', c.version, cmd.expectedVersion);
      if (CJ_STAGES_NEEDING_REASON.includes(cmd.to) && !cmd.reason) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
          errors: [{ field: 'reason', message: `reason is required for ${cmd.to} (decisions not taken are recorded with reasons)` }],
        });
      }
      const bailReturnAt = cmd.bailReturnAt ? new Date(cmd.bailReturnAt) : undefined;
      if (bailReturnAt && bailReturnAt.getTime() <= now.getTime()) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'bailReturnAt', message: 'bailReturnAt must be in the future' }] });
      }
      await this.workflow.moveCjStage(m, c, cmd.to, { at: now, actor: actorOf(ctx), headers: eventHeaders(ctx), note: cmd.reason ?? null, bailReturnAt });
      await this.audit(m, ctx.principal, ctx, 'case.transition', [c.id]);
      return this.view(m, c.id);
    });
  }

  /**
   * A new incident on a closed case re-opens it and restarts screening; a breach on a monitored case
   * puts it back to active work (the breach fast path, §6.7). An incident recorded before the case
   * closed (delivered late) re-opens nothing.
   */
  @OnEvent(IncidentRecordedV1)
  async onIncidentRecorded(event: IncidentRecordedV1, ctx: EventContext): Promise<void> {
    const m = ctx.manager;
    const caseId = caseIdOf(ctx);
    const c = await m.findOne(StalkingCase, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw new PermanentEventError('incident on an unknown case');
    const now = this.clock.now();
    const headers = { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent };
    const trigger = event.isBreach ? 'BREACH' : 'NEW_INCIDENT';
    const recordedAt = new Date(ctx.envelope.occurredAt);
    if (c.status === 'CLOSED' && c.closedAt && recordedAt.getTime() > c.closedAt.getTime()) {
      await this.workflow.moveStatus(m, c, 'REOPENED', { at: now, actor: SYSTEM.subject, headers, trigger, reasonCode: trigger });
      await this.reopened(m, c, event.isBreach ? 'BREACH' : 'NEW_INCIDENT', now, headers, event.incidentId);
    } else if (c.status === 'MONITORING' && event.isBreach) {
      await this.workflow.moveStatus(m, c, 'ACTIVE', { at: now, actor: SYSTEM.subject, headers, trigger });
    } else {
      return;
    }
    await this.audit(m, SYSTEM, { correlationId: ctx.correlationId }, 'case.transition', [c.id, event.incidentId]);
  }

  private async reopened(
    m: EntityManager,
    c: StalkingCase,
    reason: ReopenReason,
    now: Date,
    headers: { correlationId: string; causationId?: string; traceparent?: string },
    incidentId?: string,
  ): Promise<void> {
    c.reopenedAt = now;
    const saved = await m.save(c);
    await this.clocks.restart(m, c.id, now);
    await this.outbox.enqueue(
      m,
      CaseReopenedV1,
      { caseId: c.id, aggregateVersion: saved.version, additionalInformation: { reason, reopenedAt: now.toISOString(), ...(incidentId ? { incidentId } : {}) } },
      headers,
    );
  }

  async read(caseId: string, ctx: RequestContext): Promise<CaseLifecycleView> {
    const view = await this.view(this.dataSource.manager, caseId);
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'case.workflow.read',
      principal: ctx.principal,
      recordType: 'case-lifecycle',
      recordIds: [caseId],
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
    return view;
  }

  private async view(m: EntityManager, caseId: string): Promise<CaseLifecycleView> {
    const c = await m.findOne(StalkingCase, { where: { id: caseId } });
    if (!c) throw new ProblemException(CASE_NOT_FOUND);
    const history = await m.find(CaseTransition, { where: { caseId }, order: { occurredAt: 'ASC' } });
    return {
      caseId,
      status: c.status,
      cjStage: c.cjStage,
      closureReason: c.closureReason,
      closedAt: c.closedAt?.toISOString() ?? null,
      bailReturnAt: c.bailReturnAt?.toISOString() ?? null,
      version: c.version,
      history: history.map((h) => ({
        machine: h.machine,
        from: h.fromState,
        to: h.toState,
        reasonCode: h.reasonCode,
        note: h.note,
        trigger: h.trigger,
        actor: h.actor,
        at: h.occurredAt.toISOString(),
      })),
    };
  }

  private audit(
    m: EntityManager,
    principal: RequestContext['principal'],
    ctx: Partial<RequestContext> & { correlationId: string },
    action: string,
    recordIds: string[],
  ) {
    return this.accessLog.append(m, {
      operation: 'alteration',
      action,
      principal,
      recordType: 'case',
      recordIds,
      fieldGroups: ctx.fieldGroups ?? [],
      purpose: ctx.purpose,
      legalBasis: ctx.decision ? undefined : 'workflow',
      recipients: ['police'],
      decision: ctx.decision ?? { allow: true, rule: action },
      correlationId: ctx.correlationId,
    });
  }
}
