import { randomUUID } from 'node:crypto';
import { AccessLog, CaseAccessGrants, type Principal } from '@stac/auth';
import type { ReferralSubmission } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { PersonRecords } from '../people/person-records';
import { BreachReferrals } from './breach-referrals.service';
import { ReferralsService } from './referrals.service';
import { testRequestContext } from '@stac/runtime/testing';
import type { RequestContext } from '@stac/runtime';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
let referrals: ReferralsService;
let breaches: BreachReferrals;
let seq = 0;

const officer: Principal = { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] };
const cmd = (idempotencyKey = randomUUID()): RequestContext => testRequestContext(officer, { idempotencyKey }, h.idempotency);

function referral(overrides: Partial<ReferralSubmission> = {}): ReferralSubmission {
  seq += 1;
  return {
    crimeReference: `CR-ROUTES-${process.pid}-${seq}`,
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags: [],
    bcu: 'CE',
    victim: { givenName: 'Synthetic', familyName: `Victim${seq}` },
    personOfConcern: { identityKnown: false },
    advocacyReferral: 'CONSENT_DECLINED',
    incidents: [{ occurredAt: '2026-12-01T08:00:00Z', behaviours: ['FOLLOWING'] }],
    ...overrides,
  } as ReferralSubmission;
}

const problemOf = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a problem');
    },
    (e: { problem?: unknown }) => e.problem ?? e,
  );
const caseCount = async () => (await h.ds.query('SELECT count(*)::int AS n FROM stalking_case'))[0].n as number;

beforeAll(async () => {
  await h.start('referral_routes');
  const accessLog = new AccessLog();
  referrals = new ReferralsService(h.ds, new Outbox('intake'), new CaseAccessGrants(h.relationships, accessLog), accessLog, new PersonRecords(h.cipher), h.clock);
  breaches = new BreachReferrals(h.ds, h.orders, h.relationships, accessLog);
});
afterAll(() => h.stop());

describe('PARTNER_AGENCY: a partner’s referral without a crime reference, attached by the police later', () => {
  it('opens a case with no crime reference and the partner recorded; the police attach the reference once (409 on a conflict)', async () => {
    h.clock.set(new Date('2026-12-02T09:00:00Z'));
    const partner = await referrals.refer(referral({ source: 'PARTNER_AGENCY', crimeReference: undefined, partnerAgency: 'mental-health' }), cmd());
    expect(partner).toMatchObject({ status: 'REFERRED', created: true, referredAt: '2026-12-02T09:00:00.000Z' });
    const [row] = await h.ds.query('SELECT crime_reference, partner_agency, source, version FROM stalking_case WHERE id = $1', [partner.caseId]);
    expect(row).toEqual({ crime_reference: null, partner_agency: 'mental-health', source: 'PARTNER_AGENCY', version: 1 });
    expect(await h.outboxInfo(partner.caseId, 'intake.case.referred.v1')).toEqual([expect.objectContaining({ source: 'PARTNER_AGENCY' })]);

    // A second partner referral is its own case: without a reference nothing identifies it as the same crime.
    const other = await referrals.refer(referral({ source: 'PARTNER_AGENCY', crimeReference: undefined, partnerAgency: 'probation' }), cmd());
    expect(other.caseId).not.toBe(partner.caseId);

    const ref = `CR-ATTACH-${process.pid}-${seq}`;
    await expect(problemOf(referrals.attachCrimeReference({ caseId: partner.caseId, crimeReference: ref, expectedVersion: 7 }, h.ctx('officer-1')))).resolves.toMatchObject({
      status: 412,
    });
    const attached = await referrals.attachCrimeReference({ caseId: partner.caseId, crimeReference: ref, expectedVersion: 1 }, h.ctx('officer-1'));
    expect(attached).toEqual({ caseId: partner.caseId, crimeReference: ref, version: 2 });
    // The same again answers the same; another reference does not replace it; nor can the other case take it.
    expect(await referrals.attachCrimeReference({ caseId: partner.caseId, crimeReference: ref, expectedVersion: 1 }, h.ctx('officer-1'))).toEqual(attached);
    await expect(problemOf(referrals.attachCrimeReference({ caseId: partner.caseId, crimeReference: `${ref}-X`, expectedVersion: 2 }, h.ctx('officer-1')))).resolves.toMatchObject({
      status: 409,
      code: 'crime-reference-already-attached',
    });
    await expect(problemOf(referrals.attachCrimeReference({ caseId: other.caseId, crimeReference: ref, expectedVersion: 1 }, h.ctx('officer-1')))).resolves.toMatchObject({
      status: 409,
      code: 'crime-reference-in-use',
    });
    await expect(problemOf(referrals.attachCrimeReference({ caseId: randomUUID(), crimeReference: `${ref}-Y`, expectedVersion: 1 }, h.ctx('officer-1')))).resolves.toMatchObject({
      status: 404,
      code: 'case-not-found',
    });
    const audit = await h.ds.query(`SELECT operation FROM access_log WHERE action = 'case.crime-reference.attach' AND $1 = ANY(record_ids)`, [partner.caseId]);
    expect(audit).toEqual([{ operation: 'alteration' }]);

    // Once attached, the crime report of the same crime finds the partner's case instead of opening another.
    const report = await referrals.refer(referral({ crimeReference: ref }), cmd());
    expect(report).toMatchObject({ caseId: partner.caseId, created: false });
  });
});

