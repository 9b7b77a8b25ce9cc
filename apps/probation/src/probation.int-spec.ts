import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessLog, CaseAccessGrants, CaseRelationships, CaseRestrictions, type Principal } from '@stac/auth';
import { CaseRestrictionChangedV1, type CaseReferredV1, type CaseStageChangedV1, type InterventionStatusChangedV1, type PersonCheckRequestedV1 } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, CaseRestrictionReplica, FixedClock, IdempotencyRecords, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { createTestDatabase, problemOf, type TestDatabase } from '@stac/testing';
import { ProbationConsultationsService } from './consultations/probation-consultations.service';
import { EnforcementReviewsService } from './enforcement/enforcement-reviews.service';
import { PartnerInterventionsService } from './interventions/partner-interventions.service';
import { ProbationKeys } from './keys/probation-keys';
import { MappaService } from './mappa/mappa.service';
import { ProbationCaseService } from './probation-case/probation-case.service';
import { ProbationSettings } from './probation-settings';
import { PROBATION } from './probation.module';
import { SentenceService } from './sentence/sentence.service';
import { supervisionChecks } from './supervision-checks/supervision-checks';
import { SupervisionChecksService } from './supervision-checks/supervision-checks.service';
import { ProbationWorklistService } from './worklist/probation-worklist.service';

jest.setTimeout(60_000);

const CANARY_ZONE = 'Canary-Zone-4417 Juniper Close';
const CANARY_REF = 'PRB/2026/CANARY9';
const ROUTE = { team: 'North probation delivery unit', role: 'Offender manager', howToReach: 'Duty line 0300 000 0001, weekdays' };

let db: TestDatabase;
let ds: DataSource;
const clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
const keys = ProbationKeys.generate();
const settings = new ProbationSettings(0, 14, 5);
const accessLog = new AccessLog();
const relationships = new CaseRelationships();
let checks: SupervisionChecksService;
let consultations: ProbationConsultationsService;
let mappa: MappaService;
let sentences: SentenceService;
let cases: ProbationCaseService;
let worklist: ProbationWorklistService;
let enforcement: EnforcementReviewsService;
let interventions: PartnerInterventionsService;

const officer: Principal = { issuer: 'urn:test', subject: 'po-1', agency: 'probation', roles: ['probation-officer'] };

function ctx(fieldGroups: RequestContext['fieldGroups'] = [], owning = true, idempotencyKey?: string): RequestContext {
  const c: RequestContext = testRequestContext(
    officer,
    {
      purpose: 'risk-management',
      fieldGroups,
      owning,
      idempotencyKey,
      audit: async (m, d) => {
        await accessLog.append(m as EntityManager, {
          operation: 'collection',
          action: 'test',
          principal: officer,
          recordType: 'probation',
          recordIds: d.recordIds,
          fieldGroups: [...fieldGroups],
          purpose: 'risk-management',
          recipients: ['probation'],
          decision: { allow: true, rule: 'test' },
          correlationId: c.correlationId,
        });
      },
    },
    new IdempotencyRecords(PROBATION.idempotencyTable),
  );
  return c;
}

function eventContext(manager: EntityManager, caseId: string, aggregateVersion = 1, id = randomUUID()) {
  return {
    manager,
    envelope: { id, eventType: 'test', version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId, aggregateVersion, additionalInformation: {} },
    correlationId: id,
    causationId: id,
  };
}

async function referred(): Promise<string> {
  const caseId = randomUUID();
  await ds.transaction((m) => checks.onCaseReferred({ personOfConcernId: randomUUID(), referredAt: clock.now().toISOString() } as CaseReferredV1, eventContext(m, caseId)));
  return caseId;
}

async function outbox(caseId: string, subject: string): Promise<Record<string, unknown>[]> {
  const rows: { envelope: { additionalInformation: Record<string, unknown> } }[] = await ds.query(
    `SELECT envelope FROM outbox WHERE envelope->>'caseId' = $1 AND subject = $2 ORDER BY seq`,
    [caseId, subject],
  );
  return rows.map((r) => r.envelope.additionalInformation);
}


