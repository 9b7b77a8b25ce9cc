import { randomUUID } from 'node:crypto';
import { AccessLog, type Principal } from '@stac/auth';
import { ENGLAND_AND_WALES } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { problemOf } from '@stac/testing';
import { CaseWorkflow } from '../lifecycle/case-workflow';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { CpsService } from './cps.service';
import { testRequestContext } from '@stac/runtime/testing';
import type { RequestContext } from '@stac/runtime';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
let cps: CpsService;
const accessLog = new AccessLog();

beforeAll(async () => {
  await h.start('cps');
  cps = new CpsService(h.ds, new CaseWorkflow(new Outbox('intake')), h.relationships, new Outbox('intake'), accessLog, h.clock, ENGLAND_AND_WALES);
});
afterAll(() => h.stop());

function ctx(principal: Principal): RequestContext {
  const c: RequestContext = testRequestContext(principal, {
    decision: { allow: true, rule: 'test', status: 200, via: principal.agency === 'cps' ? 'AGENCY_SHARE' : 'OWNING_TEAM' },
    audit: async (m, d) => {
      await accessLog.append(m as never, {
        operation: 'collection',
        action: 'test',
        principal,
        recordType: 'cps',
        recordIds: d.recordIds,
        fieldGroups: [],
        purpose: 'investigation',
        recipients: d.recipients ?? [principal.agency],
        decision: { allow: true, rule: 'test' },
        correlationId: c.correlationId,
      });
    },
  }, h.idempotency);
  return c;
}
const officer = (): RequestContext => ctx({ issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] });
const prosecutor = (subject = 'cps-1'): RequestContext => ctx({ issuer: 'urn:test', subject, agency: 'cps', roles: ['prosecutor'] });

async function chargeRequested(caseId: string) {
  for (const to of ['ARRESTED', 'CHARGE_REQUESTED'] as const) {
    const v = await h.lifecycle.read(caseId, h.ctx());
    await h.lifecycle.changeCjStage({ caseId, expectedVersion: v.version, to }, h.ctx());
  }
}