describe('CUSTODY_TRIGGER: the screening clock runs within the custody window', () => {
  it('a suspect in custody since 22:00 on Christmas Eve: the case starts ARRESTED and screening is due 18:00 on Christmas Day (not the next working day)', async () => {
    h.clock.set(new Date('2026-12-24T23:00:00Z'));
    const r = await referrals.refer(referral({ source: 'CUSTODY_TRIGGER', custodyStartedAt: '2026-12-24T22:00:00Z' }), cmd());
    const [row] = await h.ds.query('SELECT cj_stage, custody_started_at FROM stalking_case WHERE id = $1', [r.caseId]);
    expect(row.cj_stage).toBe('ARRESTED');
    expect(new Date(row.custody_started_at).toISOString()).toBe('2026-12-24T22:00:00.000Z');
    const [event] = await h.outboxInfo(r.caseId, 'intake.case.referred.v1');
    expect(event).toMatchObject({ source: 'CUSTODY_TRIGGER', custodyStartedAt: '2026-12-24T22:00:00.000Z' });

    // Shown before the referral event starts it, and stored the same when it does.
    expect((await h.screening.view(r.caseId, h.ctx())).clock).toMatchObject({ dueAt: '2026-12-25T18:00:00.000Z' });
    await h.ds.transaction((m) => h.clocks.onCaseReferred(event as never, h.eventContext(m, r.caseId)));
    const [clock] = await h.ds.query('SELECT due_at FROM screening_clock WHERE case_id = $1', [r.caseId]);
    expect(new Date(clock.due_at).toISOString()).toBe('2026-12-25T18:00:00.000Z');
    // A crime report at the same moment would be due on Tuesday 29 December.
    expect(h.clocks.dueFrom(h.clock.now()).toISOString()).toBe('2026-12-29T23:00:00.000Z');
  });

  it('refuses a relevant time in the future or beyond the longest detention, storing nothing', async () => {
    h.clock.set(new Date('2026-12-10T12:00:00Z'));
    const before = await caseCount();
    for (const custodyStartedAt of ['2026-12-10T13:00:00Z', '2026-12-06T11:00:00Z']) {
      await expect(problemOf(referrals.refer(referral({ source: 'CUSTODY_TRIGGER', custodyStartedAt }), cmd()))).resolves.toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ field: 'custodyStartedAt' })],
      });
    }
    expect(await caseCount()).toBe(before);
  });
});