beforeAll(async () => {
  db = await createTestDatabase('probation');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: PROBATION.entities, migrations: allMigrations(PROBATION), applicationName: 'int' }));
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: PROBATION.entities, migrations: [], applicationName: 'int' }));
  await ds.initialize();
  const out = new Outbox('probation');
  checks = new SupervisionChecksService(ds, supervisionChecks(new CaseAccessGrants(relationships, accessLog), out, 2), relationships, clock, keys);
  consultations = new ProbationConsultationsService(ds, out, clock, keys);
  mappa = new MappaService(ds, out, clock);
  sentences = new SentenceService(ds, out, accessLog, clock, settings);
  enforcement = new EnforcementReviewsService(ds, clock, settings);
  interventions = new PartnerInterventionsService(ds, enforcement, clock);
  cases = new ProbationCaseService(checks, consultations, mappa, sentences, interventions, enforcement, clock, ds);
  worklist = new ProbationWorklistService(ds, relationships, clock);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('probation on a real Postgres with an injectable clock', () => {
  it('H2: a check is due on the working-day calendar, answered once, and found by its reference through a keyed token only', async () => {
    clock.set(new Date('2026-12-04T09:00:00Z')); // a Friday: due the Tuesday after
    const caseId = await referred();
    const before = await cases.read(caseId, ctx());
    expect(before.check).toMatchObject({ status: 'REQUESTED', dueAt: '2026-12-08T09:00:00.000Z', overdue: false });
    clock.set(new Date('2026-12-08T10:00:00Z'));
    const due = await worklist.list(officer, 'risk-management', { limit: 100 });
    expect(due.items).toEqual(expect.arrayContaining([{ kind: 'CHECK_DUE', caseId, at: '2026-12-08T09:00:00.000Z', overdue: true }]));

    const answered = await checks.answer(
      { caseId, checkId: before.check!.checkId, expectedVersion: before.check!.version, supervisionStatus: 'LICENCE', contactRoute: ROUTE, probationCaseReference: CANARY_REF },
      ctx(),
    );
    expect(answered).toMatchObject({ status: 'ANSWERED', supervisionStatus: 'LICENCE', contactRoute: ROUTE, hasProbationCaseReference: true });
    expect(await problemOf(checks.answer({ caseId, checkId: answered.checkId, expectedVersion: answered.version, supervisionStatus: 'NONE', contactRoute: ROUTE }, ctx()))).toMatchObject({ status: 409 });
    expect(await outbox(caseId, 'probation.check.answered.v1')).toEqual([
      { checkId: answered.checkId, personId: answered.personId, answer: 'LICENCE', contactRouteAvailable: true, answeredAt: '2026-12-08T10:00:00.000Z' },
    ]);
    // Found by the reference however it is written; the reference itself is nowhere in the database.
    expect(await checks.locate('prb-2026-canary9', officer, 'risk-management')).toEqual([expect.objectContaining({ checkId: answered.checkId, caseId })]);
    expect(await checks.locate('PRB/2026/OTHER1', officer, 'risk-management')).toEqual([]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM supervision_check WHERE encode(reference_token, 'escape') ILIKE '%CANARY%'`);
    expect(n).toBe(0);
    const [{ e }] = await ds.query(`SELECT count(*)::int AS e FROM outbox WHERE envelope::text ILIKE '%CANARY9%'`);
    expect(e).toBe(0);
    expect(await checks.casePart(caseId)).toMatchObject({ answer: 'LICENCE', contactRoute: ROUTE });
  });

  it('D12 / AC-03: exclusion-zone geography is sealed with probation’s key; a reader without victim.location sees only that a zone exists', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    const body = {
      caseId,
      kind: 'POST_CONVICTION' as const,
      recommendationCodes: ['LICENCE_CONDITIONS' as const, 'REFER_TO_MAPPA' as const],
      summary: 'Fixated on the victim; licence conditions recommended',
      licenceConditions: [
        { type: 'NON_CONTACT' as const, note: 'No contact with the victim directly or through others' },
        { type: 'EXCLUSION_ZONE' as const, exclusionZone: { description: CANARY_ZONE, radiusMetres: 500 } },
      ],
    };
    expect(await problemOf(consultations.record(body, ctx(['victim.location'])))).toMatchObject({ status: 409, code: 'not-convicted' });
    const stage = { machine: 'CJ_STAGE', from: 'AT_COURT', to: 'CONVICTED' } as CaseStageChangedV1;
    await ds.transaction((m) => consultations.onCaseStageChanged(stage, eventContext(m, caseId)));
    expect((await worklist.list(officer, 'risk-management', { limit: 100 })).items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'CONSULTATION_DUE', caseId })]));
    expect(await problemOf(consultations.record({ ...body, licenceConditions: [{ type: 'CURFEW', exclusionZone: { description: 'x y z' } }] }, ctx(['victim.location'])))).toMatchObject({
      status: 400,
      errors: [{ field: 'licenceConditions.0.exclusionZone' }],
    });

    const made = await consultations.record(body, ctx(['victim.location']));
    expect(made.licenceConditions[1]).toEqual({ type: 'EXCLUSION_ZONE', note: null, hasExclusionZone: true, exclusionZone: { description: CANARY_ZONE, radiusMetres: 500 } });
    const withZone = await cases.read(caseId, ctx(['victim.location']));
    expect(withZone.consultations[0].licenceConditions[1].exclusionZone).toEqual({ description: CANARY_ZONE, radiusMetres: 500 });
    const without = await cases.read(caseId, ctx([], false));
    expect(without.consultations[0].licenceConditions[1]).toEqual({ type: 'EXCLUSION_ZONE', note: null, hasExclusionZone: true });
    expect(without.consultations[0].summary).toBeUndefined();
    expect(JSON.stringify(without)).not.toContain('Canary');

    const [row] = await ds.query('SELECT exclusion_zones_enc, licence_conditions::text AS conditions FROM probation_consultation WHERE id = $1', [made.consultationId]);
    expect(row.exclusion_zones_enc.toString('latin1')).not.toContain('Canary');
    // DP-02: the summary is sealed too (probation's own team reads it); no column of the row holds it in clear.
    const [dump] = await ds.query('SELECT row_to_json(c)::text AS row, summary_enc FROM probation_consultation c WHERE id = $1', [made.consultationId]);
    expect(dump.row).not.toMatch(/Fixated/);
    expect(dump.summary_enc[0]).toBe(2);
    expect((await cases.read(caseId, ctx(['victim.location']))).consultations[0].summary).toBe(body.summary);
    expect(row.conditions).not.toContain('Canary');
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope::text LIKE '%Canary%'`);
    expect(n).toBe(0);
    expect(await outbox(caseId, 'probation.consultation.completed.v1')).toEqual([
      expect.objectContaining({ kind: 'POST_CONVICTION', recommendationCodes: ['LICENCE_CONDITIONS', 'REFER_TO_MAPPA'], licenceConditionTypes: ['NON_CONTACT', 'EXCLUSION_ZONE'] }),
    ]);
  });

  it('D14: MAPPA settings keep their history; mappa.level-set each time; a review date must be ahead', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    expect(await problemOf(mappa.set({ caseId, category: 1, level: 2, leadAgency: 'PROBATION', nextReviewDate: '2026-12-01' }, ctx()))).toMatchObject({
      status: 400,
      errors: [{ field: 'nextReviewDate' }],
    });
    await mappa.set({ caseId, category: 1, level: 2, leadAgency: 'PROBATION', nextReviewDate: '2026-12-05' }, ctx());
    clock.set(new Date('2026-12-02T09:00:00Z'));
    await mappa.set({ caseId, category: 1, level: 3, leadAgency: 'POLICE', nextReviewDate: '2026-12-30' }, ctx());
    const view = await cases.read(caseId, ctx());
    expect(view.mappa).toMatchObject({ category: 1, level: 3, leadAgency: 'POLICE' });
    expect(view.mappaHistory.map((h) => h.level)).toEqual([2, 3]);
    expect((await outbox(caseId, 'probation.mappa.level-set.v1')).map((e) => e.level)).toEqual([2, 3]);
    expect(await checks.casePart(caseId)).toMatchObject({ mappaCategory: 1, mappaLevel: 3 });
  });

  it('REL-04: a MAPPA setting retried with its Idempotency-Key is recorded once and answered the same; another body under the key is 422', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    const key = randomUUID();
    const body = { caseId, category: 2 as const, level: 2 as const, leadAgency: 'PROBATION' as const, nextReviewDate: '2026-12-20' };
    const first = await mappa.set(body, ctx([], true, key));
    expect(await mappa.set(body, ctx([], true, key))).toEqual(first);
    expect(await problemOf(mappa.set({ ...body, level: 3 }, ctx([], true, key)))).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect((await cases.read(caseId, ctx())).mappaHistory).toHaveLength(1);
    expect(await outbox(caseId, 'probation.mappa.level-set.v1')).toHaveLength(1);
  });

  it('release and licence end are published on their day of the injectable clock, once each; a notice goes ahead; releases show 28 days ahead', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    expect(await problemOf(sentences.set({ caseId, expectedRelease: '2026-12-20', licenceEnd: '2026-12-10' }, ctx()))).toMatchObject({ status: 400, errors: [{ field: 'licenceEnd' }] });
    await sentences.set({ caseId, custodyStart: '2026-06-01', expectedRelease: '2026-12-20', licenceEnd: '2027-06-20', supervisionEnd: '2027-12-20' }, ctx());
    const actor = { issuer: 'urn:stac:platform', subject: 'service:probation', agency: 'probation' as const, roles: [] };
    await sentences.scan(actor, randomUUID());
    expect(await outbox(caseId, 'probation.offender.released.v1')).toEqual([]);
    expect((await worklist.list(officer, 'risk-management', { limit: 100 })).items).toEqual(
      expect.arrayContaining([{ kind: 'RELEASE_DUE', caseId, at: '2026-12-20T00:00:00.000Z', overdue: false }]),
    );

    clock.set(new Date('2026-12-06T09:00:00Z')); // 14 days ahead: the notice
    await sentences.scan(actor, randomUUID());
    await sentences.scan(actor, randomUUID());
    expect(await outbox(caseId, 'probation.release.upcoming.v1')).toEqual([{ releaseDate: '2026-12-20', daysAhead: 14 }]);

    // The actual release is earlier than expected: on its day (London), not the day before.
    await sentences.set({ caseId, custodyStart: '2026-06-01', expectedRelease: '2026-12-20', actualRelease: '2026-12-18', licenceEnd: '2027-06-20' }, ctx());
    clock.set(new Date('2026-12-17T23:30:00Z'));
    await sentences.scan(actor, randomUUID());
    expect(await outbox(caseId, 'probation.offender.released.v1')).toEqual([]);
    clock.set(new Date('2026-12-18T00:30:00Z'));
    await sentences.scan(actor, randomUUID());
    await sentences.scan(actor, randomUUID());
    expect(await outbox(caseId, 'probation.offender.released.v1')).toEqual([{ releaseDate: '2026-12-18' }]);
    expect((await cases.read(caseId, ctx())).sentence).toMatchObject({ releasedOn: '2026-12-18', licenceEndedOn: null });

    clock.set(new Date('2027-06-20T08:00:00Z'));
    await sentences.scan(actor, randomUUID());
    await sentences.scan(actor, randomUUID());
    expect(await outbox(caseId, 'probation.licence.ended.v1')).toEqual([{ licenceEndDate: '2027-06-20' }]);
    expect(await outbox(caseId, 'probation.offender.released.v1')).toHaveLength(1);
  });
  it('D13: the trust’s intervention status is kept with history on probation’s record; a licence condition BREACHED opens an enforcement review due in working days, once, decided once', async () => {
    clock.set(new Date('2026-12-21T10:00:00Z')); // a Monday before Christmas: 5 working days skip the bank holidays
    const caseId = await referred();
    const interventionId = randomUUID();
    const changed = async (version: number, previousStatus: InterventionStatusChangedV1['previousStatus'], status: InterventionStatusChangedV1['status'], changedAt: string, legalBasis: InterventionStatusChangedV1['legalBasis'] = 'LICENCE_CONDITION', id = randomUUID()) =>
      ds.transaction((m) => interventions.onStatusChanged({ interventionId, previousStatus, status, legalBasis, changedAt } as InterventionStatusChangedV1, eventContext(m, caseId, version, id)));
    await changed(1, undefined, 'PROPOSED', '2026-12-01T10:00:00Z');
    await changed(3, 'ASSESSING', 'SUITABLE', '2026-12-03T10:00:00Z');
    // A late, older change joins the history but never overwrites the newer status.
    await changed(2, 'PROPOSED', 'ASSESSING', '2026-12-02T10:00:00Z');
    await changed(4, 'SUITABLE', 'STARTED', '2026-12-10T10:00:00Z');
    let view = await cases.read(caseId, ctx());
    expect(view.interventions).toEqual([
      expect.objectContaining({ interventionId, agency: 'mental-health', status: 'STARTED', legalBasis: 'LICENCE_CONDITION', changedAt: '2026-12-10T10:00:00.000Z' }),
    ]);
    expect(view.interventions[0].history.map((h) => [h.previousStatus, h.status])).toEqual([
      [null, 'PROPOSED'],
      ['PROPOSED', 'ASSESSING'],
      ['ASSESSING', 'SUITABLE'],
      ['SUITABLE', 'STARTED'],
    ]);
    expect(view.enforcementReviews).toEqual([]);

    // BREACHED: an enforcement review, due 5 working days after the change (25 and 28 December are bank holidays).
    const breachId = randomUUID();
    await changed(5, 'STARTED', 'BREACHED', '2026-12-21T10:00:00Z', 'LICENCE_CONDITION', breachId);
    await changed(5, 'STARTED', 'BREACHED', '2026-12-21T10:00:00Z', 'LICENCE_CONDITION', breachId); // redelivered
    view = await cases.read(caseId, ctx());
    expect(view.interventions[0]).toMatchObject({ status: 'BREACHED' });
    expect(view.interventions[0].history).toHaveLength(5);
    expect(view.enforcementReviews).toEqual([
      expect.objectContaining({ interventionId, triggerStatus: 'BREACHED', legalBasis: 'LICENCE_CONDITION', status: 'OPEN', dueAt: '2026-12-30T10:00:00.000Z', overdue: false, outcome: null }),
    ]);
    const [review] = view.enforcementReviews;
    expect((await worklist.list(officer, 'risk-management', { limit: 100 })).items).toEqual(
      expect.arrayContaining([{ kind: 'ENFORCEMENT_REVIEW_DUE', caseId, at: '2026-12-30T10:00:00.000Z', overdue: false }]),
    );
    clock.set(new Date('2026-12-30T11:00:00Z'));
    expect((await worklist.list(officer, 'risk-management', { limit: 100 })).items).toEqual(
      expect.arrayContaining([{ kind: 'ENFORCEMENT_REVIEW_DUE', caseId, at: '2026-12-30T10:00:00.000Z', overdue: true }]),
    );

    // Decided once: stale version 412, a second decision 409 naming both states; the review leaves the worklist.
    const decision = { caseId, reviewId: review.reviewId, outcome: 'BREACH_PROCEEDINGS' as const };
    expect(await problemOf(enforcement.decide({ ...decision, expectedVersion: review.version + 1 }, ctx()))).toMatchObject({ status: 412 });
    const decided = await enforcement.decide({ ...decision, expectedVersion: review.version }, ctx());
    expect(decided).toMatchObject({ status: 'DECIDED', outcome: 'BREACH_PROCEEDINGS', overdue: false, decidedAt: '2026-12-30T11:00:00.000Z' });
    const again = await problemOf(enforcement.decide({ ...decision, outcome: 'WARNING', expectedVersion: decided.version }, ctx()));
    expect(again).toMatchObject({ status: 409, code: 'illegal-transition' });
    expect(again.title).toMatch(/DECIDED.*DECIDED/);
    expect((await worklist.list(officer, 'risk-management', { limit: 100 })).items.filter((i) => i.caseId === caseId).map((i) => i.kind)).toEqual(['CHECK_DUE']);
  });

  it('D13: DISENGAGED from a community-order requirement opens a review; an SPO requirement or a voluntary intervention ending badly does not (not probation’s to enforce)', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    const end = (legalBasis: InterventionStatusChangedV1['legalBasis'], status: InterventionStatusChangedV1['status']) =>
      ds.transaction((m) =>
        interventions.onStatusChanged(
          { interventionId: randomUUID(), previousStatus: 'ACTIVE', status, legalBasis, changedAt: '2026-12-01T09:00:00Z' } as InterventionStatusChangedV1,
          eventContext(m, caseId, 7),
        ),
      );
    await end('SPO_REQUIREMENT', 'BREACHED');
    await end('VOLUNTARY', 'DISENGAGED');
    await end('LICENCE_CONDITION', 'COMPLETED');
    expect((await cases.read(caseId, ctx())).enforcementReviews).toEqual([]);
    await end('COMMUNITY_ORDER', 'DISENGAGED');
    const view = await cases.read(caseId, ctx());
    expect(view.interventions.map((i) => i.status).sort()).toEqual(['BREACHED', 'COMPLETED', 'DISENGAGED', 'DISENGAGED']);
    expect(view.enforcementReviews).toEqual([expect.objectContaining({ triggerStatus: 'DISENGAGED', legalBasis: 'COMMUNITY_ORDER', dueAt: '2026-12-08T09:00:00.000Z' })]);
  });

  it('sentence, release and licence dates keep their history: who changed which date when, earlier values retrievable', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    await sentences.set({ caseId, custodyStart: '2026-06-01', expectedRelease: '2027-03-01' }, ctx());
    clock.set(new Date('2026-12-02T09:00:00Z'));
    await sentences.set({ caseId, custodyStart: '2026-06-01', expectedRelease: '2027-03-01' }, ctx()); // the same again: no change
    const later = await sentences.set({ caseId, custodyStart: '2026-06-01', expectedRelease: '2027-02-15', licenceEnd: '2027-08-15' }, ctx());
    expect(later).toMatchObject({ expectedRelease: '2027-02-15', version: 2 });
    const own = (await cases.read(caseId, ctx())).sentenceHistory;
    expect(own).toEqual([
      {
        version: 1,
        custodyStart: '2026-06-01',
        expectedRelease: '2027-03-01',
        actualRelease: null,
        licenceEnd: null,
        supervisionEnd: null,
        changedFields: ['custodyStart', 'expectedRelease'],
        changedBy: 'po-1',
        changedAt: '2026-12-01T09:00:00.000Z',
      },
      {
        version: 2,
        custodyStart: '2026-06-01',
        expectedRelease: '2027-02-15',
        actualRelease: null,
        licenceEnd: '2027-08-15',
        supervisionEnd: null,
        changedFields: ['expectedRelease', 'licenceEnd'],
        changedBy: 'po-1',
        changedAt: '2026-12-02T09:00:00.000Z',
      },
    ]);
    // A partner reading probation's record sees the dates' history but not who in probation changed them.
    const partner = (await cases.read(caseId, ctx([], false))).sentenceHistory;
    expect(partner.map((h) => h.expectedRelease)).toEqual(['2027-03-01', '2027-02-15']);
    expect(partner.some((h) => 'changedBy' in h)).toBe(false);
  });

  it('H2, AC-02: the first check of a case opens probation’s access once; the same person again opens nothing; another person of concern gets a check of their own', async () => {
    const caseId = randomUUID();
    const suspect = randomUUID();
    const referred = { personOfConcernId: suspect, referredAt: clock.now().toISOString() } as CaseReferredV1;
    await ds.transaction((m) => checks.onCaseReferred(referred, eventContext(m, caseId)));
    await ds.transaction((m) => checks.onCaseReferred(referred, eventContext(m, caseId)));
    const named = { personId: suspect, role: 'PERSON_OF_CONCERN', requestedAt: clock.now().toISOString(), trigger: 'ADDED' } as PersonCheckRequestedV1;
    await ds.transaction((m) => checks.onPersonCheckRequested(named, eventContext(m, caseId)));
    const second = randomUUID();
    await ds.transaction((m) => checks.onPersonCheckRequested({ ...named, personId: second }, eventContext(m, caseId)));

    expect(await ds.query(`SELECT person_id, reason, status, version FROM supervision_check WHERE case_id = $1 ORDER BY reason`, [caseId])).toEqual([
      { person_id: second, reason: 'NEW_PERSON_OF_CONCERN', status: 'REQUESTED', version: 1 },
      { person_id: suspect, reason: 'REFERRAL', status: 'REQUESTED', version: 1 },
    ]);
    const grants: { kind: string; agency: string }[] = await ds.query(`SELECT kind, agency FROM case_relationship WHERE case_id = $1 ORDER BY kind, agency`, [caseId]);
    expect(grants.filter((g) => g.kind === 'OWNING_TEAM')).toEqual([{ kind: 'OWNING_TEAM', agency: 'probation' }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.relationship.grant' AND $1 = ANY(record_ids)`, [caseId])).toEqual([{ n: 1 }]);
  });

  it('H2: a person of concern recorded unknown and identified later is checked again: a waiting check in place, an answered one by a new check', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = randomUUID();
    const suspect = randomUUID();
    await ds.transaction((m) => checks.onCaseReferred({ personOfConcernId: suspect, referredAt: clock.now().toISOString() } as CaseReferredV1, eventContext(m, caseId)));
    const [waiting] = await ds.query(`SELECT id, reason, version FROM supervision_check WHERE case_id = $1`, [caseId]);
    expect(waiting).toMatchObject({ reason: 'REFERRAL', version: 1 });
    clock.set(new Date('2026-12-03T09:00:00Z'));
    const identified = { personId: suspect, role: 'PERSON_OF_CONCERN', requestedAt: clock.now().toISOString(), trigger: 'IDENTIFIED' } as PersonCheckRequestedV1;
    await ds.transaction((m) => checks.onPersonCheckRequested(identified, eventContext(m, caseId)));
    // Redelivered: nothing more.
    await ds.transaction((m) => checks.onPersonCheckRequested(identified, eventContext(m, caseId)));
    expect(await ds.query(`SELECT id, reason, status, requested_at, due_at FROM supervision_check WHERE case_id = $1`, [caseId])).toEqual([
      { id: waiting.id, reason: 'PERSON_IDENTIFIED', status: 'REQUESTED', requested_at: new Date('2026-12-03T09:00:00Z'), due_at: new Date('2026-12-07T09:00:00Z') },
    ]);

    // Answered while unknown (nothing to find): identifying the person opens a second check, which the case part shows.
    const other = randomUUID();
    const unknown = randomUUID();
    await ds.transaction((m) => checks.onCaseReferred({ personOfConcernId: unknown, referredAt: clock.now().toISOString() } as CaseReferredV1, eventContext(m, other)));
    const first = (await cases.read(other, ctx())).check!;
    await checks.answer({ caseId: other, checkId: first.checkId, expectedVersion: first.version, supervisionStatus: 'NONE', contactRoute: ROUTE }, ctx());
    await ds.transaction((m) => checks.onPersonCheckRequested({ ...identified, personId: unknown }, eventContext(m, other)));
    const both: { reason: string; status: string }[] = await ds.query(`SELECT reason, status FROM supervision_check WHERE case_id = $1 ORDER BY reason`, [other]);
    expect(both).toEqual([
      { reason: 'PERSON_IDENTIFIED', status: 'REQUESTED' },
      { reason: 'REFERRAL', status: 'ANSWERED' },
    ]);
    expect(await checks.casePart(other)).toMatchObject({ status: 'REQUESTED', answer: null });
    // A person of concern added or re-named on the case (not an identification) is not checked twice.
    await ds.transaction((m) => checks.onPersonCheckRequested({ ...identified, personId: unknown, trigger: 'ROLE_CHANGED' }, eventContext(m, other)));
    expect(await ds.query(`SELECT count(*)::int AS n FROM supervision_check WHERE case_id = $1`, [other])).toEqual([{ n: 2 }]);
  });

  it("AC-14/AC-15: intake's restriction of a case reaches probation: its worklist and decisions hide the case from anyone not named; an older announcement changes nothing", async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await referred();
    const named: Principal = { ...officer, subject: 'po-named' };
    const replica = new CaseRestrictionReplica(new CaseRestrictions(), accessLog, { service: 'probation', agency: 'probation' });
    const announce = (version: number, restricted: boolean, subjects: string[]) =>
      ds.transaction((m) =>
        replica.apply(
          Object.assign(new CaseRestrictionChangedV1(), {
            restricted,
            kinds: restricted ? ['STAFF_LINKED'] : [],
            named: subjects.map((subject) => ({ grantId: randomUUID(), issuer: officer.issuer, subject, validFrom: '2026-11-30T00:00:00.000Z' })),
            changedAt: clock.now().toISOString(),
          }),
          eventContext(m, caseId, version),
        ),
      );
    const listed = async (p: Principal) => (await worklist.list(p, 'risk-management', { limit: 500 })).items.some((i) => i.caseId === caseId);
    expect(await listed(officer)).toBe(true);
    await announce(2, true, ['po-named']);
    expect(await listed(officer)).toBe(false);
    expect(await listed(named)).toBe(true);
    expect((await relationships.forPrincipal(ds, caseId, officer)).restriction).toEqual({ named: false });
    expect((await relationships.forPrincipal(ds, caseId, named)).restriction).toEqual({ named: true });
    // An older state arriving late is ignored; a newer one replaces the names.
    await announce(1, false, []);
    expect(await listed(officer)).toBe(false);
    await announce(3, true, ['po-1']);
    expect(await listed(officer)).toBe(true);
    expect(await listed(named)).toBe(false);
    await announce(4, false, []);
    expect(await listed(named)).toBe(true);
    const logged: { action: string }[] = await ds.query(`SELECT action FROM access_log WHERE action = 'case.restriction.replicate' AND $1 = ANY(record_ids)`, [caseId]);
    expect(logged).toHaveLength(3);
  });
});
