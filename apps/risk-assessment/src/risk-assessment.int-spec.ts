import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ensureDevIssuerKeys, type Principal } from '@stac/auth';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import type { CaseReferredV1, CaseStageChangedV1, IncidentRecordedV1, OrderEndedV1 } from '@stac/contracts';
import type { EventContext } from '@stac/messaging';
import { createLogger } from '@stac/observability';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, Clock, domainServiceModule, FixedClock, IdempotencyRecords, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { createTestDatabase, deleteNamespaceStreams, TEST_NATS_URL, testStreamEnv, type TestDatabase } from '@stac/testing';
import { ReviewSchedule } from './reviews/review-schedule';
import { RiskAssessmentsService } from './risk-assessments/risk-assessments.service';
import { RISK_ASSESSMENT } from './risk-assessment.module';
import { RiskSummaryService } from './risk-summary/risk-summary.service';
import { ScreeningTasksService } from './screening-tasks/screening-tasks.service';

jest.setTimeout(60_000);

const DAY = 24 * 3600 * 1000;
const T0 = new Date('2026-11-02T09:00:00.000Z');
const S_DASH_CODES = [
  'VERY_FRIGHTENED',
  'PREVIOUS_HARASSMENT',
  'PROPERTY_DAMAGED',
  'VISITS_HOME_OR_WORK',
  'LOITERING',
  'THREATS_OF_VIOLENCE',
  'THIRD_PARTIES_HARASSED',
  'VIOLENCE_DURING_STALKING',
  'OTHERS_RECRUITED',
  'SUBSTANCE_MISUSE',
  'HISTORY_OF_VIOLENCE',
];

function as(agency: Principal['agency'], subject: string, role: Principal['roles'][number]): RequestContext {
  return testRequestContext(
    { issuer: 'urn:test', subject, agency, roles: [role] },
    { decision: { allow: true, rule: 'risk.assess', status: 200, via: 'OWNING_TEAM' }, purpose: 'risk-management', correlationId: `corr-${randomUUID()}` },
    new IdempotencyRecords(RISK_ASSESSMENT.idempotencyTable),
  );
}

