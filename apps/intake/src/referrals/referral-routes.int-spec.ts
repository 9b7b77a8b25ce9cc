import { randomUUID } from 'node:crypto';
import { AccessLog, CaseAccessGrants, type Principal } from '@stac/auth';
import type { ReferralSubmission } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { PersonRecords } from '../people/person-records';
import { BreachReferrals } from './breach-referrals.service';
import { ReferralsService } from './referrals.service';
import { testRequestContext } from '@stac/runtime/testing';
import { problemOf } from '@stac/testing';
import type { RequestContext } from '@stac/runtime';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
let referrals: ReferralsService;
let breaches: BreachReferrals;
let people: PersonRecords;
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

const caseCount = async () => (await h.ds.query('SELECT count(*)::int AS n FROM stalking_case'))[0].n as number;

beforeAll(async () => {
  await h.start('referral_routes');
  const accessLog = new AccessLog();
  people = new PersonRecords(h.cipher);
  referrals = new ReferralsService(h.ds, new Outbox('intake'), new CaseAccessGrants(h.relationships, accessLog), accessLog, people, h.clock, h.restrictedRecords, h.counterAllegations);
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

  it('two partner cases attaching the same reference at once: one wins, the other is 409 crime-reference-in-use (the unique index decides)', async () => {
    const a = await referrals.refer(referral({ source: 'PARTNER_AGENCY', crimeReference: undefined, partnerAgency: 'probation' }), cmd());
    const b = await referrals.refer(referral({ source: 'PARTNER_AGENCY', crimeReference: undefined, partnerAgency: 'mental-health' }), cmd());
    const ref = `CR-RACE-${process.pid}-${seq}`;
    const outcomes = await Promise.all(
      [a, b].map((c) =>
        referrals.attachCrimeReference({ caseId: c.caseId, crimeReference: ref, expectedVersion: 1 }, h.ctx('officer-1')).then(
          () => 200,
          (e: { problem?: { status: number; code: string } }) => `${e.problem?.status} ${e.problem?.code}`,
        ),
      ),
    );
    expect(outcomes.sort()).toEqual([200, '409 crime-reference-in-use'].sort());
    const rows = await h.ds.query('SELECT id FROM stalking_case WHERE crime_reference = $1', [ref]);
    expect(rows).toHaveLength(1);
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

describe('previous names and aliases of the victim and the person of concern on a referral', () => {
  const victimOf = async (caseId: string, role = 'VICTIM') =>
    (await h.ds.query(`SELECT person_id FROM case_participant WHERE case_id = $1 AND role = $2`, [caseId, role]))[0].person_id as string;

  it('are stored encrypted with keyed search tokens, found by search and matched by duplicate detection like the current name', async () => {
    h.clock.set(new Date('2026-12-05T10:00:00Z'));
    const r = await referrals.refer(
      referral({
        victim: {
          givenName: 'Marguerite',
          familyName: 'Ashdown-Pryce',
          dateOfBirth: '1979-08-23',
          otherNames: [{ kind: 'MAIDEN_NAME', familyName: 'Quennell', usedFrom: '1979-08-23', usedTo: '2008-06-14' }],
        },
        personOfConcern: {
          identityKnown: true,
          givenName: 'Desmond',
          familyName: 'Harrowell',
          otherNames: [{ kind: 'ALIAS', givenName: 'Dez', familyName: 'Crane' }, { kind: 'DEED_POLL', familyName: 'Okwuosa', usedFrom: '2021-02-01' }],
        },
      }),
      cmd(),
    );
    const victimId = await victimOf(r.caseId);
    const suspectId = await victimOf(r.caseId, 'PERSON_OF_CONCERN');
    const rows = await h.ds.query(`SELECT id, row_to_json(p)::text AS j, other_names_enc IS NOT NULL AS sealed FROM person p WHERE id = ANY($1::uuid[])`, [[victimId, suspectId]]);
    expect(rows.map((x: { sealed: boolean }) => x.sealed)).toEqual([true, true]);
    for (const plain of ['Quennell', 'quennell', 'Crane', 'Okwuosa', 'MAIDEN_NAME', '2008-06-14']) expect(JSON.stringify(rows)).not.toContain(plain);
    // Keyed tokens only: no column of person_match_key holds a name.
    const keys = await h.ds.query(`SELECT encode(key, 'escape') AS k FROM person_match_key WHERE person_id = $1`, [victimId]);
    expect(JSON.stringify(keys)).not.toMatch(/quennell|marguerite/i);
    expect(people.identityOf((await h.ds.query(`SELECT id, identity_enc AS "identityEnc", identifiers_enc AS "identifiersEnc", other_names_enc AS "otherNamesEnc" FROM person WHERE id = $1`, [suspectId]))[0]).otherNames).toEqual([
      { kind: 'ALIAS', givenName: 'Dez', familyName: 'Crane', usedFrom: null, usedTo: null },
      { kind: 'DEED_POLL', givenName: null, familyName: 'Okwuosa', usedFrom: '2021-02-01', usedTo: null },
    ]);

    const found = async (q: object) => (await people.candidates(h.ds.manager, q, { mode: 'search' })).map((c) => ({ id: c.person.id, codes: c.match.reasons.map((x) => x.code) }));
    expect(await found({ givenName: 'Marguerite', familyName: 'Quennell' })).toEqual([{ id: victimId, codes: expect.arrayContaining(['OTHER_NAME_MATCH', 'FAMILY_NAME_EXACT']) }]);
    expect((await found({ familyName: 'okwuosa' })).map((f) => f.id)).toEqual([suspectId]);
    expect((await found({ givenName: 'Dez', familyName: 'Crane' })).map((f) => f.id)).toEqual([suspectId]);

    // A second referral naming the victim by her maiden name and the suspect by his alias: both proposed, never merged.
    const again = await referrals.refer(
      referral({
        victim: { givenName: 'Maggie', familyName: 'Quennell', dateOfBirth: '1979-08-23' },
        personOfConcern: { identityKnown: true, givenName: 'Dez', familyName: 'Crane' },
      }),
      cmd(),
    );
    const proposals = await h.ds.query(
      `SELECT person_id, candidate_id, grade, reasons FROM duplicate_candidate WHERE person_id = ANY($1::uuid[]) ORDER BY grade`,
      [[await victimOf(again.caseId), await victimOf(again.caseId, 'PERSON_OF_CONCERN')]],
    );
    expect(proposals).toEqual(
      expect.arrayContaining([
        { person_id: await victimOf(again.caseId), candidate_id: victimId, grade: 'POSSIBLE', reasons: expect.arrayContaining(['OTHER_NAME_MATCH', 'GIVEN_NAME_VARIANT', 'FAMILY_NAME_EXACT', 'DOB_EXACT']) },
        { person_id: await victimOf(again.caseId, 'PERSON_OF_CONCERN'), candidate_id: suspectId, grade: 'POSSIBLE', reasons: expect.arrayContaining(['OTHER_NAME_MATCH', 'DOB_MISSING']) },
      ]),
    );
  });

  it('refuses dates in the future, out of order or before birth and a repeated name, naming each field, storing nothing', async () => {
    h.clock.set(new Date('2026-12-05T10:00:00Z'));
    const before = await caseCount();
    const bad = referral({
      victim: {
        givenName: 'Imogen',
        familyName: 'Tregothnan',
        dateOfBirth: '1990-01-01',
        otherNames: [
          { kind: 'DEED_POLL', familyName: 'Pascoe', usedFrom: '2026-12-06' },
          { kind: 'MAIDEN_NAME', familyName: 'Pascoe-Hill', usedFrom: '2015-01-01', usedTo: '2014-01-01' },
        ],
      },
      personOfConcern: { identityKnown: true, givenName: 'Jory', familyName: 'Nance', otherNames: [{ kind: 'ALIAS', givenName: 'JORY' }] },
    });
    await expect(problemOf(referrals.refer(bad, cmd()))).resolves.toMatchObject({
      status: 400,
      code: 'validation-failed',
      errors: [
        { field: 'victim.otherNames.0.usedFrom', message: 'usedFrom cannot be in the future' },
        { field: 'victim.otherNames.1.usedTo', message: 'usedTo must be on or after usedFrom' },
        { field: 'personOfConcern.otherNames.0', message: 'this name is the current name or repeats an earlier one' },
      ],
    });
    expect(await caseCount()).toBe(before);
    // Today itself is not the future (the date in England and Wales).
    h.clock.set(new Date('2026-12-05T23:30:00Z'));
    const today = referral({ victim: { givenName: 'Imogen', familyName: 'Tregothnan', otherNames: [{ kind: 'DEED_POLL', familyName: 'Pascoe', usedFrom: '2026-12-05' }] } });
    await expect(referrals.refer(today, cmd())).resolves.toMatchObject({ created: true });
  });
});
