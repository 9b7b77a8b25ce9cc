import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  InterventionStatusChangedV1,
  type InterventionSessionView,
  type InterventionTransitionCommand,
  type InterventionView,
  type PlanSessionCommand,
  type ProposeInterventionCommand,
  type RecordAttendanceCommand,
} from '@stac/contracts';
import { canTransition, COMPULSORY_LEGAL_BASES, INTERVENTION_ENDED, INTERVENTION_LIFECYCLE, type InterventionStatus } from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { actorOf, assertVersion, auditRead, headersOf, illegalTransition, invalid } from '../trust-workflow';
import { Intervention, InterventionSession, InterventionTransition } from './intervention.entity';

/** Moves that need a reason code (decisions not taken, and early endings, are recorded with reasons). */
const NEEDS_REASON: readonly InterventionStatus[] = ['PAUSED', 'DISENGAGED', 'BREACHED', 'TERMINATED'];
/** Sessions can be planned once a place is offered, until it ends. */
const SESSIONS_OPEN: readonly InterventionStatus[] = ['SUITABLE', 'STARTED', 'ACTIVE', 'PAUSED'];

function view(i: Intervention, sessions: InterventionSession[], history: InterventionTransition[]): InterventionView {
  return {
    interventionId: i.id,
    caseId: i.caseId,
    status: i.status,
    legalBasis: i.legalBasis,
    voluntaryAgreementRecorded: i.voluntaryAgreementRecorded,
    orderId: i.orderId,
    programme: i.programme,
    suitabilityReasons: i.suitabilityReasons,
    waitingSince: i.status === 'SUITABLE' ? (i.waitingSince?.toISOString() ?? null) : null,
    sessionsPlanned: Math.max(i.sessionsPlanned, sessions.filter((s) => s.status !== 'CANCELLED').length),
    sessionsAttended: sessions.filter((s) => s.status === 'ATTENDED').length,
    sessions: sessions.map(sessionView),
    history: history.map((h) => ({ from: h.fromState, to: h.toState, reason: h.reason, at: h.occurredAt.toISOString() })),
    version: i.version,
  };
}

function sessionView(s: InterventionSession): InterventionSessionView {
  return { sessionId: s.id, scheduledFor: s.scheduledFor.toISOString(), status: s.status };
}

/**
 * Psychologically informed interventions (D13): PROPOSED -> ASSESSING -> UNSUITABLE | SUITABLE (the waiting
 * list) -> STARTED -> ACTIVE | PAUSED -> COMPLETED | DISENGAGED | BREACHED | TERMINATED, on a compulsory
 * legal basis unless a voluntary agreement is recorded; coded suitability reasons; sessions planned and
 * attended. Every move publishes the thin `intervention.status-changed` (intake keeps a case open while one
 * is active; BREACHED of an SPO requirement is a breach of that order).
 */
