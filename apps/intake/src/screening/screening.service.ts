import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND } from '@stac/auth';
import {
  ProblemException,
  type RecordScreeningCommand,
  type ScreeningRecord,
  type ScreeningRecorded,
  type ScreeningView,
  type TriageCommand,
  type TriageDecisionRecord,
  type TriageRecorded,
  CaseTriagedV1,
} from '@stac/contracts';
import { AWAITING_SCREENING, FOUR_TEST_ELEMENTS } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { actorOf, CaseWorkflow, eventHeaders } from '../lifecycle/case-workflow';
import { TriageDecision } from '../triage/triage-decision.entity';
import { ScreeningClock } from './screening-clock.entity';
import { ScreeningClocks, clockView } from './screening-clock.service';
import { Screening } from './screening.entity';

function screeningRecord(s: Screening): ScreeningRecord {
  return {
    screeningId: s.id,
    caseId: s.caseId,
    fixated: { answer: s.fixated, note: s.fixatedNote },
    obsessive: { answer: s.obsessive, note: s.obsessiveNote },
    unwanted: { answer: s.unwanted, note: s.unwantedNote },
    repeated: { answer: s.repeated, note: s.repeatedNote },
    fourTestMet: FOUR_TEST_ELEMENTS.every((e) => s[e]),
    offenceClass: s.offenceClass,
    notStalkingRationale: s.notStalkingRationale,
    screenedAt: s.screenedAt.toISOString(),
    screenedBy: s.screenedBy,
  };
}

function triageRecord(t: TriageDecision): TriageDecisionRecord {
  return {
    triageDecisionId: t.id,
    caseId: t.caseId,
    screeningId: t.screeningId,
    decision: t.decision,
    reasons: t.reasons,
    note: t.note,
    decidedAt: t.decidedAt.toISOString(),
    decidedBy: t.decidedBy,
  };
}

/**
 * D1 screening (FOUR test, classification, not-stalking rationale) and D3 triage. Screening moves the
 * case to SCREENING, triage to TRIAGED; both are audited in the same transaction as the change.
 */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: CaseWorkflow,
    private readonly clocks: ScreeningClocks,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  record(cmd: RecordScreeningCommand, ctx: RequestContext): Promise<ScreeningRecorded> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'screening.record', cmd, async () => {
        const now = this.clock.now();
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (!AWAITING_SCREENING.includes(c.status)) {
          throw rpcProblem(409, 'illegal-transition', `Cannot screen a case in status ${c.status}`, {
            detail: `case: ${c.status} -> SCREENING is not a permitted transition`,
          });
        }
        const clock = await this.clocks.current(m, c.id, c.referredAt);
        const s: Screening = {
          id: randomUUID(),
          caseId: c.id,
          round: clock.round,
          fixated: cmd.fixated.answer,
          fixatedNote: cmd.fixated.note,
          obsessive: cmd.obsessive.answer,
          obsessiveNote: cmd.obsessive.note,
          unwanted: cmd.unwanted.answer,
          unwantedNote: cmd.unwanted.note,
          repeated: cmd.repeated.answer,
          repeatedNote: cmd.repeated.note,
          offenceClass: cmd.offenceClass,
          notStalkingRationale: cmd.notStalkingRationale ?? null,
          screenedBy: actorOf(ctx),
          screenedAt: now,
        };
        await m.insert(Screening, s);
        // The classification after screening is the case's classification (a harassment one keeps its rationale).
        c.offenceClass = cmd.offenceClass;
        c.notStalkingRationale = cmd.notStalkingRationale ?? null;
        const saved =
          c.status === 'SCREENING'
            ? await m.save(c)
            : await this.workflow.moveStatus(m, c, 'SCREENING', { at: now, actor: actorOf(ctx), headers: eventHeaders(ctx), trigger: 'SCREENING' });
        await this.accessLog.append(m, {
          operation: 'collection',
          action: 'case.screen',
          principal: ctx.principal,
          recordType: 'screening',
          recordIds: [c.id, s.id],
          fieldGroups: ctx.fieldGroups,
          purpose: ctx.purpose,
          recipients: ['police'],
          decision: ctx.decision,
          correlationId: ctx.correlationId,
        });
        return { screening: screeningRecord(s), caseStatus: saved.status, caseVersion: saved.version };
      }),
    );
  }

  triage(cmd: TriageCommand, ctx: RequestContext): Promise<TriageRecorded> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'triage.decide', cmd, async () => {
        const now = this.clock.now();
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (c.status !== 'SCREENING') throw rpcProblem(409, 'illegal-transition', `Cannot triage a case in status ${c.status}`, {
          detail: `case: ${c.status} -> TRIAGED is not a permitted transition (screen it first)`,
        });
        const screening = await m.findOne(Screening, { where: { caseId: c.id }, order: { screenedAt: 'DESC' } });
        if (!screening) throw rpcProblem(409, 'screening-required', 'Record the FOUR-test screening before triage');
        const t: TriageDecision = {
          id: randomUUID(),
          caseId: c.id,
          screeningId: screening.id,
          decision: cmd.decision,
          reasons: cmd.reasons,
          note: cmd.note ?? null,
          decidedBy: actorOf(ctx),
          decidedAt: now,
        };
        await m.insert(TriageDecision, t);
        const saved = await this.workflow.moveStatus(m, c, 'TRIAGED', {
          at: now,
          actor: actorOf(ctx),
          headers: eventHeaders(ctx),
          reasonCode: cmd.decision,
          trigger: 'TRIAGE',
        });
        await this.outbox.enqueue(
          m,
          CaseTriagedV1,
          {
            caseId: c.id,
            aggregateVersion: saved.version,
            additionalInformation: { triageDecisionId: t.id, decision: t.decision, reasons: t.reasons, triagedAt: now.toISOString() },
          },
          eventHeaders(ctx),
        );
        await this.accessLog.append(m, {
          operation: 'collection',
          action: 'case.triage',
          principal: ctx.principal,
          recordType: 'triage-decision',
          recordIds: [c.id, t.id],
          fieldGroups: ctx.fieldGroups,
          purpose: ctx.purpose,
          recipients: ['police'],
          decision: ctx.decision,
          correlationId: ctx.correlationId,
        });
        return { triage: triageRecord(t), caseStatus: saved.status, caseVersion: saved.version };
      }),
    );
  }

  /** Screenings, triage decisions and the clock of a case; the read is audited before it is answered (LAW-02). */
  async view(caseId: string, ctx: RequestContext): Promise<ScreeningView> {
    const m = this.dataSource.manager;
    const c = await m.findOne(StalkingCase, { where: { id: caseId } });
    if (!c) throw new ProblemException(CASE_NOT_FOUND);
    const [screenings, triage, clock] = await Promise.all([
      m.find(Screening, { where: { caseId }, order: { screenedAt: 'ASC' } }),
      m.find(TriageDecision, { where: { caseId }, order: { decidedAt: 'ASC' } }),
      m.findOne(ScreeningClock, { where: { caseId }, order: { round: 'DESC' } }),
    ]);
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'case.workflow.read',
      principal: ctx.principal,
      recordType: 'screening',
      recordIds: [caseId, ...screenings.map((s) => s.id), ...triage.map((t) => t.id)],
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      recipients: [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
    const now = this.clock.now();
    return {
      caseId,
      caseStatus: c.status,
      caseVersion: c.version,
      // Before the referral event has started the clock, show where it will be.
      clock: clockView(clock ?? this.clocks.pending(caseId, c.referredAt, c.custodyStartedAt), now),
      screenings: screenings.map(screeningRecord),
      triageDecisions: triage.map(triageRecord),
    };
  }
}