describe('ORDER_BREACH: the fast path onto the existing case and order', () => {
  let caseId: string;
  let crimeReference: string;
  let orderId: string;

  beforeAll(async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const r = await referrals.refer(referral(), cmd());
    caseId = r.caseId;
    [{ crime_reference: crimeReference }] = await h.ds.query('SELECT crime_reference FROM stalking_case WHERE id = $1', [caseId]);
    await h.relationships.grant(h.ds, { caseId, kind: 'OWNING_TEAM', agency: 'police', createdBy: 'test' });
    let o = await h.orders.consider({ caseId, orderType: 'INTERIM_SPO' }, h.ctx('officer-1'));
    const move = (body: object) => h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, ...body } as never, h.ctx('officer-1'));
    o = await move({ to: 'APPLIED' });
    o = await move({ to: 'GRANTED', effectiveFrom: '2026-12-01T09:00:00Z', expiresAt: '2027-01-01T09:00:00Z' });
    o = await move({ to: 'SERVED', servedAt: '2026-12-01T09:00:00Z' });
    orderId = o.orderId;
    // The case is being monitored when the breach comes in.
    await h.ds.query(`UPDATE stalking_case SET status = 'MONITORING' WHERE id = $1`, [caseId]);
  });

  it('records the breach on the order without a second case; the events re-open the case and trigger the BREACH re-assessment', async () => {
    h.clock.set(new Date('2026-12-03T10:00:00Z'));
    const before = await caseCount();
    const s = referral({ source: 'ORDER_BREACH', crimeReference, orderId, incidents: [{ occurredAt: '2026-12-03T08:00:00Z', behaviours: ['CONTACTING'] }] });
    for (const k of ['offenceClass', 'flags', 'bcu', 'victim', 'personOfConcern', 'advocacyReferral'] as const) delete s[k];
    const resolved = await breaches.resolveCase(s);
    expect(resolved).toBe(caseId);
    const r = await breaches.refer(s, resolved, { ...h.ctx('officer-1'), idempotencyKey: randomUUID() });
    expect(r).toMatchObject({ caseId, created: false, status: 'MONITORING', breach: { orderId, breachId: expect.any(String), incidentId: expect.any(String) } });
    expect(await caseCount()).toBe(before);

    const [breach] = await h.ds.query('SELECT order_id, incident_id FROM order_breach WHERE id = $1', [r.breach!.breachId]);
    expect(breach).toEqual({ order_id: orderId, incident_id: r.breach!.incidentId });
    const [incident] = await h.ds.query('SELECT behaviours FROM incident WHERE id = $1', [r.breach!.incidentId]);
    expect([...incident.behaviours].sort()).toEqual(['BREACH', 'CONTACTING']);
    // order.breach-reported (risk's breach trigger arrives as the BREACH incident.recorded) — both for this case.
    expect(await h.outboxInfo(caseId, 'intake.order.breach-reported.v1')).toEqual([expect.objectContaining({ orderId, breachId: r.breach!.breachId })]);
    const [recorded] = await h.outboxInfo(caseId, 'intake.incident.recorded.v1');
    expect(recorded).toMatchObject({ incidentId: r.breach!.incidentId, isBreach: true });

    // Intake's own consumer of that event moves the monitored case back to ACTIVE.
    await h.ds.transaction((m) => h.lifecycle.onIncidentRecorded(recorded as never, h.eventContext(m, caseId)));
    expect((await h.lifecycle.read(caseId, h.ctx())).status).toBe('ACTIVE');
  });

  it('finds the case by id too; a case that matches neither both identifiers nor any is the same 404; the order must be in force; one incident', async () => {
    h.clock.set(new Date('2026-12-04T10:00:00Z'));
    const base = { source: 'ORDER_BREACH', orderId, incidents: [{ occurredAt: '2026-12-04T09:00:00Z', behaviours: ['LOITERING'] }] } as ReferralSubmission;
    expect(await breaches.resolveCase({ ...base, caseId })).toBe(caseId);
    for (const ids of [{ caseId, crimeReference: 'CR-SOMETHING-ELSE' }, { caseId: randomUUID() }, { crimeReference: 'CR-NOBODY-1' }]) {
      await expect(problemOf(breaches.resolveCase({ ...base, ...ids }))).resolves.toMatchObject({ status: 404, code: 'case-not-found' });
    }
    await expect(problemOf(breaches.refer({ ...base, orderId: randomUUID() }, caseId, h.ctx('officer-1')))).resolves.toMatchObject({ status: 404 });
    const two = { ...base, incidents: [...base.incidents, { occurredAt: '2026-12-04T09:30:00Z', behaviours: ['CONTACTING'] }] } as ReferralSubmission;
    await expect(problemOf(breaches.refer(two, caseId, h.ctx('officer-1')))).resolves.toMatchObject({ status: 400, errors: [{ field: 'incidents' }] });

    let o = await h.orders.consider({ caseId, orderType: 'SPO' }, h.ctx('officer-1'));
    await expect(problemOf(breaches.refer({ ...base, orderId: o.orderId }, caseId, h.ctx('officer-1')))).resolves.toMatchObject({ status: 409, code: 'order-not-in-force' });
    o = await h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, to: 'NOT_PURSUED', notPursuedReason: 'ALTERNATIVE_MEASURE_IN_PLACE' } as never, h.ctx('officer-1'));
    expect(await h.ds.query('SELECT count(*)::int AS n FROM order_breach WHERE order_id = $1', [o.orderId])).toEqual([{ n: 0 }]);
  });
});
