import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  MhConsultationCompletedV1,
  MhRecommendationMadeV1,
  type ConsultationTransitionCommand,
  type MhConsultationView,
  type RequestConsultationCommand,
} from '@stac/contracts';
import { canTransition, MH_CONSULTATION_LIFECYCLE } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { assertVersion, auditRead, headersOf, illegalTransition, invalid } from '../trust-workflow';
import { MhConsultation } from './mh-consultation.entity';

export function consultationView(c: MhConsultation): MhConsultationView {
  return {
    consultationId: c.id,
    caseId: c.caseId,
    stacConsultationId: c.stacConsultationId,
    question: c.question,
    urgency: c.urgency,
    requestedBy: c.requestedBy,
    status: c.status,
    requestedAt: c.requestedAt.toISOString(),
    adviceSummary: c.adviceSummary,
    recommendation: c.recommendation,
    adviceSharedAt: c.adviceSharedAt?.toISOString() ?? null,
    closedAt: c.closedAt?.toISOString() ?? null,
    version: c.version,
  };
}

/**
 * Consultations S-TAC asks of the liaison team (domain.md §3 step 7, D6): REQUESTED -> TRIAGED ->
 * IN_PROGRESS -> ADVICE_SHARED -> CLOSED. Sharing advice publishes the recommendation code (thin) for
 * intake's consultation record; the shareable summary is read from here; clinical notes never are.
 */
@Injectable()
export class MhConsultationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  request(cmd: RequestConsultationCommand, ctx: RequestContext): Promise<MhConsultationView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'mh.consultation.request', cmd, async () => {
        const now = ctx.clock.now();
        const c = Object.assign(new MhConsultation(), {
          id: randomUUID(),
          caseId: cmd.caseId,
          stacConsultationId: cmd.stacConsultationId ?? null,
          question: cmd.question,
          urgency: cmd.urgency,
          requestedBy: cmd.requestedBy,
          requestedByAgency: ctx.principal.agency,
          requestedAt: now,
          status: 'REQUESTED',
          adviceSummary: null,
          recommendation: null,
          adviceSharedAt: null,
          closedAt: null,
          updatedAt: now,
        } satisfies Omit<MhConsultation, 'version'>);
        const saved = await m.save(c);
        await ctx.audit(m, { recordIds: [cmd.caseId, saved.id] });
        return consultationView(saved);
      }),
    );
  }

  transition(cmd: ConsultationTransitionCommand, ctx: RequestContext): Promise<MhConsultationView> {
    return this.dataSource.transaction(async (m) => {
      const now = ctx.clock.now();
      const c = await this.lock(m, cmd.caseId, cmd.consultationId);
      assertVersion('consultation', c.version, cmd.expectedVersion);
      if (!canTransition(MH_CONSULTATION_LIFECYCLE, c.status, cmd.to)) throw illegalTransition('consultation', c.status, cmd.to);
      if (cmd.to !== 'ADVICE_SHARED' && (cmd.adviceSummary || cmd.recommendation)) {
        throw invalid('adviceSummary', 'adviceSummary and recommendation are given when the advice is shared (ADVICE_SHARED)');
      }
      const headers = headersOf(ctx);
      let disclosed = false;
      if (cmd.to === 'ADVICE_SHARED') {
        if (!cmd.adviceSummary) throw invalid('adviceSummary', 'adviceSummary (shareable, no clinical detail) is required to share advice');
        if (!cmd.recommendation) throw invalid('recommendation', 'recommendation is required to share advice');
        c.adviceSummary = cmd.adviceSummary;
        c.recommendation = cmd.recommendation;
        c.adviceSharedAt = now;
      }
      if (cmd.to === 'CLOSED') c.closedAt = now;
      c.status = cmd.to;
      c.updatedAt = now;
      const saved = await m.save(c);
      const link = saved.stacConsultationId ? { stacConsultationId: saved.stacConsultationId } : {};
      if (cmd.to === 'ADVICE_SHARED') {
        await this.outbox.enqueue(
          m,
          MhRecommendationMadeV1,
          { caseId: saved.caseId, aggregateVersion: saved.version, additionalInformation: { consultationId: saved.id, ...link, recommendation: saved.recommendation!, madeAt: now.toISOString() } },
          headers,
        );
        disclosed = true;
      }
      if (cmd.to === 'CLOSED' && saved.recommendation) {
        await this.outbox.enqueue(
          m,
          MhConsultationCompletedV1,
          { caseId: saved.caseId, aggregateVersion: saved.version, additionalInformation: { consultationId: saved.id, ...link, recommendation: saved.recommendation, completedAt: now.toISOString() } },
          headers,
        );
      }
      await ctx.audit(m, { recordIds: [saved.caseId, saved.id] });
      if (disclosed) {
        // The advice goes back to the S-TAC record: a disclosure to the police on the agreement (Caldicott).
        await ctx.audit(m, { recordIds: [saved.caseId, saved.id], processing: 'disclosure', recipients: ['police'], legalBasis: 'agreement:mental-health-to-police' });
      }
      return consultationView(saved);
    });
  }

  async list(caseId: string, ctx: RequestContext): Promise<MhConsultationView[]> {
    const rows = await this.forCase(this.dataSource.manager, caseId);
    await auditRead(ctx, this.dataSource, [caseId, ...rows.map((c) => c.id)]);
    return rows.map(consultationView);
  }

  forCase(m: EntityManager, caseId: string): Promise<MhConsultation[]> {
    return m.find(MhConsultation, { where: { caseId }, order: { requestedAt: 'ASC', id: 'ASC' } });
  }

  private async lock(m: EntityManager, caseId: string, id: string): Promise<MhConsultation> {
    const c = await m.findOne(MhConsultation, { where: { id, caseId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw rpcProblem(404, 'consultation-not-found', 'No such mental-health consultation on this case');
    return c;
  }
}