describe('CPS early advice and charging decisions on a real Postgres', () => {
  it('advice is due on the working-day calendar, shares the case with the CPS once, and is answered once with codes', async () => {
    // Friday 18 Dec 2026 + 5 working days skips the weekend, Christmas Day and the Boxing Day substitute (Monday 28th).
    h.clock.set(new Date('2026-12-18T10:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const r = await cps.requestAdvice({ caseId, question: 'Is the evidence of fear sufficient for s4A?', evidenceAreas: ['DIGITAL', 'VICTIM_ACCOUNT'], dueInWorkingDays: 5 }, officer());
    expect(r).toMatchObject({ status: 'REQUESTED', dueAt: '2026-12-29T10:00:00.000Z', overdue: false, adviceCodes: null });
    await cps.requestAdvice({ caseId, question: 'A second question on bail', evidenceAreas: ['OTHER'] }, officer());
    const shares = await h.ds.query(`SELECT kind, agency FROM case_relationship WHERE case_id = $1 AND agency = 'cps'`, [caseId]);
    expect(shares).toEqual([{ kind: 'AGENCY_SHARE', agency: 'cps' }]);

    const answered = await cps.answerAdvice({ caseId, requestId: r.requestId, adviceCodes: ['OBTAIN_DIGITAL_EVIDENCE', 'CONSIDER_S4A_NOT_S2A'], note: 'Download the phone first' }, prosecutor());
    expect(answered).toMatchObject({ status: 'ANSWERED', adviceCodes: ['OBTAIN_DIGITAL_EVIDENCE', 'CONSIDER_S4A_NOT_S2A'] });
    expect(await problemOf(cps.answerAdvice({ caseId, requestId: r.requestId, adviceCodes: ['INSUFFICIENT_EVIDENCE'] }, prosecutor()))).toMatchObject({
      status: 409,
      code: 'advice-already-given',
    });
    expect(await problemOf(cps.answerAdvice({ caseId, requestId: randomUUID(), adviceCodes: ['INSUFFICIENT_EVIDENCE'] }, prosecutor()))).toMatchObject({ status: 404 });
    // Thin events: codes and dates, never the question or the note.
    const requested = await h.outboxInfo(caseId, 'intake.cps.advice-requested.v1');
    expect(requested[0]).toEqual({ requestId: r.requestId, evidenceAreas: ['DIGITAL', 'VICTIM_ACCOUNT'], dueAt: '2026-12-29T10:00:00.000Z' });
    const [{ n }] = await h.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope::text LIKE '%phone first%' OR envelope::text LIKE '%evidence of fear%'`);
    expect(n).toBe(0);
  });

  it('D10: charge s4A moves the CJ stage to CHARGED through the case state machine (stage-changed published); NFA to NFA_CPS with a reason', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    expect(await problemOf(cps.decideCharge({ caseId, decision: 'CHARGE_S4A' }, prosecutor()))).toMatchObject({ status: 409, code: 'no-charge-requested' });
    await chargeRequested(caseId);
    const d = await cps.decideCharge({ caseId, decision: 'CHARGE_S4A' }, prosecutor());
    expect(d).toMatchObject({ decision: 'CHARGE_S4A', cjStage: 'CHARGED' });
    expect((await h.lifecycle.read(caseId, h.ctx())).cjStage).toBe('CHARGED');
    const stages = await h.outboxInfo(caseId, 'intake.case.stage-changed.v1');
    expect(stages.at(-1)).toMatchObject({ machine: 'CJ_STAGE', from: 'CHARGE_REQUESTED', to: 'CHARGED' });
    expect(await h.outboxInfo(caseId, 'intake.cps.charging-decided.v1')).toEqual([{ decisionId: d.decisionId, decision: 'CHARGE_S4A', decidedAt: '2026-12-01T09:00:00.000Z' }]);

    const nfaCase = await h.referredCase(h.clock.now());
    await chargeRequested(nfaCase);
    expect(await problemOf(cps.decideCharge({ caseId: nfaCase, decision: 'NO_FURTHER_ACTION' }, prosecutor()))).toMatchObject({ status: 400, errors: [{ field: 'reason' }] });
    expect((await cps.decideCharge({ caseId: nfaCase, decision: 'NO_FURTHER_ACTION', reason: 'Not in the public interest' }, prosecutor())).cjStage).toBe('NFA_CPS');
    expect((await h.lifecycle.read(nfaCase, h.ctx())).history.at(-1)).toMatchObject({ machine: 'CJ_STAGE', to: 'NFA_CPS', reasonCode: 'NO_FURTHER_ACTION', trigger: 'CPS_CHARGING_DECISION' });
  });

  it('further evidence keeps the file awaiting a decision with a review date; the prosecutor worklist pages through what is shared with the CPS only', async () => {
    h.clock.set(new Date('2026-12-02T09:00:00Z'));
    const shared = await h.referredCase(h.clock.now());
    const notShared = await h.referredCase(h.clock.now());
    await chargeRequested(notShared);
    await cps.requestAdvice({ caseId: shared, question: 'Enough for a charge?', evidenceAreas: ['CCTV'], dueInWorkingDays: 1 }, officer());
    await cps.requestAdvice({ caseId: shared, question: 'And the third party material?', evidenceAreas: ['THIRD_PARTY_MATERIAL'], dueInWorkingDays: 2 }, officer());
    await chargeRequested(shared);
    expect(await problemOf(cps.decideCharge({ caseId: shared, decision: 'FURTHER_EVIDENCE', reason: 'Phone download' }, prosecutor()))).toMatchObject({
      status: 400,
      errors: [{ field: 'reviewDate' }],
    });
    const fe = await cps.decideCharge({ caseId: shared, decision: 'FURTHER_EVIDENCE', reason: 'Phone download', reviewDate: '2026-12-16' }, prosecutor());
    expect(fe).toMatchObject({ cjStage: 'CHARGE_REQUESTED', reviewDate: '2026-12-16' });

    const p = prosecutor().principal;
    // Page through the whole list two at a time (other tests' cases are on it too): no repeats, no gaps.
    const seen: string[] = [];
    const mine: unknown[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await cps.worklist(p, 'investigation', { limit: 2, cursor });
      pages++;
      for (const i of page.items) {
        seen.push(`${i.kind}:${i.caseId}:${i.requestId}`);
        if (i.caseId === shared || i.caseId === notShared) mine.push([i.kind, i.caseId, i.at]);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    // The case never shared with the CPS is absent although it awaits a decision.
    expect(mine).toEqual([
      ['ADVICE_DUE', shared, '2026-12-03T09:00:00.000Z'],
      ['ADVICE_DUE', shared, '2026-12-04T09:00:00.000Z'],
      ['DECISION_AWAITED', shared, '2026-12-16T00:00:00.000Z'],
    ]);
    expect(await problemOf(cps.worklist(p, 'investigation', { cursor: 'bm90LWEtY3Vyc29y' }))).toMatchObject({ status: 400, errors: [{ field: 'cursor' }] });
  });
});
