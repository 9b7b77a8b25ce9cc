import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, In, Not, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND } from '@stac/auth';
import {
  AdviceIssuedV1,
  AdviceItemResolvedV1,
  ProblemException,
  type AcknowledgeAdviceCommand,
  type AdviceDocument,
  type AdviceItemView,
  type IssueAdviceCommand,
  type ResolveAdviceItemCommand,
} from '@stac/contracts';
import {
  ADVICE_CHECKLIST_VERSION,
  applicableAdviceItems,
  checklistItem,
  resolutionProblem,
  WorkingDayCalendar,
  type CaseStatus,
} from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { actorOf, assertVersion, CaseWorkflow, eventHeaders } from '../lifecycle/case-workflow';
import { ScreeningClocks } from '../screening/screening-clock.service';
import { AdviceItem } from './advice-item.entity';
import { Advice } from './advice.entity';

/** Advice is issued once triaged, and re-issued (a new document version) while the case is worked. */
const ADVICE_STATUSES_OF_CASE: readonly CaseStatus[] = ['TRIAGED', 'ACTIVE', 'MONITORING'];

export function itemView(i: AdviceItem, now: Date): AdviceItemView {
  return {
    itemId: i.id,
    code: i.code,
    guidance: i.guidance,
    dueAt: i.dueAt.toISOString(),
    status: i.status,
    rationale: i.rationale,
    victimViewsSought: i.victimViewsSought,
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    resolvedBy: i.resolvedBy,
    overdue: i.status === 'OPEN' && i.dueAt.getTime() < now.getTime(),
    version: i.version,
  };
}

function documentView(a: Advice, items: AdviceItem[], now: Date): AdviceDocument {
  return {
    adviceId: a.id,
    caseId: a.caseId,
    documentVersion: a.documentVersion,
    checklistVersion: a.checklistVersion,
    status: a.status,
    issuedAt: a.issuedAt.toISOString(),
    issuedBy: a.issuedBy,
    caseOfficer: a.caseOfficer,
    note: a.note,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    items: items.map((i) => itemView(i, now)),
    version: a.version,
  };
}

/**
 * H3: advice to the case officer as a versioned, coded checklist (domain.md §3 step 5). Issuing stops
 * the screening clock and starts the investigation (TRIAGED -> ACTIVE); the case officer acknowledges
 * and resolves each item; every step is audited with its event in one transaction.
 */
