import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships } from '@stac/auth';
import {
  ConsultationActionAssignedV1,
  ConsultationActionCompletedV1,
  ConsultationCancelledV1,
  ConsultationRescheduledV1,
  ConsultationScheduledV1,
  ProblemException,
  type AssignConsultationActionCommand,
  type CancelConsultationCommand,
  type CompleteConsultationActionCommand,
  type ConsultationActionView,
  type ConsultationView,
  type RecordConsultationDecisionCommand,
  type RescheduleConsultationCommand,
  type ScheduleConsultationCommand,
} from '@stac/contracts';
import { canTransition, CONSULTATION_MACHINE, RESCHEDULABLE, type Agency, type ConsultationChange, type ConsultationStatus } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { actorOf, assertVersion, eventHeaders, illegalTransition } from '../lifecycle/case-workflow';
import { Consultation, ConsultationAction, ConsultationChangeRecord, ConsultationDecision, ConsultationPanelMember } from './consultation.entity';
import { endPanelSeats } from './panel-access';
import { announceCaseAccess } from '../case-access/case-access-announcement';

function actionView(a: ConsultationAction, now: Date): ConsultationActionView {
  return {
    actionId: a.id,
    consultationId: a.consultationId,
    description: a.description,
    ownerAgency: a.ownerAgency,
    dueAt: a.dueAt.toISOString(),
    status: a.status,
    completedAt: a.completedAt?.toISOString() ?? null,
    overdue: a.status === 'OPEN' && a.dueAt.getTime() < now.getTime(),
    version: a.version,
  };
}

interface ChangeInput {
  change: ConsultationChange;
  from: ConsultationStatus | null;
  previousScheduledFor?: Date | null;
  reason?: string | null;
  note?: string | null;
}

/**
 * Multi-agency case consultations (domain.md §3 step 7): scheduling grants each attending agency a
 * CONSULTATION_PANEL relationship to the case (AC-02, audited); decisions are coded; actions have an
 * owner agency and a due date and are completed by that agency. A scheduled consultation can be
 * rescheduled or cancelled with a coded reason (SCHEDULED -> HELD | CANCELLED); cancelling ends its
 * panel seats at once. Every change is in the consultation's history.
 */
