import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { ChangeArrangementCommand, MhArrangementView, StartArrangementCommand } from '@stac/contracts';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { MhConsultation } from '../consultations/mh-consultation.entity';
import { actorOf, assertVersion, auditRead, illegalTransition, invalid } from '../trust-workflow';
import { MhArrangement, MhArrangementChange } from './mh-arrangement.entity';

type Field = 'leadAgency' | 'namedClinician' | 'reviewDate' | 'diversionOutcome';
const CO_WORK_ONLY: Field[] = ['leadAgency', 'namedClinician', 'reviewDate'];

function show(v: unknown): string {
  return v instanceof Date ? v.toISOString() : v === null || v === undefined ? '-' : String(v);
}

/**
 * Co-working arrangements (lead agency, named clinician, review date) and diversions (outcome), each with
 * its history of changes (domain.md §1 step 5, D6).
 */
@Injectable()
export class ArrangementsService {
  constructor(private readonly dataSource: DataSource) {}

  start(cmd: StartArrangementCommand, ctx: RequestContext): Promise<MhArrangementView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'mh.arrangement.start', cmd, async () => {
        if (cmd.kind === 'CO_WORK') {
          if (!cmd.leadAgency) throw invalid('leadAgency', 'leadAgency is required for a co-working arrangement');
          if (!cmd.namedClinician) throw invalid('namedClinician', 'namedClinician is required for a co-working arrangement');
          if (!cmd.reviewDate) throw invalid('reviewDate', 'reviewDate is required for a co-working arrangement');
          if (cmd.diversionOutcome) throw invalid('diversionOutcome', 'diversionOutcome belongs to a diversion');
        } else {
          const stray = CO_WORK_ONLY.find((f) => cmd[f] !== undefined);
          if (stray) throw invalid(stray, `${stray} belongs to a co-working arrangement`);
        }
        if (cmd.consultationId && !(await m.exists(MhConsultation, { where: { id: cmd.consultationId, caseId: cmd.caseId } }))) {
          throw rpcProblem(404, 'consultation-not-found', 'No such mental-health consultation on this case');
        }
        const now = ctx.clock.now();
        const a = await m.save(
          Object.assign(new MhArrangement(), {
            id: randomUUID(),
            caseId: cmd.caseId,
            kind: cmd.kind,
            status: 'ACTIVE',
            leadAgency: cmd.leadAgency ?? null,
            namedClinician: cmd.namedClinician ?? null,
            reviewDate: cmd.reviewDate ? new Date(cmd.reviewDate) : null,
            diversionOutcome: cmd.kind === 'DIVERSION' ? (cmd.diversionOutcome ?? 'PENDING') : null,
            consultationId: cmd.consultationId ?? null,
            createdAt: now,
          } satisfies Omit<MhArrangement, 'version'>),
        );
        await this.change(m, a.id, `started ${a.kind}`, actorOf(ctx), now);
        await ctx.audit(m, { recordIds: [cmd.caseId, a.id] });
        return (await this.views(m, cmd.caseId, [a.id]))[0];
      }),
    );
  }

  change(m: EntityManager, arrangementId: string, change: string, by: string, at: Date) {
    return m.insert(MhArrangementChange, { id: randomUUID(), arrangementId, change, changedBy: by, changedAt: at });
  }

  update(cmd: ChangeArrangementCommand, ctx: RequestContext): Promise<MhArrangementView> {
    return this.dataSource.transaction(async (m) => {
      const now = ctx.clock.now();
      const a = await m.findOne(MhArrangement, { where: { id: cmd.arrangementId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!a) throw rpcProblem(404, 'arrangement-not-found', 'No such arrangement on this case');
      assertVersion('arrangement', a.version, cmd.expectedVersion);
      if (a.status === 'ENDED') throw illegalTransition('arrangement', 'ENDED', cmd.end ? 'ENDED' : 'ACTIVE');
      const changes: string[] = [];
      const next: Partial<Record<Field, unknown>> = {
        leadAgency: cmd.leadAgency,
        namedClinician: cmd.namedClinician,
        reviewDate: cmd.reviewDate ? new Date(cmd.reviewDate) : undefined,
        diversionOutcome: cmd.diversionOutcome,
      };
      for (const [field, value] of Object.entries(next) as [Field, unknown][]) {
        if (value === undefined) continue;
        if (a.kind === 'DIVERSION' && CO_WORK_ONLY.includes(field)) throw invalid(field, `${field} belongs to a co-working arrangement`);
        if (a.kind === 'CO_WORK' && field === 'diversionOutcome') throw invalid(field, 'diversionOutcome belongs to a diversion');
        // Named clinicians are people: the history says that the name changed, not what it was.
        changes.push(field === 'namedClinician' ? 'namedClinician changed' : `${field} ${show(a[field])} -> ${show(value)}`);
        Object.assign(a, { [field]: value });
      }
      if (cmd.end) {
        a.status = 'ENDED';
        changes.push('ended');
      }
      if (!changes.length) throw invalid('end', 'Nothing to change');
      await m.save(a);
      for (const c of changes) await this.change(m, a.id, c, actorOf(ctx), now);
      await ctx.audit(m, { recordIds: [a.caseId, a.id] });
      return (await this.views(m, a.caseId, [a.id]))[0];
    });
  }

  async list(caseId: string, ctx: RequestContext): Promise<MhArrangementView[]> {
    const views = await this.views(this.dataSource.manager, caseId);
    await auditRead(ctx, this.dataSource, [caseId, ...views.map((v) => v.arrangementId)]);
    return views;
  }

  async views(m: EntityManager, caseId: string, ids?: string[]): Promise<MhArrangementView[]> {
    const rows = await m.find(MhArrangement, { where: ids ? { caseId, id: In(ids) } : { caseId }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (!rows.length) return [];
    const history = await m.find(MhArrangementChange, { where: { arrangementId: In(rows.map((r) => r.id)) }, order: { changedAt: 'ASC', id: 'ASC' } });
    return rows.map((a) => ({
      arrangementId: a.id,
      caseId: a.caseId,
      kind: a.kind,
      status: a.status,
      leadAgency: a.leadAgency,
      namedClinician: a.namedClinician,
      reviewDate: a.reviewDate?.toISOString() ?? null,
      diversionOutcome: a.diversionOutcome,
      consultationId: a.consultationId,
      history: history.filter((h) => h.arrangementId === a.id).map((h) => ({ change: h.change, changedBy: h.changedBy, changedAt: h.changedAt.toISOString() })),
      version: a.version,
    }));
  }
}