@Injectable()
export class AdviceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: CaseWorkflow,
    private readonly clocks: ScreeningClocks,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  issue(cmd: IssueAdviceCommand, ctx: RequestContext): Promise<AdviceDocument> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'advice.issue', cmd, async () => {
        const now = this.clock.now();
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (!ADVICE_STATUSES_OF_CASE.includes(c.status)) {
          throw rpcProblem(409, 'illegal-transition', `Cannot issue advice on a case in status ${c.status}`, {
            detail: 'Advice follows triage: the case must be TRIAGED, ACTIVE or MONITORING',
          });
        }
        const previous = await m.find(Advice, { where: { caseId: c.id, status: Not('SUPERSEDED') } });
        for (const p of previous) {
          p.status = 'SUPERSEDED';
          await m.save(p);
        }
        const [{ n }] = await m.query('SELECT coalesce(max(document_version), 0)::int AS n FROM advice WHERE case_id = $1', [c.id]);
        const codes = cmd.items ?? applicableAdviceItems(c.flags);
        const advice = await m.save(
          Object.assign(new Advice(), {
            id: randomUUID(),
            caseId: c.id,
            documentVersion: n + 1,
            checklistVersion: ADVICE_CHECKLIST_VERSION,
            status: 'ISSUED',
            caseOfficer: cmd.caseOfficer ?? c.caseOfficer,
            note: cmd.note ?? null,
            issuedBy: actorOf(ctx),
            issuedAt: now,
            acknowledgedBy: null,
            acknowledgedAt: null,
          }),
        );
        const items: AdviceItem[] = [];
        for (const code of codes) {
          const def = checklistItem(code);
          items.push(
            await m.save(
              Object.assign(new AdviceItem(), {
                id: randomUUID(),
                adviceId: advice.id,
                caseId: c.id,
                code,
                guidance: def.guidance,
                dueAt: this.calendar.addWorkingDays(now, def.dueWorkingDays),
                status: 'OPEN',
                rationale: null,
                victimViewsSought: null,
                resolvedBy: null,
                resolvedAt: null,
              }),
            ),
          );
        }
        const metTarget = await this.clocks.stop(m, c.id, now);
        if (c.status === 'TRIAGED') {
          await this.workflow.moveStatus(m, c, 'ACTIVE', { at: now, actor: actorOf(ctx), headers: eventHeaders(ctx), trigger: 'ADVICE_ISSUED' });
        }
        await this.outbox.enqueue(
          m,
          AdviceIssuedV1,
          {
            caseId: c.id,
            aggregateVersion: advice.version,
            additionalInformation: {
              adviceId: advice.id,
              documentVersion: advice.documentVersion,
              checklistVersion: advice.checklistVersion,
              itemCodes: codes,
              issuedAt: now.toISOString(),
              withinTarget: metTarget ?? true,
            },
          },
          eventHeaders(ctx),
        );
        await this.audit(m, ctx, 'advice.issue', 'collection', [c.id, advice.id, ...items.map((i) => i.id)]);
        return documentView(advice, items, now);
      }),
    );
  }

  acknowledge(cmd: AcknowledgeAdviceCommand, ctx: RequestContext): Promise<AdviceDocument> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const advice = await m.findOne(Advice, { where: { id: cmd.adviceId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!advice) throw rpcProblem(404, 'advice-not-found', 'No such advice on this case');
      assertVersion('advice', advice.version, cmd.expectedVersion);
      if (advice.status !== 'ISSUED') throw rpcProblem(409, 'illegal-transition', `Cannot move the advice from ${advice.status} to ACKNOWLEDGED`);
      advice.status = 'ACKNOWLEDGED';
      advice.acknowledgedAt = now;
      advice.acknowledgedBy = actorOf(ctx);
      const saved = await m.save(advice);
      await this.audit(m, ctx, 'advice.resolve', 'alteration', [cmd.caseId, advice.id]);
      const items = await m.find(AdviceItem, { where: { adviceId: advice.id }, order: { dueAt: 'ASC', code: 'ASC' } });
      return documentView(saved, items, now);
    });
  }

  resolveItem(cmd: ResolveAdviceItemCommand, ctx: RequestContext): Promise<AdviceItemView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const item = await m.findOne(AdviceItem, { where: { id: cmd.itemId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw rpcProblem(404, 'advice-item-not-found', 'No such advice item on this case');
      assertVersion('advice item', item.version, cmd.expectedVersion);
      const advice = await m.findOneOrFail(Advice, { where: { id: item.adviceId } });
      if (advice.status === 'ISSUED') throw rpcProblem(409, 'advice-not-acknowledged', 'Acknowledge the advice before resolving its items');
      if (advice.status === 'SUPERSEDED') throw rpcProblem(409, 'advice-superseded', 'This advice was superseded by a later issue');
      if (item.status !== 'OPEN') throw rpcProblem(409, 'illegal-transition', `Cannot move the advice item from ${item.status} to ${cmd.resolution}`);
      const problem = resolutionProblem(item.code, cmd);
      if (problem) {
        const field = /victim/.test(problem) ? 'victimViewsSought' : 'rationale';
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message: problem }] });
      }
      item.status = cmd.resolution;
      item.rationale = cmd.rationale ?? null;
      item.victimViewsSought = cmd.victimViewsSought ?? null;
      item.resolvedAt = now;
      item.resolvedBy = actorOf(ctx);
      const saved = await m.save(item);
      await this.outbox.enqueue(
        m,
        AdviceItemResolvedV1,
        {
          caseId: cmd.caseId,
          aggregateVersion: saved.version,
          additionalInformation: {
            adviceId: item.adviceId,
            itemId: item.id,
            code: item.code,
            resolution: cmd.resolution,
            resolvedAt: now.toISOString(),
            overdue: item.dueAt.getTime() < now.getTime(),
          },
        },
        eventHeaders(ctx),
      );
      await this.audit(m, ctx, 'advice.resolve', 'alteration', [cmd.caseId, item.adviceId, item.id]);
      return itemView(saved, now);
    });
  }

  /** Every advice document of the case, newest first. */
  async list(caseId: string, ctx: RequestContext): Promise<AdviceDocument[]> {
    const m = this.dataSource.manager;
    if (!(await m.exists(StalkingCase, { where: { id: caseId } }))) throw new ProblemException(CASE_NOT_FOUND);
    const docs = await m.find(Advice, { where: { caseId }, order: { documentVersion: 'DESC' } });
    const items = docs.length ? await m.find(AdviceItem, { where: { adviceId: In(docs.map((d) => d.id)) }, order: { dueAt: 'ASC', code: 'ASC' } }) : [];
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'case.workflow.read',
      principal: ctx.principal,
      recordType: 'advice',
      recordIds: [caseId, ...docs.map((d) => d.id)],
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
    const now = this.clock.now();
    return docs.map((d) => documentView(d, items.filter((i) => i.adviceId === d.id), now));
  }

  private audit(
    m: EntityManager,
    ctx: RequestContext,
    action: string,
    operation: 'collection' | 'alteration',
    recordIds: string[],
  ) {
    return this.accessLog.append(m, {
      operation,
      action,
      principal: ctx.principal,
      recordType: 'advice',
      recordIds,
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: ['police'],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}