@Injectable()
export class ConsultationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly relationships: CaseRelationships,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  schedule(cmd: ScheduleConsultationCommand, ctx: RequestContext): Promise<ConsultationView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'consultation.schedule', cmd, async () => {
        const now = this.clock.now();
        const c = await m.findOne(StalkingCase, { where: { id: cmd.caseId }, lock: { mode: 'pessimistic_read' } });
        if (!c) throw new ProblemException(CASE_NOT_FOUND);
        if (c.status === 'CLOSED') throw rpcProblem(409, 'case-closed', 'A consultation cannot be scheduled on a closed case');
        const agencies = [...new Set(cmd.panel.map((p) => p.agency))];
        if (agencies.length < 2) {
          throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
            errors: [{ field: 'panel', message: 'a multi-agency consultation needs at least two agencies' }],
          });
        }
        const consultation = await m.save(
          Object.assign(new Consultation(), {
            id: randomUUID(),
            caseId: c.id,
            scheduledFor: new Date(cmd.scheduledFor),
            status: 'SCHEDULED',
            scheduledBy: actorOf(ctx),
            scheduledAt: now,
          }),
        );
        const createdBy = `${ctx.principal.issuer}#${ctx.principal.subject}`;
        const seats = new Map<string, { agency: Agency; issuer?: string; subject?: string }>();
        for (const p of cmd.panel)
          seats.set(`${p.agency}#${p.subject ? `${p.issuer}#${p.subject}` : ''}`, { agency: p.agency, ...(p.subject ? { issuer: p.issuer, subject: p.subject } : {}) });
        for (const p of seats.values()) {
          const relationshipId = await this.relationships.grant(m, {
            caseId: c.id,
            kind: 'CONSULTATION_PANEL',
            agency: p.agency,
            subject: p.subject,
            issuer: p.issuer,
            justification: `consultation ${consultation.id}`,
            createdBy,
          });
          await m.insert(ConsultationPanelMember, { id: randomUUID(), consultationId: consultation.id, agency: p.agency, subject: p.subject ?? null, relationshipId });
        }
        await this.accessLog.append(m, {
          operation: 'alteration',
          action: 'case.relationship.grant',
          principal: ctx.principal,
          recordType: 'case-relationship',
          recordIds: [c.id, consultation.id],
          fieldGroups: [],
          purpose: ctx.purpose,
          legalBasis: 'workflow',
          recipients: agencies,
          decision: ctx.decision,
          correlationId: ctx.correlationId,
        });
        await this.recordChange(m, consultation, { change: 'SCHEDULED', from: null }, ctx, now);
        // Named seats are relationships of one user: every service learns them (AC-14).
        if ([...seats.values()].some((p) => p.subject)) await announceCaseAccess(m, this.outbox, c.id, now, eventHeaders(ctx));
        await this.outbox.enqueue(
          m,
          ConsultationScheduledV1,
          {
            caseId: c.id,
            aggregateVersion: consultation.version,
            // The seats travel so risk-assessment can seat the same panel on its copy of the case.
            additionalInformation: {
              consultationId: consultation.id,
              scheduledFor: consultation.scheduledFor.toISOString(),
              agencies: agencies as Agency[],
              panel: [...seats.values()],
            },
          },
          eventHeaders(ctx),
        );
        await this.audit(m, ctx, 'collection', 'consultation.manage', [c.id, consultation.id]);
        return (await this.views(m, c.id, [consultation.id]))[0];
      }),
    );
  }

  /**
   * Moves a scheduled consultation to another date with a coded reason (If-Match). The panel keeps its
   * seats; a held or cancelled consultation never moves (409 naming both states).
   */
  reschedule(cmd: RescheduleConsultationCommand, ctx: RequestContext): Promise<ConsultationView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
      assertVersion('consultation', consultation.version, cmd.expectedVersion);
      if (!RESCHEDULABLE.includes(consultation.status)) {
        throw rpcProblem(409, 'illegal-transition', `Cannot move the consultation from ${consultation.status} to SCHEDULED`, {
          detail: `consultation: only a SCHEDULED consultation can be rescheduled; this one is ${consultation.status}`,
        });
      }
      const c = await m.findOne(StalkingCase, { where: { id: cmd.caseId }, select: { id: true, status: true } });
      if (c?.status === 'CLOSED') throw rpcProblem(409, 'case-closed', 'A consultation cannot be rescheduled on a closed case; cancel it instead');
      const to = new Date(cmd.scheduledFor);
      const from = consultation.scheduledFor;
      if (to.getTime() === from.getTime()) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
          errors: [{ field: 'scheduledFor', message: 'scheduledFor is already the date of the consultation' }],
        });
      }
      consultation.scheduledFor = to;
      const saved = await m.save(consultation);
      await this.recordChange(m, saved, { change: 'RESCHEDULED', from: 'SCHEDULED', previousScheduledFor: from, reason: cmd.reason, note: cmd.note }, ctx, now);
      await this.outbox.enqueue(
        m,
        ConsultationRescheduledV1,
        {
          caseId: cmd.caseId,
          aggregateVersion: saved.version,
          additionalInformation: { consultationId: saved.id, scheduledFor: to.toISOString(), previousScheduledFor: from.toISOString(), reason: cmd.reason },
        },
        eventHeaders(ctx),
      );
      await this.audit(m, ctx, 'alteration', 'consultation.manage', [cmd.caseId, saved.id]);
      return (await this.views(m, cmd.caseId, [saved.id]))[0];
    });
  }

  /**
   * Cancels a scheduled consultation with a coded reason (If-Match): SCHEDULED -> CANCELLED, anything else
   * is 409 naming both states. Its panel seats end in the same transaction, like on closing the case, and
   * `intake.consultation.cancelled.v1` tells risk-assessment to end the seats it gave.
   */
  cancel(cmd: CancelConsultationCommand, ctx: RequestContext): Promise<ConsultationView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
      assertVersion('consultation', consultation.version, cmd.expectedVersion);
      if (!canTransition(CONSULTATION_MACHINE, consultation.status, 'CANCELLED')) throw illegalTransition('consultation', consultation.status, 'CANCELLED');
      const from = consultation.status;
      consultation.status = 'CANCELLED';
      const saved = await m.save(consultation);
      await this.recordChange(m, saved, { change: 'CANCELLED', from, reason: cmd.reason, note: cmd.note }, ctx, now);
      await endPanelSeats(m, { relationships: this.relationships, accessLog: this.accessLog, outbox: this.outbox }, { caseId: cmd.caseId, consultationId: saved.id, at: now }, ctx);
      await this.outbox.enqueue(
        m,
        ConsultationCancelledV1,
        {
          caseId: cmd.caseId,
          aggregateVersion: saved.version,
          additionalInformation: { consultationId: saved.id, reason: cmd.reason, cancelledAt: now.toISOString() },
        },
        eventHeaders(ctx),
      );
      await this.audit(m, ctx, 'alteration', 'consultation.manage', [cmd.caseId, saved.id]);
      return (await this.views(m, cmd.caseId, [saved.id]))[0];
    });
  }

  recordDecision(cmd: RecordConsultationDecisionCommand, ctx: RequestContext): Promise<ConsultationView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
      // The first decision means the meeting was held; a cancelled one never is.
      if (consultation.status === 'CANCELLED') throw illegalTransition('consultation', 'CANCELLED', 'HELD');
      const id = randomUUID();
      await m.insert(ConsultationDecision, {
        id,
        consultationId: consultation.id,
        caseId: cmd.caseId,
        code: cmd.code,
        note: cmd.note ?? null,
        recordedBy: actorOf(ctx),
        recordedAt: now,
      });
      if (consultation.status === 'SCHEDULED') {
        consultation.status = 'HELD';
        await m.save(consultation);
        await this.recordChange(m, consultation, { change: 'HELD', from: 'SCHEDULED' }, ctx, now);
      }
      await this.audit(m, ctx, 'collection', 'consultation.manage', [cmd.caseId, consultation.id, id]);
      return (await this.views(m, cmd.caseId, [consultation.id]))[0];
    });
  }

  assignAction(cmd: AssignConsultationActionCommand, ctx: RequestContext): Promise<ConsultationActionView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'consultation.action.assign', cmd, async () => {
        const now = this.clock.now();
        const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
        if (consultation.status === 'CANCELLED') throw rpcProblem(409, 'consultation-cancelled', 'The consultation was cancelled: no action is agreed at it');
        const action = await m.save(
          Object.assign(new ConsultationAction(), {
            id: randomUUID(),
            consultationId: consultation.id,
            caseId: cmd.caseId,
            description: cmd.description,
            ownerAgency: cmd.ownerAgency,
            dueAt: new Date(cmd.dueAt),
            status: 'OPEN',
            assignedBy: actorOf(ctx),
            assignedAt: now,
            completedBy: null,
            completedAt: null,
          }),
        );
        await this.outbox.enqueue(
          m,
          ConsultationActionAssignedV1,
          {
            caseId: cmd.caseId,
            aggregateVersion: action.version,
            additionalInformation: { consultationId: consultation.id, actionId: action.id, ownerAgency: action.ownerAgency, dueAt: action.dueAt.toISOString() },
          },
          eventHeaders(ctx),
        );
        await this.audit(m, ctx, 'collection', 'consultation.manage', [cmd.caseId, consultation.id, action.id]);
        return actionView(action, now);
      }),
    );
  }

  completeAction(cmd: CompleteConsultationActionCommand, ctx: RequestContext): Promise<ConsultationActionView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const action = await m.findOne(ConsultationAction, { where: { id: cmd.actionId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!action) throw rpcProblem(404, 'action-not-found', 'No such consultation action on this case');
      assertVersion('action', action.version, cmd.expectedVersion);
      // The owning agency completes its action; the police lead may close any on its behalf.
      if (ctx.principal.agency !== action.ownerAgency && !(ctx.principal.agency === 'police' && ctx.principal.roles.includes('stac-lead'))) {
        throw rpcProblem(403, 'not-action-owner', 'Only the owning agency may complete this action');
      }
      if (action.status !== 'OPEN') throw rpcProblem(409, 'illegal-transition', `Cannot move the action from ${action.status} to DONE`);
      action.status = 'DONE';
      action.completedAt = now;
      action.completedBy = actorOf(ctx);
      const saved = await m.save(action);
      await this.outbox.enqueue(
        m,
        ConsultationActionCompletedV1,
        {
          caseId: cmd.caseId,
          aggregateVersion: saved.version,
          additionalInformation: {
            consultationId: action.consultationId,
            actionId: action.id,
            ownerAgency: action.ownerAgency,
            completedAt: now.toISOString(),
            overdue: action.dueAt.getTime() < now.getTime(),
          },
        },
        eventHeaders(ctx),
      );
      await this.audit(m, ctx, 'alteration', 'consultation.action.complete', [cmd.caseId, action.id]);
      return actionView(saved, now);
    });
  }

  async list(caseId: string, ctx: RequestContext): Promise<ConsultationView[]> {
    const m = this.dataSource.manager;
    if (!(await m.exists(StalkingCase, { where: { id: caseId } }))) throw new ProblemException(CASE_NOT_FOUND);
    const views = await this.views(m, caseId);
    await this.accessLog.record(this.dataSource, {
      operation: ctx.decision.via === 'CONSULTATION_PANEL' ? 'disclosure' : 'consultation',
      action: 'consultation.read',
      principal: ctx.principal,
      recordType: 'consultation',
      recordIds: [caseId, ...views.map((v) => v.consultationId)],
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
    return views;
  }

  private async views(m: EntityManager, caseId: string, ids?: string[]): Promise<ConsultationView[]> {
    const consultations = await m.find(Consultation, { where: ids ? { caseId, id: In(ids) } : { caseId }, order: { scheduledFor: 'ASC', id: 'ASC' } });
    if (!consultations.length) return [];
    const cids = consultations.map((c) => c.id);
    // Sequential: `m` may be a transaction's single connection.
    const panel = await m.find(ConsultationPanelMember, { where: { consultationId: In(cids) } });
    const decisions = await m.find(ConsultationDecision, { where: { consultationId: In(cids) }, order: { recordedAt: 'ASC' } });
    const actions = await m.find(ConsultationAction, { where: { consultationId: In(cids) }, order: { dueAt: 'ASC' } });
    const history = await m.find(ConsultationChangeRecord, { where: { consultationId: In(cids) }, order: { occurredAt: 'ASC' } });
    const now = this.clock.now();
    return consultations.map((c) => ({
      consultationId: c.id,
      caseId: c.caseId,
      scheduledFor: c.scheduledFor.toISOString(),
      status: c.status,
      panel: panel.filter((p) => p.consultationId === c.id).map((p) => ({ agency: p.agency, ...(p.subject ? { subject: p.subject } : {}) })),
      decisions: decisions
        .filter((d) => d.consultationId === c.id)
        .map((d) => ({ decisionId: d.id, code: d.code, note: d.note, recordedAt: d.recordedAt.toISOString() })),
      actions: actions.filter((a) => a.consultationId === c.id).map((a) => actionView(a, now)),
      history: history
        .filter((h) => h.consultationId === c.id)
        .map((h) => ({
          change: h.change,
          from: h.fromStatus,
          to: h.toStatus,
          scheduledFor: h.scheduledFor.toISOString(),
          previousScheduledFor: h.previousScheduledFor?.toISOString() ?? null,
          reason: h.reason,
          note: h.note,
          at: h.occurredAt.toISOString(),
        })),
      version: c.version,
    }));
  }

  private async recordChange(m: EntityManager, c: Consultation, change: ChangeInput, ctx: RequestContext, at: Date): Promise<void> {
    await m.insert(ConsultationChangeRecord, {
      id: randomUUID(),
      consultationId: c.id,
      caseId: c.caseId,
      change: change.change,
      fromStatus: change.from,
      toStatus: c.status,
      scheduledFor: c.scheduledFor,
      previousScheduledFor: change.previousScheduledFor ?? null,
      reason: change.reason ?? null,
      note: change.note ?? null,
      actor: actorOf(ctx),
      occurredAt: at,
    });
  }

  private async lockConsultation(m: EntityManager, caseId: string, consultationId: string): Promise<Consultation> {
    const c = await m.findOne(Consultation, { where: { id: consultationId, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw rpcProblem(404, 'consultation-not-found', 'No such consultation on this case');
    return c;
  }

  private audit(m: EntityManager, ctx: RequestContext, operation: 'collection' | 'alteration', action: string, recordIds: string[]) {
    return this.accessLog.append(m, {
      operation,
      action,
      principal: ctx.principal,
      recordType: 'consultation',
      recordIds,
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: ['police'],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}
