import type { Authorized } from '@stac/auth';
import type { WorklistQuery } from '@stac/contracts';
import { problemOf } from '@stac/testing';
import { WorkflowHarness } from '../testing/workflow-test-harness';

jest.setTimeout(60_000);

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const h = new WorkflowHarness();

function granted(subject: string, roles: Authorized['principal']['roles'] = ['stac-lead']): Authorized {
  return { principal: h.principal(subject, roles), decision: { allow: true, rule: 'worklist', status: 200 }, purpose: 'investigation', fieldGroups: [] };
}

beforeAll(() => h.start('worklists'));
afterAll(() => h.stop());

describe('worklists with a FixedClock', () => {
  it('leads see advice items past their due date until the case officer resolves them', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z')); // Tuesday
    const caseId = await h.referredCase(h.clock.now(), { flags: ['DOMESTIC'] });
    await h.screenAndTriage(caseId);
    const advice = await h.advice.issue({ caseId }, h.ctx('screener-1'));
    await h.advice.acknowledge({ caseId, adviceId: advice.adviceId, expectedVersion: advice.version }, h.ctx('officer-1'));

    // One working day later plus a minute: the 1-day items (ISAC referral, no PINs) are overdue, nothing else.
    h.clock.set(new Date('2026-12-02T09:01:00Z'));
    let leads = await h.worklists.leads(granted('lead-1'), 'c1');
    const overdue = leads.overdueAdviceItems.filter((i) => i.caseId === caseId);
    expect(overdue.map((i) => i.code).sort()).toEqual(['NO_PIN', 'REFER_TO_ISAC']);
    expect(overdue[0]).toMatchObject({ caseOfficer: 'PC-1', dueAt: '2026-12-02T09:00:00.000Z' });

    const noPin = advice.items.find((i) => i.code === 'NO_PIN')!;
    const resolved = await h.advice.resolveItem({ caseId, itemId: noPin.itemId, expectedVersion: noPin.version, resolution: 'DONE' }, h.ctx('officer-1'));
    expect(resolved).toMatchObject({ status: 'DONE', overdue: false });
    expect(await h.outboxInfo(caseId, 'intake.advice.item-resolved.v1')).toEqual([expect.objectContaining({ code: 'NO_PIN', overdue: true })]);
    leads = await h.worklists.leads(granted('lead-1'), 'c2');
    expect(leads.overdueAdviceItems.filter((i) => i.caseId === caseId).map((i) => i.code)).toEqual(['REFER_TO_ISAC']);

    // A re-issued advice supersedes the old document: its open items stop counting.
    await h.advice.issue({ caseId, items: ['CONSIDER_SPO'] }, h.ctx('screener-1'));
    leads = await h.worklists.leads(granted('lead-1'), 'c3');
    expect(leads.overdueAdviceItems.filter((i) => i.caseId === caseId)).toEqual([]);
  });

  it('orders: SPO notification overdue after 3 days, expiring within 28 days, one warning per expiry, then expired by the scan', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    await h.screenAndTriage(caseId);
    await h.advice.issue({ caseId }, h.ctx('screener-1'));
    let o = await h.orders.consider({ caseId, orderType: 'SPO' }, h.ctx('officer-1'));
    const move = async (body: object) => (o = await h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, ...body } as never, h.ctx('officer-1')));
    await move({ to: 'APPLIED' });
    await move({ to: 'GRANTED', effectiveFrom: '2026-12-01T00:00:00Z', expiresAt: '2028-12-01T00:00:00Z' });
    h.clock.set(new Date('2026-12-01T10:30:00Z'));
    await move({ to: 'SERVED', servedAt: '2026-12-01T10:00:00Z' });
    await move({ to: 'ACTIVE' });

    h.clock.set(new Date('2026-12-04T09:59:00Z'));
    expect((await h.worklists.leads(granted('spo-1'), 'c1')).overdueNotifications.map((x) => x.orderId)).not.toContain(o.orderId);
    h.clock.advance(2 * MIN);
    const overdue = (await h.worklists.leads(granted('spo-1'), 'c2')).overdueNotifications.find((x) => x.orderId === o.orderId);
    expect(overdue).toMatchObject({ caseId, orderType: 'SPO', dueAt: '2026-12-04T10:00:00.000Z' });
    o = await h.orders.recordNotification({ caseId, orderId: o.orderId, expectedVersion: o.version, receivedAt: '2026-12-04T10:01:00Z' }, h.ctx('spo-1'));
    expect((await h.worklists.leads(granted('spo-1'), 'c3')).overdueNotifications.map((x) => x.orderId)).not.toContain(o.orderId);

    // 27 days before expiry: expiring; the scan warns once per expiry date.
    h.clock.set(new Date('2028-11-04T00:00:00Z'));
    expect((await h.worklists.leads(granted('lead-1'), 'c4')).expiringOrders.map((x) => x.orderId)).toContain(o.orderId);
    const actor = h.principal('spo-1', ['spo-coordinator']);
    expect(await h.orders.scanExpiring({ actor, correlationId: 'scan-1' })).toEqual({ warned: 1, expired: 0 });
    expect(await h.orders.scanExpiring({ actor, correlationId: 'scan-2' })).toEqual({ warned: 0, expired: 0 });
    expect(await h.outboxInfo(caseId, 'intake.order.expiring.v1')).toEqual([{ orderId: o.orderId, orderType: 'SPO', expiresAt: '2028-12-01T00:00:00.000Z' }]);

    // Past expiry: the scan ends it (order.ended) and it leaves the worklist; the case may then close.
    h.clock.set(new Date('2028-12-01T00:00:01Z'));
    expect(await h.orders.scanExpiring({ actor, correlationId: 'scan-3' })).toEqual({ warned: 0, expired: 1 });
    expect(await h.outboxInfo(caseId, 'intake.order.ended.v1')).toEqual([expect.objectContaining({ orderId: o.orderId, outcome: 'EXPIRED' })]);
    expect((await h.worklists.leads(granted('lead-1'), 'c5')).expiringOrders.map((x) => x.orderId)).not.toContain(o.orderId);
    const lc = await h.lifecycle.read(caseId, h.ctx());
    expect((await h.lifecycle.close({ caseId, expectedVersion: lc.version, reason: 'RISK_MANAGED' }, h.ctx('officer-1'))).status).toBe('CLOSED');
  });

  it('a case triaged CONSULTATION waits on the lead worklist until a consultation is scheduled', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const yes = (note: string) => ({ answer: true, note });
    await h.screening.record(
      { caseId, fixated: yes('f'), obsessive: yes('o'), unwanted: yes('u'), repeated: yes('r'), offenceClass: 'S2A' },
      h.ctx('screener-1'),
    );
    const t = await h.screening.triage({ caseId, decision: 'CONSULTATION', reasons: ['COMPLEX_CASE'] }, h.ctx('screener-1'));
    const listed = async () => (await h.worklists.leads(granted('lead-1'), `sched-${Math.random()}`)).consultationsToSchedule.find((x) => x.caseId === caseId);
    expect(await listed()).toEqual({ caseId, crimeReference: expect.any(String), triageDecisionId: t.triage.triageDecisionId, triagedAt: '2026-12-01T09:00:00.000Z' });
    h.clock.advance(MIN);
    await h.consultations.schedule({ caseId, scheduledFor: '2026-12-03T10:00:00Z', panel: [{ agency: 'police' }, { agency: 'mental-health' }] }, h.ctx('lead-1'));
    expect(await listed()).toBeUndefined();
  });

  it('consultation actions past their due date are listed for leads until the owner agency completes them', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const c = await h.consultations.schedule({ caseId, scheduledFor: '2026-12-02T10:00:00Z', panel: [{ agency: 'police' }, { agency: 'probation' }] }, h.ctx('lead-1'));
    const action = await h.consultations.assignAction(
      { caseId, consultationId: c.consultationId, description: 'Check licence conditions', ownerAgency: 'probation', dueAt: '2026-12-08T17:00:00Z' },
      h.ctx('lead-1'),
    );
    h.clock.set(new Date('2026-12-08T17:01:00Z'));
    expect((await h.worklists.leads(granted('lead-1'), 'c1')).overdueConsultationActions).toEqual(
      expect.arrayContaining([{ caseId, actionId: action.actionId, ownerAgency: 'probation', dueAt: '2026-12-08T17:00:00.000Z' }]),
    );
    const probation = { ...h.ctx('po-1'), principal: { issuer: 'urn:test', subject: 'po-1', agency: 'probation' as const, roles: ['probation-officer' as const] } };
    const done = await h.consultations.completeAction({ caseId, actionId: action.actionId, expectedVersion: action.version }, probation);
    expect(done).toMatchObject({ status: 'DONE' });
    expect((await h.worklists.leads(granted('lead-1'), 'c2')).overdueConsultationActions.map((a) => a.actionId)).not.toContain(action.actionId);
    // The panel grant is a real relationship: probation can now open the case as a panel member (AC-02).
    const rel = await h.relationships.forPrincipal(h.ds, caseId, probation.principal);
    expect(rel.relationships.map((r) => r.kind)).toContain('CONSULTATION_PANEL');

    // Panel membership lasts while the case is open: closing ends it (AC-12: denied on the next request).
    await h.screenAndTriage(caseId);
    const lc = await h.lifecycle.read(caseId, h.ctx());
    await h.lifecycle.close({ caseId, expectedVersion: lc.version, reason: 'RISK_MANAGED' }, h.ctx('officer-1'));
    const after = await h.relationships.forPrincipal(h.ds, caseId, probation.principal);
    expect(after.relationships.map((r) => r.kind)).not.toContain('CONSULTATION_PANEL');
  });

  it('bail returns: listed for leads from 7 days before, overdue after, gone when the stage moves on; BAILED needs a future return date', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    let lc = await h.lifecycle.changeCjStage({ caseId, expectedVersion: 1, to: 'ARRESTED' }, h.ctx('officer-1'));
    await expect(h.lifecycle.changeCjStage({ caseId, expectedVersion: lc.version, to: 'BAILED', bailReturnAt: '2026-11-30T09:00:00Z' }, h.ctx('officer-1'))).rejects.toMatchObject({
      problem: { status: 400, errors: [{ field: 'bailReturnAt' }] },
    });
    lc = await h.lifecycle.changeCjStage({ caseId, expectedVersion: lc.version, to: 'BAILED', bailReturnAt: '2026-12-11T10:00:00Z' }, h.ctx('officer-1'));
    expect(lc).toMatchObject({ cjStage: 'BAILED', bailReturnAt: '2026-12-11T10:00:00.000Z' });
    expect((await h.outboxInfo(caseId, 'intake.case.stage-changed.v1')).at(-1)).toMatchObject({ to: 'BAILED', bailReturnAt: '2026-12-11T10:00:00.000Z' });

    const due = async () => (await h.worklists.leads(granted('lead-1'), `bail-${h.clock.now().getTime()}`)).bailReturnsDue.find((b) => b.caseId === caseId);
    expect(await due()).toBeUndefined();
    h.clock.set(new Date('2026-12-04T10:00:00Z'));
    expect(await due()).toMatchObject({ bailReturnAt: '2026-12-11T10:00:00.000Z', overdue: false });
    h.clock.set(new Date('2026-12-11T10:01:00Z'));
    expect(await due()).toMatchObject({ overdue: true });
    lc = await h.lifecycle.changeCjStage({ caseId, expectedVersion: lc.version, to: 'CHARGE_REQUESTED' }, h.ctx('officer-1'));
    expect(lc.bailReturnAt).toBeNull();
    expect(await due()).toBeUndefined();
  });

  it("my cases lists the caller's assigned open cases with open and overdue items; AC-07: an excluded user never sees a case", async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const mine = await h.referredCase(h.clock.now());
    const excluded = await h.referredCase(h.clock.now());
    const notMine = await h.referredCase(h.clock.now());
    for (const id of [mine, excluded]) {
      await h.relationships.grant(h.ds, { caseId: id, kind: 'ASSIGNMENT', agency: 'police', subject: 'officer-7', issuer: 'urn:test', createdBy: 'test' });
    }
    await h.relationships.exclude(h.ds, excluded, { issuer: 'urn:test', subject: 'officer-7' }, 'test');
    await h.screenAndTriage(mine);
    await h.advice.issue({ caseId: mine, items: ['NO_PIN', 'CONSIDER_SPO'] }, h.ctx('screener-1'));
    h.clock.advance(DAY + MIN);

    const list = await h.worklists.myCases(granted('officer-7', ['case-officer']), 'my-cases-1');
    expect(list.cases.map((c) => c.caseId)).toEqual([mine]);
    expect(list.cases[0]).toMatchObject({ status: 'ACTIVE', cjStage: 'PRE_ARREST', openAdviceItems: 2, overdueAdviceItems: 1, nextDueAt: '2026-12-02T09:00:00.000Z' });
    const screening = await h.worklists.screening(granted('officer-7', ['stac-screener']), 'c2');
    expect(screening.untriaged.map((w) => w.caseId)).toContain(notMine);
    expect(screening.untriaged.map((w) => w.caseId)).not.toContain(excluded);
    // Every list is an audited consultation of the cases shown (LAW-01), without data values.
    const [audit] = await h.ds.query(`SELECT record_ids, action FROM access_log WHERE correlation_id = 'my-cases-1'`);
    expect(audit).toEqual({ record_ids: [mine], action: 'worklist.own.read' });
  });

  describe('cursor paging (design.md §6): every list pages on its own, in a stable order, to its end', () => {
    /** Every page of one list, following its cursor; fails if a page repeats a row. */
    async function pageAll<T extends { caseId: string }>(read: (q: WorklistQuery) => Promise<{ items: T[]; next: string | null }>, limit: number): Promise<T[][]> {
      const pages: T[][] = [];
      let cursor: string | undefined;
      do {
        const page = await read({ limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        pages.push(page.items);
        cursor = page.next ?? undefined;
      } while (cursor && pages.length < 100);
      return pages;
    }
    const ids = (rows: { caseId: string }[]) => rows.map((r) => r.caseId);

    it('screening and lead lists: pages of 2 add up to the whole list in its order, ties broken by id; a case added mid-way before the cursor does not shift the rest', async () => {
      h.clock.set(new Date('2026-12-14T09:00:00Z')); // Monday
      // Five cases referred at the same instant (equal due times: the id decides their order).
      const same = await Promise.all([1, 2, 3, 4, 5].map(() => h.referredCase(h.clock.now())));
      h.clock.set(new Date('2026-12-16T09:00:00Z'));
      const screener = granted('screener-9', ['stac-screener']);
      const whole = await h.worklists.screening(screener, 'page-whole', { limit: 200 });
      const wholeIds = ids(whole.untriaged);
      expect(wholeIds).toEqual(expect.arrayContaining(same));
      expect(whole.next).toEqual({ untriaged: null, overdue: null });

      const pages = await pageAll(async (q) => {
        const r = await h.worklists.screening(screener, `page-${q.cursor ?? 'first'}`, q);
        // A cursor continues its own list only.
        if (q.cursor) expect(r.overdue).toEqual([]);
        return { items: r.untriaged, next: r.next.untriaged };
      }, 2);
      expect(pages.flat().map((i) => i.caseId)).toEqual(wholeIds);
      expect(pages.slice(0, -1).every((p) => p.length === 2)).toBe(true);
      const ours = pages.flat().filter((i) => same.includes(i.caseId));
      expect(ids(ours)).toEqual([...same].sort());

      // The overdue list pages the same way, and the lead's overdue screening is the same list.
      const overdue = (await pageAll(async (q) => {
        const r = await h.worklists.screening(screener, 'page-overdue', q);
        return { items: r.overdue, next: r.next.overdue };
      }, 3)).flat();
      expect(ids(overdue)).toEqual(ids(whole.overdue));
      expect(ids(overdue)).toEqual(expect.arrayContaining(same));
      const leadOverdue = (await pageAll(async (q) => {
        const r = await h.worklists.leads(granted('lead-9'), 'page-lead', q);
        return { items: r.overdueScreening, next: r.next.overdueScreening };
      }, 4)).flat();
      expect(ids(leadOverdue)).toEqual(ids(overdue));

      // Keyset: a case that sorts before the cursor, added between pages, neither repeats nor shifts what follows.
      const first = await h.worklists.screening(screener, 'page-a', { limit: 2 });
      h.clock.set(new Date('2026-11-01T09:00:00Z'));
      const earlier = await h.referredCase(h.clock.now());
      h.clock.set(new Date('2026-12-16T09:00:00Z'));
      const second = await h.worklists.screening(screener, 'page-b', { limit: 2, cursor: first.next.untriaged! });
      expect(ids(second.untriaged)).toEqual(wholeIds.slice(2, 4));
      expect(ids(second.untriaged)).not.toContain(earlier);
    });

    it('lead lists page independently (overdue consultation actions by due time then id)', async () => {
      h.clock.set(new Date('2026-12-01T09:00:00Z'));
      const caseId = await h.referredCase(h.clock.now());
      const c = await h.consultations.schedule({ caseId, scheduledFor: '2026-12-02T10:00:00Z', panel: [{ agency: 'police' }, { agency: 'probation' }] }, h.ctx('lead-1'));
      const actions: Awaited<ReturnType<typeof h.consultations.assignAction>>[] = [];
      for (const dueAt of ['2026-12-03T17:00:00Z', '2026-12-03T17:00:00Z', '2026-12-02T17:00:00Z', '2026-12-04T17:00:00Z']) {
        actions.push(await h.consultations.assignAction({ caseId, consultationId: c.consultationId, description: 'Report back to the panel', ownerAgency: 'probation', dueAt }, h.ctx('lead-1')));
      }
      h.clock.set(new Date('2026-12-10T09:00:00Z'));
      const lead = granted('lead-9');
      const whole = (await h.worklists.leads(lead, 'actions-whole', { limit: 200 })).overdueConsultationActions;
      const paged = (await pageAll(async (q) => {
        const r = await h.worklists.leads(lead, 'actions-page', q);
        if (q.cursor) {
          expect(r.overdueAdviceItems).toEqual([]);
          expect(r.next.overdueAdviceItems).toBeNull();
        }
        return { items: r.overdueConsultationActions, next: r.next.overdueConsultationActions };
      }, 1)).flat();
      expect(paged.map((a) => a.actionId)).toEqual(whole.map((a) => a.actionId));
      const ours = paged.filter((a) => a.caseId === caseId);
      const byDueThenId = [...actions].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.actionId.localeCompare(b.actionId));
      expect(ours.map((a) => a.actionId)).toEqual(byDueThenId.map((a) => a.actionId));
    });

    it('my cases pages by the earliest open item (cases without one last), then referral time and id', async () => {
      h.clock.set(new Date('2026-12-01T09:00:00Z'));
      const cases: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await h.referredCase(h.clock.now());
        await h.relationships.grant(h.ds, { caseId: id, kind: 'ASSIGNMENT', agency: 'police', subject: 'officer-page', issuer: 'urn:test', createdBy: 'test' });
        cases.push(id);
      }
      await h.screenAndTriage(cases[3]);
      await h.advice.issue({ caseId: cases[3], items: ['NO_PIN'] }, h.ctx('screener-1'));
      const officer = granted('officer-page', ['case-officer']);
      const whole = await h.worklists.myCases(officer, 'mine-whole', { limit: 200 });
      expect(whole.cases[0].caseId).toBe(cases[3]);
      expect(ids(whole.cases).slice(1)).toEqual(cases.filter((x) => x !== cases[3]).sort());
      const paged = (await pageAll(async (q) => {
        const r = await h.worklists.myCases(officer, 'mine-page', q);
        return { items: r.cases, next: r.nextCursor };
      }, 2)).flat();
      expect(ids(paged)).toEqual(ids(whole.cases));
    });

    it("API-02: another list's cursor, another worklist's, or a damaged one is 400 naming cursor (nothing is read)", async () => {
      h.clock.set(new Date('2026-12-16T09:00:00Z'));
      const screener = granted('screener-9', ['stac-screener']);
      const first = await h.worklists.screening(screener, 'bad-1', { limit: 1 });
      const cursor = first.next.untriaged!;
      expect(cursor).toEqual(expect.any(String));
      const refused = { status: 400, errors: [{ field: 'cursor', message: expect.any(String) }] };
      expect(await problemOf(h.worklists.leads(granted('lead-9'), 'bad-2', { cursor }))).toMatchObject(refused);
      expect(await problemOf(h.worklists.myCases(granted('officer-page', ['case-officer']), 'bad-3', { cursor }))).toMatchObject(refused);
      expect(await problemOf(h.worklists.screening(screener, 'bad-4', { cursor: cursor.slice(0, -3) }))).toMatchObject(refused);
      expect(await problemOf(h.worklists.screening(screener, 'bad-5', { cursor: Buffer.from("intake.screening.untriaged|2026-12-01T09:00:00.000Z|1' OR '1'='1").toString('base64url') }))).toMatchObject(refused);
      const logged = await h.ds.query(`SELECT count(*)::int AS n FROM access_log WHERE correlation_id LIKE 'bad-%' AND correlation_id <> 'bad-1'`);
      expect(logged).toEqual([{ n: 0 }]);
    });
  });
});
