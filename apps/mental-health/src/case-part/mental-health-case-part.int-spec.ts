import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Authorized, Principal } from '@stac/auth';
import type { RpcRequest } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock, IdempotencyRecords, type CasePartRead, type CasePartReader, type RequestContext } from '@stac/runtime';
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

const police: Authorized & { owning: boolean } = {
  principal: { issuer: 'urn:test', subject: 'officer-1', agency: 'police', roles: ['case-officer'] },
  decision: { allow: true, rule: 'case.read', via: 'AGENCY_SHARE', status: 200 },
  purpose: 'safeguarding',
  fieldGroups: [],
  owning: false,
};

/** What the reader is asked for, loaded as CasePartReader would (authorisation and the log row are its own tests). */
async function read(caseId: string) {
  let asked: CasePartRead<object> | undefined;
  const reader = { read: async (_req: unknown, o: CasePartRead<object>) => ((asked = o), o.load(caseId, police, () => Promise.reject(new Error('not used')))) };
  const c = new MentalHealthCasePartController(reader as unknown as CasePartReader, ds, clock, consultations, arrangements, interventions);
  statements.length = 0;
  const part = await c.casePart({ correlationId: 'corr-1', token: 't', purpose: 'safeguarding', body: { caseId } } as RpcRequest<unknown>);
  const read = statements.length;
  return { part, recordIds: part && asked?.recordIds?.(part), legalBasis: asked?.legalBasis?.(police), statements: read };
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
  it('LAW-02: a case with checks only is read in one statement; the part names its checks for the log, with the agreement as legal basis', async () => {
    const caseId = randomUUID();
    const first = await check(caseId, '2026-12-01T08:00:00Z');
    const second = await check(caseId, '2026-12-01T08:30:00Z');
    const { part, recordIds, legalBasis, statements: n } = await read(caseId);
    expect(part).toMatchObject({ checkId: first, status: 'REQUESTED', consultations: [], arrangements: [], interventions: [] });
    expect((part as { checks: { checkId: string }[] }).checks.map((c) => c.checkId)).toEqual([first, second]);
    expect(recordIds).toEqual([first, second]);
    expect(legalBasis).toBe('agreement:mental-health-to-police');
    expect(n).toBe(1);
  });

  it('LAW-02: consultations, arrangements and interventions on the case are read and named in the log; another case’s are not', async () => {
    const caseId = randomUUID();
    const checkId = await check(caseId, '2026-12-01T08:00:00Z');
    const consultation = await consultations.request({ caseId, question: 'Synthetic question for the trust', urgency: 'ROUTINE', requestedBy: 'stac-coordinator' }, ctx('clinician-1'));
    const arrangement = await arrangements.start({ caseId, kind: 'DIVERSION' }, ctx('clinician-1'));
    const intervention = await interventions.propose({ caseId, legalBasis: 'SPO_REQUIREMENT', programme: 'PSYCHOLOGICALLY_INFORMED_1TO1' }, ctx('clinician-1'));
    const other = randomUUID();
    await check(other, '2026-12-01T08:00:00Z');
    await arrangements.start({ caseId: other, kind: 'DIVERSION' }, ctx('clinician-1'));

    const { part, recordIds } = await read(caseId);
    expect(part).toMatchObject({
      consultations: [{ consultationId: consultation.consultationId, status: 'REQUESTED', urgency: 'ROUTINE' }],
      arrangements: [{ arrangementId: arrangement.arrangementId, kind: 'DIVERSION', diversionOutcome: 'PENDING' }],
      interventions: [{ interventionId: intervention.interventionId, status: 'PROPOSED', legalBasis: 'SPO_REQUIREMENT' }],
    });
    expect(recordIds).toEqual([checkId, consultation.consultationId, arrangement.arrangementId, intervention.interventionId]);

    const otherPart = await read(other);
    expect(otherPart.part).toMatchObject({ consultations: [], interventions: [], arrangements: [{ kind: 'DIVERSION' }] });
  });

  it('a case with no check has no part (and nothing to log)', async () => {
    expect((await read(randomUUID())).part).toBeNull();
  });
});
