import { randomUUID } from 'node:crypto';
import { ENGLAND_AND_WALES } from '@stac/domain';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { ScreeningClocks } from './screening-clock.service';

jest.setTimeout(60_000);

const MIN = 60_000;
const h = new WorkflowHarness();

beforeAll(() => h.start('screening_clock'));
afterAll(() => h.stop());

describe('screening clock (1 working day, England and Wales bank holidays) with a FixedClock', () => {
  it('a referral on Christmas Eve 2026 is due on Tuesday 29 December; starting twice keeps one clock', async () => {
    h.clock.set(new Date('2026-12-24T11:00:00Z'));
    const caseId = await h.referredCase(new Date('2026-12-24T11:00:00Z'));
    // The referral event redelivered (or a screener racing it) never starts a second clock.
    await h.ds.transaction((m) => h.clocks.onCaseReferred({ referredAt: '2026-12-24T11:00:00.000Z' } as never, h.eventContext(m, caseId)));
    const clocks = await h.ds.query('SELECT due_at, round, target_working_days FROM screening_clock WHERE case_id = $1', [caseId]);
    expect(clocks).toHaveLength(1);
    expect(clocks[0]).toMatchObject({ round: 1, target_working_days: 1 });
    expect(new Date(clocks[0].due_at).toISOString()).toBe('2026-12-29T11:00:00.000Z');
  });

  it('is not overdue until its due time, then appears as overdue for screeners and leads; advice stops it (target missed)', async () => {
    h.clock.set(new Date('2027-03-25T09:00:00Z')); // Maundy Thursday
    const caseId = await h.referredCase(new Date('2027-03-25T09:00:00Z'));
    const lead = { principal: h.principal('lead-1'), decision: { allow: true, rule: 'worklist.read', status: 200 as const }, purpose: 'investigation' as const, fieldGroups: [] };

    // Good Friday and Easter Monday skipped, and the clocks went forward: due Tue 30 March 09:00 BST (08:00 UTC).
    h.clock.set(new Date('2027-03-30T07:59:00Z'));
    let screening = await h.worklists.screening(lead, 'c1');
    expect(screening.untriaged.find((w) => w.caseId === caseId)).toMatchObject({ screeningDueAt: '2027-03-30T08:00:00.000Z', overdue: false });
    expect(screening.overdue.map((w) => w.caseId)).not.toContain(caseId);

    h.clock.advance(2 * MIN);
    screening = await h.worklists.screening(lead, 'c2');
    expect(screening.overdue.map((w) => w.caseId)).toContain(caseId);
    expect((await h.worklists.leads(lead, 'c3')).overdueScreening.map((w) => w.caseId)).toContain(caseId);

    // Screened and triaged but no advice yet: the clock still runs (the target is advice to the case officer).
    await h.screenAndTriage(caseId);
    screening = await h.worklists.screening(lead, 'c4');
    expect(screening.untriaged.map((w) => w.caseId)).not.toContain(caseId);
    expect(screening.overdue.map((w) => w.caseId)).toContain(caseId);

    h.clock.advance(60 * MIN);
    await h.advice.issue({ caseId }, h.ctx('screener-1'));
    const view = await h.screening.view(caseId, h.ctx());
    expect(view.clock).toMatchObject({ stoppedAt: '2027-03-30T09:01:00.000Z', overdue: false, metTarget: false });
    expect(await h.outboxInfo(caseId, 'intake.advice.issued.v1')).toEqual([expect.objectContaining({ withinTarget: false })]);
    expect((await h.worklists.leads(lead, 'c5')).overdueScreening.map((w) => w.caseId)).not.toContain(caseId);
  });

  it('advice within the target is recorded as met', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    h.clock.advance(3 * 60 * MIN);
    await h.screenAndTriage(caseId);
    await h.advice.issue({ caseId }, h.ctx('screener-1'));
    expect((await h.screening.view(caseId, h.ctx())).clock).toMatchObject({ dueAt: '2026-12-02T09:00:00.000Z', metTarget: true });
    expect(await h.outboxInfo(caseId, 'intake.advice.issued.v1')).toEqual([expect.objectContaining({ withinTarget: true })]);
  });

  it('shows where the clock will be before the referral event has started it', async () => {
    h.clock.set(new Date('2026-12-04T16:00:00Z')); // a Friday
    const caseId = await h.referredCase(h.clock.now(), { startClock: false });
    expect((await h.screening.view(caseId, h.ctx())).clock).toMatchObject({ dueAt: '2026-12-07T16:00:00.000Z', stoppedAt: null });
    // Screening starts the clock itself if the event is still in flight, from the referral time.
    await h.screenAndTriage(caseId);
    const [row] = await h.ds.query('SELECT due_at FROM screening_clock WHERE case_id = $1', [caseId]);
    expect(new Date(row.due_at).toISOString()).toBe('2026-12-07T16:00:00.000Z');
  });

  it('the same due dates as risk-assessment over Easter 2029: a referral at 09:00 BST on Maundy Thursday is due 09:00 BST on the Tuesday, and so is one-working-day advice', async () => {
    // Good Friday 30 March and Easter Monday 2 April 2029 (past the end of any hand-kept table).
    h.clock.set(new Date('2029-03-29T08:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const [row] = await h.ds.query('SELECT due_at FROM screening_clock WHERE case_id = $1', [caseId]);
    expect(new Date(row.due_at).toISOString()).toBe('2029-04-03T08:00:00.000Z');
    await h.screenAndTriage(caseId);
    await h.advice.issue({ caseId }, h.ctx('screener-1'));
    const items: { code: string; due_at: Date }[] = await h.ds.query(`SELECT code, due_at FROM advice_item WHERE case_id = $1 AND code = 'REFER_TO_ISAC'`, [caseId]);
    expect(items.map((i) => new Date(i.due_at).toISOString())).toEqual(['2029-04-03T08:00:00.000Z']);
  });

  it('the target is configurable (2 working days)', () => {
    const two = new ScreeningClocks(h.clock, { workingDays: 2 }, ENGLAND_AND_WALES);
    expect(two.dueFrom(new Date('2026-12-24T11:00:00Z')).toISOString()).toBe('2026-12-30T11:00:00.000Z');
  });

  it('a new incident on a closed case re-opens it and starts a second round; one recorded before closure does not', async () => {
    h.clock.set(new Date('2026-12-07T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    await h.screenAndTriage(caseId);
    await h.advice.issue({ caseId }, h.ctx('screener-1'));
    const lc = await h.lifecycle.read(caseId, h.ctx());
    h.clock.advance(60 * MIN);
    await h.lifecycle.close({ caseId, expectedVersion: lc.version, reason: 'RISK_MANAGED' }, h.ctx('officer-1'));

    // An incident recorded before the case closed, delivered late: nothing changes.
    await h.ds.transaction((m) =>
      h.lifecycle.onIncidentRecorded(
        { incidentId: randomUUID(), occurredAt: '2026-12-06T10:00:00.000Z', behaviours: ['CONTACTING'], isBreach: false },
        h.eventContext(m, caseId, new Date('2026-12-07T09:30:00Z')) as never,
      ),
    );
    expect((await h.lifecycle.read(caseId, h.ctx())).status).toBe('CLOSED');

    h.clock.set(new Date('2026-12-09T14:00:00Z'));
    await h.ds.transaction((m) =>
      h.lifecycle.onIncidentRecorded(
        { incidentId: randomUUID(), occurredAt: '2026-12-09T13:00:00.000Z', behaviours: ['CONTACTING'], isBreach: false },
        h.eventContext(m, caseId) as never,
      ),
    );
    expect((await h.lifecycle.read(caseId, h.ctx())).status).toBe('REOPENED');
    const rounds = await h.ds.query('SELECT round, due_at, stopped_at FROM screening_clock WHERE case_id = $1 ORDER BY round', [caseId]);
    expect(rounds).toHaveLength(2);
    expect(new Date(rounds[1].due_at).toISOString()).toBe('2026-12-10T14:00:00.000Z');
    expect(rounds[1].stopped_at).toBeNull();
    expect(await h.outboxInfo(caseId, 'intake.case.reopened.v1')).toEqual([expect.objectContaining({ reason: 'NEW_INCIDENT' })]);
  });
});
