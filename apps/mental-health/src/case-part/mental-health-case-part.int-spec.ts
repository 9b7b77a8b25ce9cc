import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessLog, type AccessControl, type Authorized, type Principal } from '@stac/auth';
import type { MentalHealthCasePart, RpcRequest } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, CasePartReader, FixedClock, IdempotencyRecords, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { ArrangementsService } from '../arrangements/arrangements.service';
import { MhConsultationsService } from '../consultations/mh-consultations.service';
import { InterventionsService } from '../interventions/interventions.service';
import { KnownToServicesCheck } from '../known-to-services-checks/known-to-services-check.entity';
import { MENTAL_HEALTH } from '../mental-health.module';
import { MentalHealthCasePartController } from './mental-health-case-part.controller';

jest.setTimeout(60_000);

let db: TestDatabase;
let ds: DataSource;
let consultations: MhConsultationsService;
let arrangements: ArrangementsService;
let interventions: InterventionsService;
const clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
const statements: string[] = [];

const police: Authorized = {
  principal: { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] },
  decision: { allow: true, rule: 'case.read', via: 'AGENCY_SHARE', status: 200 },
  purpose: 'safeguarding',
  fieldGroups: [],
};

/** The part as a police officer reads it through the case-part reader (the decision stubbed, the log real), and its access-log rows. */
async function read(caseId: string) {
  const access = { authorize: async () => police } as unknown as AccessControl;
  const c = new MentalHealthCasePartController(new CasePartReader(access, new AccessLog(), ds), ds, clock, consultations, arrangements, interventions);
  const correlationId = `corr-${randomUUID()}`;
  statements.length = 0;
  const part = (await c.casePart({ correlationId, token: 't', purpose: 'safeguarding', body: { caseId } } as RpcRequest<unknown>)) as MentalHealthCasePart | null;
  const n = statements.length;
  const logged: { record_ids: string[]; operation: string; legal_basis: string | null }[] = await ds.query(
    'SELECT record_ids, operation, legal_basis FROM access_log WHERE correlation_id = $1',
    [correlationId],
  );
  return { part, logged, statements: n };
}

function ctx(subject: string): RequestContext {
  const principal: Principal = { issuer: 'urn:test', subject, agency: 'mental-health', roles: ['mh-clinician'] };
  return testRequestContext(principal, { purpose: 'care', clock, audit: async () => undefined }, new IdempotencyRecords(MENTAL_HEALTH.idempotencyTable));
}

async function check(caseId: string, requestedAt: string) {
  const id = randomUUID();
  await ds.getRepository(KnownToServicesCheck).insert({
    id,
    caseId,
    personId: randomUUID(),
    status: 'REQUESTED',
    reason: 'REFERRAL',
    requestedAt: new Date(requestedAt),
    dueAt: new Date('2026-12-03T09:00:00Z'),
    answer: null,
  });
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase('mental-health');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: MENTAL_HEALTH.entities, migrations: allMigrations(MENTAL_HEALTH), applicationName: 'int' }));
  ds = new DataSource({
    ...serviceDataSourceOptions({ url: db.url, entities: MENTAL_HEALTH.entities, migrations: [], applicationName: 'int' }),
    logging: ['query'],
    logger: { logQuery: (q: string) => void statements.push(q), logQueryError: () => undefined, logQuerySlow: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined },
  });
  await ds.initialize();
  const outbox = new Outbox('mental-health');
  consultations = new MhConsultationsService(ds, outbox);
  arrangements = new ArrangementsService(ds);
  interventions = new InterventionsService(ds, outbox);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe("the trust's case part on a real Postgres", () => {
  it('LAW-02: a case with checks only is read and logged in one statement, the row naming the case and its checks with the agreement as legal basis', async () => {
    const caseId = randomUUID();
    const first = await check(caseId, '2026-12-01T08:00:00Z');
    const second = await check(caseId, '2026-12-01T08:30:00Z');
    const { part, logged, statements: n } = await read(caseId);
    expect(part).toMatchObject({ checkId: first, status: 'REQUESTED', consultations: [], arrangements: [], interventions: [] });
    expect(part!.checks.map((c) => c.checkId)).toEqual([first, second]);
    expect(logged).toEqual([{ record_ids: [caseId, first, second], operation: 'disclosure', legal_basis: 'agreement:mental-health-to-police' }]);
    expect(n).toBe(1);
  });

  it('LAW-02: consultations, arrangements and interventions on the case are read and named in its one row; another case’s are not', async () => {
    const caseId = randomUUID();
    const checkId = await check(caseId, '2026-12-01T08:00:00Z');
    const consultation = await consultations.request({ caseId, question: 'Synthetic question for the trust', urgency: 'ROUTINE', requestedBy: 'stac-coordinator' }, ctx('clinician-1'));
    const arrangement = await arrangements.start({ caseId, kind: 'DIVERSION' }, ctx('clinician-1'));
    const intervention = await interventions.propose({ caseId, legalBasis: 'SPO_REQUIREMENT', programme: 'PSYCHOLOGICALLY_INFORMED_1TO1' }, ctx('clinician-1'));
    const other = randomUUID();
    const otherCheck = await check(other, '2026-12-01T08:00:00Z');
    const otherArrangement = await arrangements.start({ caseId: other, kind: 'DIVERSION' }, ctx('clinician-1'));

    const { part, logged } = await read(caseId);
    expect(part).toMatchObject({
      consultations: [{ consultationId: consultation.consultationId, status: 'REQUESTED', urgency: 'ROUTINE' }],
      arrangements: [{ arrangementId: arrangement.arrangementId, kind: 'DIVERSION', diversionOutcome: 'PENDING' }],
      interventions: [{ interventionId: intervention.interventionId, status: 'PROPOSED', legalBasis: 'SPO_REQUIREMENT' }],
    });
    expect(logged.map((r) => r.record_ids)).toEqual([[caseId, checkId, consultation.consultationId, arrangement.arrangementId, intervention.interventionId]]);

    const otherPart = await read(other);
    expect(otherPart.part).toMatchObject({ consultations: [], interventions: [], arrangements: [{ kind: 'DIVERSION' }] });
    expect(otherPart.logged.map((r) => r.record_ids)).toEqual([[other, otherCheck, otherArrangement.arrangementId]]);
  });

  it('LAW-02: a case with no check has no part and nothing is logged as disclosed', async () => {
    const { part, logged } = await read(randomUUID());
    expect(part).toBeNull();
    expect(logged).toEqual([]);
  });
});