@Injectable()
export class InterventionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  propose(cmd: ProposeInterventionCommand, ctx: RequestContext): Promise<InterventionView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'mh.intervention.propose', cmd, async () => {
        if (cmd.legalBasis === 'VOLUNTARY' && cmd.voluntaryAgreementRecorded !== true) {
          throw rpcProblem(422, 'compulsory-basis-required', 'An intervention needs a compulsory basis (SPO requirement, community order, licence condition) unless a voluntary agreement is recorded (voluntaryAgreementRecorded: true)');
        }
        if (cmd.legalBasis !== 'SPO_REQUIREMENT' && cmd.orderId) throw invalid('orderId', 'orderId names the SPO carrying the requirement (legalBasis SPO_REQUIREMENT)');
        const now = ctx.clock.now();
        const i = await m.save(
          Object.assign(new Intervention(), {
            id: randomUUID(),
            caseId: cmd.caseId,
            status: 'PROPOSED',
            legalBasis: cmd.legalBasis,
            voluntaryAgreementRecorded: cmd.legalBasis === 'VOLUNTARY',
            orderId: cmd.orderId ?? null,
            programme: cmd.programme ?? null,
            suitabilityReasons: [],
            waitingSince: null,
            sessionsPlanned: 0,
            proposedAt: now,
          } satisfies Omit<Intervention, 'version'>),
        );
        const history = [await this.history(m, i.id, null, 'PROPOSED', null, actorOf(ctx), now)];
        await this.published(m, i, undefined, now, headersOf(ctx));
        await ctx.audit(m, { recordIds: [cmd.caseId, i.id] });
        return view(i, [], history);
      }),
    );
  }

  transition(cmd: InterventionTransitionCommand, ctx: RequestContext): Promise<InterventionView> {
    return this.dataSource.transaction(async (m) => {
      const now = ctx.clock.now();
      const i = await this.lock(m, cmd.caseId, cmd.interventionId);
      assertVersion('intervention', i.version, cmd.expectedVersion);
      if (!canTransition(INTERVENTION_LIFECYCLE, i.status, cmd.to)) throw illegalTransition('intervention', i.status, cmd.to);
      const deciding = cmd.to === 'SUITABLE' || cmd.to === 'UNSUITABLE';
      if (deciding && !cmd.suitabilityReasons?.length) throw invalid('suitabilityReasons', `suitabilityReasons (coded) are required to decide ${cmd.to}`);
      if (!deciding && cmd.suitabilityReasons) throw invalid('suitabilityReasons', 'suitabilityReasons are given with the suitability decision only');
      if (NEEDS_REASON.includes(cmd.to) && !cmd.reason) throw invalid('reason', `reason is required to move an intervention to ${cmd.to}`);
      if (cmd.to === 'SUITABLE' && !COMPULSORY_LEGAL_BASES.includes(i.legalBasis) && !i.voluntaryAgreementRecorded) {
        throw rpcProblem(422, 'compulsory-basis-required', 'D13: suitable only on a compulsory basis or a recorded voluntary agreement');
      }
      const from = i.status;
      if (deciding) i.suitabilityReasons = cmd.suitabilityReasons!;
      if (cmd.to === 'SUITABLE') i.waitingSince = now;
      if (cmd.sessionsPlanned !== undefined) {
        if (!['SUITABLE', 'STARTED'].includes(cmd.to)) throw invalid('sessionsPlanned', 'sessionsPlanned is set when the intervention is found suitable or started');
        i.sessionsPlanned = cmd.sessionsPlanned;
      }
      i.status = cmd.to;
      const saved = await m.save(i);
      await this.history(m, i.id, from, cmd.to, cmd.reason ?? (deciding ? cmd.suitabilityReasons!.join(',') : null), actorOf(ctx), now);
      if (INTERVENTION_ENDED.includes(cmd.to)) {
        await m.update(InterventionSession, { interventionId: i.id, status: 'PLANNED' }, { status: 'CANCELLED', recordedAt: now, recordedBy: actorOf(ctx) });
      }
      await this.published(m, saved, from, now, headersOf(ctx));
      await ctx.audit(m, { recordIds: [saved.caseId, saved.id] });
      // The status leaves the trust in the thin event: a disclosure to the police (and probation) on the agreements.
      await ctx.audit(m, {
        recordIds: [saved.caseId, saved.id],
        processing: 'disclosure',
        recipients: ['police', 'probation'],
        legalBasis: 'agreement:mental-health-to-police,mental-health-to-probation',
      });
      return (await this.views(m, saved.caseId, [saved.id]))[0];
    });
  }

  planSession(cmd: PlanSessionCommand, ctx: RequestContext): Promise<InterventionSessionView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'mh.intervention.session.plan', cmd, async () => {
        const i = await this.lock(m, cmd.caseId, cmd.interventionId);
        if (!SESSIONS_OPEN.includes(i.status)) {
          throw rpcProblem(409, 'intervention-not-running', `Sessions are planned for a suitable or running intervention (this one is ${i.status})`);
        }
        const s = Object.assign(new InterventionSession(), {
          id: randomUUID(),
          interventionId: i.id,
          caseId: i.caseId,
          scheduledFor: new Date(cmd.scheduledFor),
          status: 'PLANNED' as const,
          recordedBy: null,
          recordedAt: null,
        });
        await m.insert(InterventionSession, s);
        await ctx.audit(m, { recordIds: [i.caseId, i.id, s.id] });
        return sessionView(s);
      }),
    );
  }

  recordAttendance(cmd: RecordAttendanceCommand, ctx: RequestContext): Promise<InterventionSessionView> {
    return this.dataSource.transaction(async (m) => {
      const now = ctx.clock.now();
      const i = await this.lock(m, cmd.caseId, cmd.interventionId);
      const s = await m.findOne(InterventionSession, { where: { id: cmd.sessionId, interventionId: i.id }, lock: { mode: 'pessimistic_write' } });
      if (!s) throw rpcProblem(404, 'session-not-found', 'No such session of this intervention');
      if (s.status !== 'PLANNED') throw illegalTransition('session', s.status, cmd.outcome);
      if (cmd.outcome === 'ATTENDED' && !['STARTED', 'ACTIVE'].includes(i.status)) {
        throw rpcProblem(409, 'intervention-not-running', `A session is attended while the intervention runs (this one is ${i.status})`);
      }
      if (cmd.outcome !== 'CANCELLED' && s.scheduledFor.getTime() > now.getTime() + 60 * 60 * 1000) {
        throw invalid('outcome', 'Attendance is recorded once the session is due');
      }
      s.status = cmd.outcome;
      s.recordedAt = now;
      s.recordedBy = actorOf(ctx);
      await m.save(s);
      await ctx.audit(m, { recordIds: [i.caseId, i.id, s.id] });
      return sessionView(s);
    });
  }

  async list(caseId: string, ctx: RequestContext): Promise<InterventionView[]> {
    const views = await this.views(this.dataSource.manager, caseId);
    await auditRead(ctx, this.dataSource, [caseId, ...views.map((v) => v.interventionId)]);
    return views;
  }

  async views(m: EntityManager, caseId: string, ids?: string[]): Promise<InterventionView[]> {
    const rows = await m.find(Intervention, { where: ids ? { caseId, id: In(ids) } : { caseId }, order: { proposedAt: 'ASC', id: 'ASC' } });
    if (!rows.length) return [];
    const iids = rows.map((r) => r.id);
    const sessions = await m.find(InterventionSession, { where: { interventionId: In(iids) }, order: { scheduledFor: 'ASC', id: 'ASC' } });
    const history = await m.find(InterventionTransition, { where: { interventionId: In(iids) }, order: { occurredAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => view(r, sessions.filter((s) => s.interventionId === r.id), history.filter((h) => h.interventionId === r.id)));
  }

  private published(m: EntityManager, i: Intervention, previous: InterventionStatus | undefined, at: Date, headers: EventHeaders) {
    return this.outbox.enqueue(
      m,
      InterventionStatusChangedV1,
      {
        caseId: i.caseId,
        aggregateVersion: i.version,
        additionalInformation: {
          interventionId: i.id,
          ...(previous ? { previousStatus: previous } : {}),
          status: i.status,
          legalBasis: i.legalBasis,
          ...(i.orderId ? { orderId: i.orderId } : {}),
          changedAt: at.toISOString(),
        },
      },
      headers,
    );
  }

  private async lock(m: EntityManager, caseId: string, id: string): Promise<Intervention> {
    const i = await m.findOne(Intervention, { where: { id, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!i) throw rpcProblem(404, 'intervention-not-found', 'No such intervention on this case');
    return i;
  }

  private async history(m: EntityManager, interventionId: string, from: InterventionStatus | null, to: InterventionStatus, reason: string | null, actor: string, at: Date) {
    const h = Object.assign(new InterventionTransition(), { id: randomUUID(), interventionId, fromState: from, toState: to, reason, actor, occurredAt: at });
    await m.insert(InterventionTransition, h);
    return h;
  }
}