describe('risk-assessment service (Nest TestingModule, real Postgres + JetStream, FixedClock)', () => {
  let db: TestDatabase;
  // Its own event streams (deleted at the end), so runs never share durable consumers.
  const streams = testStreamEnv();
  let app: TestingModule;
  let ds: DataSource;
  const clock = new FixedClock(T0);
  let assessments: RiskAssessmentsService;
  let summaries: RiskSummaryService;
  let tasks: ScreeningTasksService;
  let reviews: ReviewSchedule;
  const caseId = randomUUID();

  const inEvent = <T>(eventType: string, fn: (ctx: EventContext) => Promise<T>) =>
    ds.transaction((manager) =>
      fn({
        manager,
        envelope: { id: randomUUID(), eventType, version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-event',
        causationId: randomUUID(),
      }),
    );
  const outbox = async (subject: string) =>
    (await ds.query(`SELECT envelope FROM outbox WHERE subject = $1 ORDER BY created_at, id`, [subject])).map((r: { envelope: unknown }) =>
      typeof r.envelope === 'string' ? JSON.parse(r.envelope) : r.envelope,
    );

  beforeAll(async () => {
    db = await createTestDatabase('risk');
    const issuerDir = mkdtempSync(join(tmpdir(), 'risk-int-'));
    await ensureDevIssuerKeys(issuerDir);
    await runMigrations(
      serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: allMigrations(RISK_ASSESSMENT), applicationName: 'risk-int-migrate' }),
    );
    const config = loadConfig(SERVICE_ENV['risk-assessment'], {
      DATABASE_URL: db.url,
      NATS_URL: TEST_NATS_URL,
      ...streams,
      AUTH_DEV_ISSUER_DIR: issuerDir,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '60000',
    });
    app = await Test.createTestingModule({ imports: [domainServiceModule(RISK_ASSESSMENT, config, createLogger('risk-assessment', 'silent'))] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await app.init();
    ds = app.get(DataSource);
    assessments = app.get(RiskAssessmentsService);
    summaries = app.get(RiskSummaryService);
    tasks = app.get(ScreeningTasksService);
    reviews = app.get(ReviewSchedule);
  });

  afterAll(async () => {
    await app?.close();

    await deleteNamespaceStreams(TEST_NATS_URL, streams.NATS_NAMESPACE);
    await db?.drop();
  });

  it('a referral opens the S-DASH screening task, owned by the police, and shares the risk summary with partner agencies', async () => {
    const referred = { source: 'CRIME_REPORT', offenceClass: 'S4A_FEAR', flags: [], victimId: randomUUID(), incidentCount: 2, referredAt: T0.toISOString() } as unknown as CaseReferredV1;
    await inEvent('intake.case.referred', (ctx) => tasks.onCaseReferred(referred, ctx));
    await inEvent('intake.case.referred', (ctx) => tasks.onCaseReferred(referred, ctx)); // redelivery: nothing new
    const list = await tasks.forCase(caseId);
    expect(list).toEqual([expect.objectContaining({ reason: 'NEW_REFERRAL', status: 'OPEN', instrument: 'S_DASH', ownerAgency: 'police' })]);
    const rels = await ds.query(
      `SELECT r.kind, r.agency, r.field_groups, a.code FROM case_relationship r LEFT JOIN sharing_agreement a ON a.id = r.agreement_id WHERE case_id = $1 ORDER BY kind, agency, code`,
      [caseId],
    );
    expect(rels).toEqual([
      { kind: 'AGENCY_SHARE', agency: 'advocacy', field_groups: [], code: 'police-risk-summary-to-advocacy' },
      { kind: 'AGENCY_SHARE', agency: 'mental-health', field_groups: [], code: 'police-risk-summary-to-mental-health' },
      { kind: 'AGENCY_SHARE', agency: 'probation', field_groups: [], code: 'police-risk-summary-to-probation' },
      { kind: 'OWNING_TEAM', agency: 'police', field_groups: ['risk.rationale'], code: null },
    ]);
    // Opened once, so logged once (LAW-01); the case's coded context recorded with the task.
    expect(await ds.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.relationship.grant' AND $1 = ANY(record_ids)`, [caseId])).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT domestic FROM risk_case_context WHERE case_id = $1`, [caseId])).toEqual([{ domestic: false }]);
  });

  it('completing the screening with an S-DASH closes the task; the level is the judged one and the review falls due 28 days later (HIGH)', async () => {
    const police = as('police', 'assessor-1', 'risk-assessor');
    const [task] = await tasks.forCase(caseId);
    const draft = await assessments.create(
      caseId,
      {
        subject: 'VICTIM_SITUATION',
        instrument: 'S_DASH',
        taskId: task.taskId,
        // Only 2 yes answers: the judgement says HIGH anyway.
        answers: S_DASH_CODES.map((question, i) => ({ question, answer: i < 2 ? 'YES' : 'NO' })),
        level: 'HIGH',
        rationale: 'Fixated and escalating; victim very frightened.',
      },
      police,
    );
    expect(draft).toMatchObject({ status: 'DRAFT', yesCount: 2, level: 'HIGH', levelSetBy: 'PROFESSIONAL_JUDGEMENT', instrumentVersion: 1 });
    expect(draft).not.toHaveProperty('rationale');
    await expect(assessments.submit(caseId, draft.assessmentId, draft.version + 1, police)).rejects.toMatchObject({ problem: { status: 412 } });
    const current = await assessments.submit(caseId, draft.assessmentId, draft.version, police);
    expect(current).toMatchObject({ status: 'CURRENT', currentFrom: T0.toISOString(), nextReviewDue: new Date(T0.getTime() + 28 * DAY).toISOString() });
    expect((await tasks.forCase(caseId))[0]).toMatchObject({ status: 'COMPLETED', completedByAssessmentId: draft.assessmentId });
    expect(await outbox('risk.assessment.assessed.v1')).toEqual([
      expect.objectContaining({ caseId, additionalInformation: expect.objectContaining({ assessmentId: draft.assessmentId, level: 'HIGH', yesCount: 2 }) }),
    ]);
    const [changed] = await outbox('risk.level.changed.v1');
    expect(changed.additionalInformation).toEqual({ level: 'HIGH', assessmentId: draft.assessmentId, changedAt: T0.toISOString() });
    // Thin events: no rationale or answers anywhere in what is published.
    expect(JSON.stringify(await outbox('risk.assessment.assessed.v1'))).not.toMatch(/escalating|VERY_FRIGHTENED/);
  });

  it('a re-assessment supersedes the current one; the level history reconstructs the level at any past date', async () => {
    clock.set(new Date(T0.getTime() + 10 * DAY));
    const police = as('police', 'assessor-2', 'stac-screener');
    const d = await assessments.create(caseId, { subject: 'VICTIM_SITUATION', instrument: 'PROFESSIONAL_JUDGEMENT', level: 'MEDIUM', rationale: 'Suspect arrested, bail conditions.' }, police);
    const cur = await assessments.submit(caseId, d.assessmentId, d.version, police);
    expect(cur.nextReviewDue).toBe('2027-02-12T09:00:00.000Z'); // MEDIUM: 3 calendar months
    const list = await assessments.list(caseId, 'police', false);
    expect(list.map((a) => a.status)).toEqual(['CURRENT', 'SUPERSEDED']);

    expect((await summaries.get(caseId, { at: new Date(T0.getTime() - DAY), owning: true })).level).toBeNull();
    expect((await summaries.get(caseId, { at: new Date(T0.getTime() + 5 * DAY), owning: true })).level).toBe('HIGH');
    expect((await summaries.get(caseId, { at: new Date(T0.getTime() + 10 * DAY), owning: true })).level).toBe('MEDIUM');
    expect((await summaries.get(caseId, { owning: true })).level).toBe('MEDIUM');
    const history = await summaries.history(caseId);
    expect(history.changes.map((c) => [c.previousLevel, c.level, c.changedAt])).toEqual([
      [null, 'HIGH', T0.toISOString()],
      ['HIGH', 'MEDIUM', new Date(T0.getTime() + 10 * DAY).toISOString()],
    ]);
    expect((await outbox('risk.level.changed.v1')).map((e: { additionalInformation: { level: string } }) => e.additionalInformation.level)).toEqual(['HIGH', 'MEDIUM']);
  });

  it('SRP records only judgements; second-person review is enforced; the stalker type is shared only where the assessor shared it', async () => {
    clock.set(new Date(T0.getTime() + 12 * DAY));
    const probation = as('probation', 'po-1', 'probation-officer');
    await expect(
      assessments.create(caseId, { subject: 'PERSON_OF_CONCERN', instrument: 'SRP', answers: [{ question: 'VERY_FRIGHTENED', answer: 'YES' }] }, probation),
    ).rejects.toMatchObject({ problem: { status: 400, errors: [{ field: 'answers' }] } });
    const d = await assessments.create(
      caseId,
      {
        subject: 'PERSON_OF_CONCERN',
        instrument: 'SRP',
        level: 'HIGH',
        rationale: 'Formulated at consultation.',
        domainLevels: { VIOLENCE: 'MODERATE', PERSISTENCE: 'HIGH', RECURRENCE: 'HIGH', PSYCHOSOCIAL_DAMAGE: 'HIGH' },
        stalkerType: 'REJECTED',
        formulation: 'Rejected ex-partner; grievance.',
        requiresReview: true,
      },
      probation,
    );
    const submitted = await assessments.submit(caseId, d.assessmentId, d.version, probation);
    expect(submitted.status).toBe('SUBMITTED');
    await expect(assessments.review(caseId, d.assessmentId, submitted.version, 'APPROVE', as('probation', 'po-1', 'probation-lead'))).rejects.toMatchObject({
      problem: { status: 403, code: 'second-person-required' },
    });
    // Another agency cannot see or act on probation's record.
    await expect(assessments.review(caseId, d.assessmentId, submitted.version, 'APPROVE', as('police', 'lead-1', 'stac-lead'))).rejects.toMatchObject({
      problem: { status: 404 },
    });
    const approved = await assessments.review(caseId, d.assessmentId, submitted.version, 'APPROVE', as('probation', 'po-lead', 'probation-lead'));
    expect(approved).toMatchObject({ status: 'CURRENT', reviewedBy: { agency: 'probation', role: 'probation-lead' } });

    const shared = await summaries.get(caseId, { owning: false });
    expect(shared).toMatchObject({
      level: 'HIGH',
      domainLevels: { VIOLENCE: 'MODERATE', PERSISTENCE: 'HIGH', RECURRENCE: 'HIGH', PSYCHOSOCIAL_DAMAGE: 'HIGH' },
      stalkerType: null,
      assessedBy: { agency: 'probation', role: 'probation-officer' },
    });
    expect(JSON.stringify(shared)).not.toMatch(/grievance|Formulated/);
    expect((await summaries.get(caseId, { owning: true })).stalkerType).toBe('REJECTED');
    expect((await assessments.get(caseId, d.assessmentId, 'probation', true)).formulation).toBe('Rejected ex-partner; grievance.');
  });

  it('DP-02: rationale and formulation are encrypted at rest: no canary in any column of the stored row, the ciphertexts name their key, the owner reads them back', async () => {
    const probation = as('probation', 'po-2', 'probation-officer');
    const other = randomUUID();
    const d = await assessments.create(
      other,
      {
        subject: 'PERSON_OF_CONCERN',
        instrument: 'SRP',
        level: 'MEDIUM',
        rationale: 'CANARY-RATIONALE-7f3a depressive episode',
        domainLevels: { VIOLENCE: 'LOW', PERSISTENCE: 'MODERATE', RECURRENCE: 'MODERATE', PSYCHOSOCIAL_DAMAGE: 'LOW' },
        stalkerType: 'REJECTED',
        formulation: 'CANARY-FORMULATION-7f3a',
      },
      probation,
    );
    const changed = await assessments.update(other, d.assessmentId, d.version, { formulation: 'CANARY-FORMULATION-7f3a, revised' }, probation);
    // As a pg_dump would see it: every column of every row of the table, as text.
    const dump = (await ds.query(`SELECT row_to_json(r)::text AS row FROM risk_assessment r`)).map((r: { row: string }) => r.row).join('\n');
    expect(dump).toContain(d.assessmentId);
    expect(dump).not.toMatch(/CANARY|depressive/);
    const [row] = await ds.query(`SELECT rationale, formulation, rationale_enc, formulation_enc FROM risk_assessment WHERE id = $1`, [d.assessmentId]);
    expect(row).toMatchObject({ rationale: null, formulation: null });
    // The envelope: format 2, then the key id (the published development ring's `dev` in tests).
    for (const sealed of [row.rationale_enc, row.formulation_enc] as Buffer[]) {
      expect(sealed[0]).toBe(2);
      expect(sealed.subarray(2, 2 + sealed[1]).toString('ascii')).toBe('dev');
    }
    expect(await assessments.get(other, d.assessmentId, 'probation', true)).toMatchObject({
      version: changed.version,
      rationale: 'CANARY-RATIONALE-7f3a depressive episode',
      formulation: 'CANARY-FORMULATION-7f3a, revised',
    });
    // A ciphertext moved to another assessment does not open there.
    const [victim] = await ds.query(`SELECT id, rationale_enc FROM risk_assessment WHERE case_id = $1 AND owner_agency = 'probation' LIMIT 1`, [caseId]);
    await ds.query(`UPDATE risk_assessment SET rationale_enc = $2 WHERE id = $1`, [victim.id, row.rationale_enc]);
    await expect(assessments.get(caseId, victim.id, 'probation', true)).rejects.toThrow();
    await ds.query(`UPDATE risk_assessment SET rationale_enc = $2 WHERE id = $1`, [victim.id, victim.rationale_enc]);
    expect((await assessments.get(caseId, victim.id, 'probation', true)).rationale).toBe('Formulated at consultation.');
    // Expand/contract: a row saved before sealing (plaintext only) still reads, and the next save seals it and clears the plaintext.
    await ds.query(`UPDATE risk_assessment SET rationale = 'Saved before sealing', rationale_enc = NULL WHERE id = $1`, [d.assessmentId]);
    const legacy = await assessments.get(other, d.assessmentId, 'probation', true);
    expect(legacy.rationale).toBe('Saved before sealing');
    await assessments.update(other, d.assessmentId, legacy.version, { formulation: 'revised again' }, probation);
    const [sealedNow] = await ds.query(`SELECT rationale, rationale_enc FROM risk_assessment WHERE id = $1`, [d.assessmentId]);
    expect(sealedNow.rationale).toBeNull();
    expect(sealedNow.rationale_enc).not.toBeNull();
    expect(await assessments.get(other, d.assessmentId, 'probation', true)).toMatchObject({ rationale: 'Saved before sealing', formulation: 'revised again' });
  });

  it('overdue reviews appear on the owning agency’s worklist only; the scan emits risk.review.due once and opens a review task', async () => {
    clock.set(new Date(T0.getTime() + 12 * DAY + 28 * DAY + 3600_000)); // probation's HIGH review passed by an hour
    expect((await reviews.worklist('probation')).overdueReviews).toEqual([
      expect.objectContaining({ caseId, subject: 'PERSON_OF_CONCERN', level: 'HIGH', daysOverdue: 0 }),
    ]);
    expect((await reviews.worklist('police')).overdueReviews).toEqual([]); // MEDIUM: due in February
    expect((await reviews.worklist('advocacy')).overdueReviews).toEqual([]);

    expect(await reviews.scanDueReviews()).toBe(1);
    expect(await reviews.scanDueReviews()).toBe(0);
    const [due] = await outbox('risk.review.due.v1');
    expect(due.additionalInformation).toMatchObject({ level: 'HIGH', ownerAgency: 'probation', dueAt: new Date(T0.getTime() + 40 * DAY).toISOString() });
    expect((await reviews.worklist('probation')).openTasks).toEqual([expect.objectContaining({ caseId, reason: 'REVIEW_DUE', ownerAgency: 'probation' })]);

    clock.advance(5 * DAY);
    expect((await reviews.worklist('probation')).overdueReviews[0].daysOverdue).toBe(5);
  });

  it('a breach opens a re-assessment task for each agency managing the risk, with the triggering reason; a further trigger joins the open task', async () => {
    const breach = { incidentId: randomUUID(), occurredAt: clock.now().toISOString(), behaviours: ['CONTACTING'], isBreach: true } as IncidentRecordedV1;
    await inEvent('intake.incident.recorded', (ctx) => tasks.onIncidentRecorded(breach, ctx));
    const open = (await tasks.forCase(caseId)).filter((t) => t.status === 'OPEN');
    expect(open).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ownerAgency: 'police', reason: 'BREACH', triggers: [] }),
        expect.objectContaining({ ownerAgency: 'probation', reason: 'REVIEW_DUE', triggers: [expect.objectContaining({ reason: 'BREACH', incidentId: breach.incidentId })] }),
      ]),
    );
    expect(open).toHaveLength(2);
    const policeTask = open.find((t) => t.ownerAgency === 'police')!;
    expect(new Date(policeTask.dueAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(3 * DAY); // one working day
  });

  it('§6.8: arrest, bail changes and charge open re-assessments (joining the open task); lifecycle moves and other CJ stages do not', async () => {
    const other = randomUUID();
    const onStage = (info: Partial<CaseStageChangedV1>) =>
      ds.transaction((manager) =>
        tasks.onCaseStageChanged({ changedAt: clock.now().toISOString(), ...info } as CaseStageChangedV1, {
          manager,
          envelope: { id: randomUUID(), eventType: 'intake.case.stage-changed', version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId: other, aggregateVersion: 2, additionalInformation: {} },
          correlationId: 'corr-stage',
          causationId: randomUUID(),
        }),
      );
    await onStage({ machine: 'STATUS', from: 'SCREENING', to: 'TRIAGED' });
    await onStage({ machine: 'CJ_STAGE', from: 'ARRESTED', to: 'CHARGE_REQUESTED' });
    expect(await tasks.forCase(other)).toEqual([]);

    await onStage({ machine: 'CJ_STAGE', from: 'PRE_ARREST', to: 'ARRESTED' });
    let [task] = await tasks.forCase(other);
    expect(task).toMatchObject({ reason: 'ARREST', status: 'OPEN', ownerAgency: 'police', instrument: 'S_DASH', triggers: [] });
    expect(new Date(task.dueAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(3 * DAY); // one working day

    await onStage({ machine: 'CJ_STAGE', from: 'ARRESTED', to: 'BAILED', bailReturnAt: new Date(T0.getTime() + 14 * DAY).toISOString() });
    await onStage({ machine: 'CJ_STAGE', from: 'BAILED', to: 'RUI' });
    await onStage({ machine: 'CJ_STAGE', from: 'CHARGE_REQUESTED', to: 'CHARGED' });
    await onStage({ machine: 'CJ_STAGE', from: 'CHARGED', to: 'AT_COURT' });
    const all = await tasks.forCase(other);
    expect(all).toHaveLength(1);
    [task] = all;
    expect(task.triggers.map((t) => t.reason)).toEqual(['BAIL_CHANGE', 'BAIL_CHANGE', 'CHARGE']);
  });

  it('§6.8: an order ending opens an ORDER_ENDING re-assessment for the agencies managing the risk', async () => {
    const ended = { orderId: randomUUID(), orderType: 'SPO', outcome: 'DISCHARGED', endedAt: clock.now().toISOString() } as OrderEndedV1;
    const other = randomUUID();
    await ds.transaction((manager) =>
      tasks.onOrderEnded(ended, {
        manager,
        envelope: { id: randomUUID(), eventType: 'intake.order.ended', version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId: other, aggregateVersion: 5, additionalInformation: {} },
        correlationId: 'corr-order',
        causationId: randomUUID(),
      }),
    );
    expect(await tasks.forCase(other)).toEqual([expect.objectContaining({ reason: 'ORDER_ENDING', status: 'OPEN', ownerAgency: 'police' })]);
  });

  it('§4 re-assessment triggers: probation.offender.released and probation.licence.ended open a RELEASE re-assessment (the second joins the open task)', async () => {
    const other = randomUUID();
    const deliver = (eventType: string, fn: (ctx: EventContext) => Promise<void>) =>
      ds.transaction((manager) =>
        fn({
          manager,
          envelope: { id: randomUUID(), eventType, version: 1, occurredAt: clock.now().toISOString(), producer: 'probation', caseId: other, aggregateVersion: 1, additionalInformation: {} },
          correlationId: 'corr-release',
          causationId: randomUUID(),
        }),
      );
    await deliver('probation.offender.released', (ctx) => tasks.onOffenderReleased({ releaseDate: '2026-12-01' }, ctx));
    expect(await tasks.forCase(other)).toEqual([expect.objectContaining({ reason: 'RELEASE', status: 'OPEN', ownerAgency: 'police' })]);
    await deliver('probation.licence.ended', (ctx) => tasks.onLicenceEnded({ licenceEndDate: '2027-06-01' }, ctx));
    const [task, ...more] = await tasks.forCase(other);
    expect(more).toEqual([]);
    expect(task.triggers.map((t) => t.reason)).toEqual(['RELEASE']);
  });

  it('the same due dates as intake over Easter 2029: a referral or breach at 09:00 BST on Maundy Thursday is due 09:00 BST on the Tuesday', async () => {
    // Good Friday 30 March and Easter Monday 2 April 2029 (past the end of any hand-kept table).
    const other = randomUUID();
    const maundyThursday = new Date('2029-03-29T08:00:00.000Z');
    const inCase = (eventType: string, fn: (ctx: EventContext) => Promise<void>) =>
      ds.transaction((manager) =>
        fn({
          manager,
          envelope: { id: randomUUID(), eventType, version: 1, occurredAt: maundyThursday.toISOString(), producer: 'intake', caseId: other, aggregateVersion: 1, additionalInformation: {} },
          correlationId: 'corr-easter',
          causationId: randomUUID(),
        }),
      );
    const referred = { source: 'CRIME_REPORT', offenceClass: 'S4A_FEAR', flags: [], victimId: randomUUID(), incidentCount: 2, referredAt: maundyThursday.toISOString() } as unknown as CaseReferredV1;
    await inCase('intake.case.referred', (ctx) => tasks.onCaseReferred(referred, ctx));
    expect(await tasks.forCase(other)).toEqual([expect.objectContaining({ reason: 'NEW_REFERRAL', dueAt: '2029-04-03T08:00:00.000Z' })]);

    const breachCase = randomUUID();
    clock.set(maundyThursday);
    await ds.transaction((manager) =>
      tasks.onIncidentRecorded({ incidentId: randomUUID(), occurredAt: maundyThursday.toISOString(), behaviours: ['CONTACTING'], isBreach: true } as IncidentRecordedV1, {
        manager,
        envelope: { id: randomUUID(), eventType: 'intake.incident.recorded', version: 1, occurredAt: maundyThursday.toISOString(), producer: 'intake', caseId: breachCase, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-easter',
        causationId: randomUUID(),
      }),
    );
    expect(await tasks.forCase(breachCase)).toEqual([expect.objectContaining({ reason: 'BREACH', dueAt: '2029-04-03T08:00:00.000Z' })]);
  });

  it('a "yes" to the S-DASH gateway question on a domestic case opens a DASH task; the DASH completes it and flags MARAC at 14+ ticks', async () => {
    clock.set(new Date('2026-12-07T10:00:00.000Z')); // a Monday
    const police = as('police', 'assessor-dash', 'risk-assessor');
    const referCase = async (flags: string[]) => {
      const id = randomUUID();
      const referred = { source: 'CRIME_REPORT', offenceClass: 'S4A_FEAR', flags, victimId: randomUUID(), incidentCount: 2, referredAt: clock.now().toISOString() } as unknown as CaseReferredV1;
      await ds.transaction((manager) =>
        tasks.onCaseReferred(referred, {
          manager,
          envelope: { id: randomUUID(), eventType: 'intake.case.referred', version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId: id, aggregateVersion: 1, additionalInformation: {} },
          correlationId: 'corr-dash',
          causationId: randomUUID(),
        }),
      );
      return id;
    };
    const screen = async (id: string, gateway: 'YES' | 'NO' | null) => {
      const [task] = await tasks.forCase(id);
      const answers = [...S_DASH_CODES.map((question) => ({ question, answer: 'NO' as const })), ...(gateway ? [{ question: 'DASH_STALKING_GATEWAY', answer: gateway }] : [])];
      const d = await assessments.create(id, { subject: 'VICTIM_SITUATION', instrument: 'S_DASH', taskId: task.taskId, answers, level: 'MEDIUM', rationale: 'Judged.' }, police);
      expect(d.yesCount).toBe(0); // the gateway answer is recorded, never counted
      return assessments.submit(id, d.assessmentId, d.version, police);
    };

    const domestic = await referCase(['DOMESTIC']);
    const screened = await screen(domestic, 'YES');
    expect(screened.answers![0]).toEqual({ question: 'DASH_STALKING_GATEWAY', answer: 'YES' });
    let list = await tasks.forCase(domestic);
    expect(list).toEqual([
      expect.objectContaining({ reason: 'NEW_REFERRAL', status: 'COMPLETED', completedByAssessmentId: screened.assessmentId }),
      expect.objectContaining({ reason: 'DASH_GATEWAY', status: 'OPEN', instrument: 'DASH', ownerAgency: 'police', dueAt: '2026-12-08T10:00:00.000Z' }),
    ]);
    const dashTask = list[1];

    // A breach meanwhile opens its own re-assessment; it neither joins nor completes the DASH task.
    await ds.transaction((manager) =>
      tasks.onIncidentRecorded({ incidentId: randomUUID(), occurredAt: clock.now().toISOString(), behaviours: ['CONTACTING'], isBreach: true } as IncidentRecordedV1, {
        manager,
        envelope: { id: randomUUID(), eventType: 'intake.incident.recorded', version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId: domestic, aggregateVersion: 2, additionalInformation: {} },
        correlationId: 'corr-dash',
        causationId: randomUUID(),
      }),
    );
    const pj = await assessments.create(domestic, { subject: 'VICTIM_SITUATION', instrument: 'PROFESSIONAL_JUDGEMENT', level: 'MEDIUM', rationale: 'Breach reviewed.' }, police);
    await assessments.submit(domestic, pj.assessmentId, pj.version, police);
    list = await tasks.forCase(domestic);
    expect(list.find((t) => t.reason === 'BREACH')).toMatchObject({ status: 'COMPLETED', completedByAssessmentId: pj.assessmentId });
    expect(list.find((t) => t.taskId === dashTask.taskId)).toMatchObject({ status: 'OPEN', triggers: [] });

    // The DASH itself completes it; MARAC flag rules as they are (14+ ticks).
    const dash = await assessments.create(domestic, { subject: 'VICTIM_SITUATION', instrument: 'DASH', taskId: dashTask.taskId, tickCount: 15, level: 'HIGH', rationale: 'DASH completed.' }, police);
    const dashCurrent = await assessments.submit(domestic, dash.assessmentId, dash.version, police);
    expect(dashCurrent).toMatchObject({ status: 'CURRENT', maracFlag: true, yesCount: 15 });
    expect((await tasks.forCase(domestic)).find((t) => t.taskId === dashTask.taskId)).toMatchObject({ status: 'COMPLETED', completedByAssessmentId: dash.assessmentId });

    // Not domestic, or no "yes": no DASH task.
    const nonDomestic = await referCase(['CYBER']);
    await screen(nonDomestic, 'YES');
    const domesticNo = await referCase(['DOMESTIC']);
    await screen(domesticNo, 'NO');
    const unanswered = await referCase(['DOMESTIC']);
    await screen(unanswered, null);
    for (const id of [nonDomestic, domesticNo, unanswered]) {
      expect((await tasks.forCase(id)).map((t) => t.reason)).toEqual(['NEW_REFERRAL']);
    }
  });

  it('the database refuses a licensed instrument definition that carries items; stored SASH/SRP rows hold judgement fields only', async () => {
    const rows: { code: string; definition: Record<string, unknown> }[] = await ds.query(`SELECT code, definition FROM instrument_definition WHERE licence = 'LICENSED'`);
    expect(rows.map((r) => r.code).sort()).toEqual(['SASH', 'SRP']);
    for (const r of rows) expect(Object.keys(r.definition).sort()).toEqual(expect.not.arrayContaining(['questions', 'items', 'gatewayQuestion']));
    const v2 = { ...rows.find((r) => r.code === 'SRP')!.definition, version: 2, items: [{ code: 'I1', text: 'licensed item' }] };
    await expect(ds.query(`INSERT INTO instrument_definition (code, version, licence, definition) VALUES ('SRP', 2, 'LICENSED', $1)`, [JSON.stringify(v2)])).rejects.toThrow(
      /licensed_instrument_without_items/,
    );
    expect(await ds.query(`SELECT count(*)::int AS n FROM risk_assessment WHERE instrument IN ('SRP', 'SASH') AND answers IS NOT NULL`)).toEqual([{ n: 0 }]);
  });
});
