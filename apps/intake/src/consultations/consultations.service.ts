import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships } from '@stac/auth';
import {
  ConsultationActionAssignedV1,
  ConsultationActionCompletedV1,
  ConsultationScheduledV1,
  ProblemException,
  type AssignConsultationActionCommand,
  type CompleteConsultationActionCommand,
  type ConsultationActionView,
  type ConsultationView,
  type RecordConsultationDecisionCommand,
  type ScheduleConsultationCommand,
} from '@stac/contracts';
import type { Agency } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { actorOf, assertVersion, eventHeaders } from '../lifecycle/case-workflow';
import { Consultation, ConsultationAction, ConsultationDecision, ConsultationPanelMember } from './consultation.entity';

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

/**
 * Multi-agency case consultations (domain.md §3 step 7): scheduling grants each attending agency a
 * CONSULTATION_PANEL relationship to the case (AC-02, audited); decisions are coded; actions have an
 * owner agency and a due date and are completed by that agency.
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
        const seen = new Set<string>();
        for (const p of cmd.panel) {
          const key = `${p.agency}#${p.subject ?? ''}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const relationshipId = await this.relationships.grant(m, {
            caseId: c.id,
            kind: 'CONSULTATION_PANEL',
            agency: p.agency,
            subject: p.subject,
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
        await this.outbox.enqueue(
          m,
          ConsultationScheduledV1,
          {
            caseId: c.id,
            aggregateVersion: consultation.version,
            additionalInformation: { consultationId: consultation.id, scheduledFor: consultation.scheduledFor.toISOString(), agencies: agencies as Agency[] },
          },
          eventHeaders(ctx),
        );
        await this.audit(m, ctx, 'collection', [c.id, consultation.id]);
        return (await this.views(m, c.id, [consultation.id]))[0];
      }),
    );
  }

  recordDecision(cmd: RecordConsultationDecisionCommand, ctx: RequestContext): Promise<ConsultationView> {
    return this.dataSource.transaction(async (m) => {
      const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
      if (consultation.status === 'CANCELLED') throw rpcProblem(409, 'consultation-cancelled', 'The consultation was cancelled');
      const id = randomUUID();
      await m.insert(ConsultationDecision, {
        id,
        consultationId: consultation.id,
        caseId: cmd.caseId,
        code: cmd.code,
        note: cmd.note ?? null,
        recordedBy: actorOf(ctx),
        recordedAt: this.clock.now(),
      });
      if (consultation.status === 'SCHEDULED') {
        consultation.status = 'HELD';
        await m.save(consultation);
      }
      await this.audit(m, ctx, 'collection', [cmd.caseId, consultation.id, id]);
      return (await this.views(m, cmd.caseId, [consultation.id]))[0];
    });
  }

  assignAction(cmd: AssignConsultationActionCommand, ctx: RequestContext): Promise<ConsultationActionView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'consultation.action.assign', cmd, async () => {
        const now = this.clock.now();
        const consultation = await this.lockConsultation(m, cmd.caseId, cmd.consultationId);
        if (consultation.status === 'CANCELLED') throw rpcProblem(409, 'consultation-cancelled', 'The consultation was cancelled');
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
        await this.audit(m, ctx, 'collection', [cmd.caseId, consultation.id, action.id]);
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
      await this.audit(m, ctx, 'alteration', [cmd.caseId, action.id]);
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
    const consultations = await m.find(Consultation, { where: ids ? { caseId, id: In(ids) } : { caseId }, order: { scheduledFor: 'ASC' } });
    if (!consultations.length) return [];
    const cids = consultations.map((c) => c.id);
    // Sequential: `m` may be a transaction's single connection.
    const panel = await m.find(ConsultationPanelMember, { where: { consultationId: In(cids) } });
    const decisions = await m.find(ConsultationDecision, { where: { consultationId: In(cids) }, order: { recordedAt: 'ASC' } });
    const actions = await m.find(ConsultationAction, { where: { consultationId: In(cids) }, order: { dueAt: 'ASC' } });
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
      version: c.version,
    }));
  }

  private async lockConsultation(m: EntityManager, caseId: string, consultationId: string): Promise<Consultation> {
    const c = await m.findOne(Consultation, { where: { id: consultationId, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw rpcProblem(404, 'consultation-not-found', 'No such consultation on this case');
    return c;
  }

  private audit(m: EntityManager, ctx: RequestContext, operation: 'collection' | 'alteration', recordIds: string[]) {
    return this.accessLog.append(m, {
      operation,
      action: operation === 'alteration' ? 'consultation.action.complete' : 'consultation.manage',
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
