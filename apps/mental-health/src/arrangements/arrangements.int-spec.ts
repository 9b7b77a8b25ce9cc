import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '@stac/auth';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock, IdempotencyRecords, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { createTestDatabase, problemOf, type TestDatabase } from '@stac/testing';
import { MENTAL_HEALTH } from '../mental-health.module';
import { ArrangementsService } from './arrangements.service';

jest.setTimeout(60_000);

let db: TestDatabase;
let ds: DataSource;
let arrangements: ArrangementsService;
const clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
const audited: string[][] = [];

function ctx(subject: string): RequestContext {
  const principal: Principal = { issuer: 'urn:test', subject, agency: 'mental-health', roles: ['mh-clinician'] };
  return testRequestContext(
    principal,
    { purpose: 'care', clock, audit: async (_m, d) => void audited.push(d.recordIds) },
    new IdempotencyRecords(MENTAL_HEALTH.idempotencyTable),
  );
}


beforeAll(async () => {
  db = await createTestDatabase('mental-health');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: MENTAL_HEALTH.entities, migrations: allMigrations(MENTAL_HEALTH), applicationName: 'int' }));
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: MENTAL_HEALTH.entities, migrations: [], applicationName: 'int' }));
  await ds.initialize();
  arrangements = new ArrangementsService(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('co-working arrangements and diversions on a real Postgres', () => {
  it('D6: every change of a co-working arrangement is kept as history (what, who, when); a named clinician’s change is recorded without the name', async () => {
    const caseId = randomUUID();
    const started = await arrangements.start(
      { caseId, kind: 'CO_WORK', leadAgency: 'police', namedClinician: 'Dr A. Synthetic', reviewDate: '2026-12-15T10:00:00.000Z' },
      ctx('clinician-1'),
    );
    expect(started).toMatchObject({ kind: 'CO_WORK', status: 'ACTIVE', leadAgency: 'police', version: 1 });

    clock.set(new Date('2026-12-03T09:00:00Z'));
    const moved = await arrangements.update({ caseId, arrangementId: started.arrangementId, expectedVersion: started.version, reviewDate: '2027-01-05T10:00:00.000Z' }, ctx('clinician-2'));
    // A stale version changes nothing (412) and adds nothing to the history.
    expect(await problemOf(arrangements.update({ caseId, arrangementId: started.arrangementId, expectedVersion: started.version, leadAgency: 'probation' }, ctx('clinician-2')))).toMatchObject({ status: 412 });

    clock.set(new Date('2026-12-04T09:00:00Z'));
    const handedOver = await arrangements.update(
      { caseId, arrangementId: started.arrangementId, expectedVersion: moved.version, leadAgency: 'mental-health', namedClinician: 'Dr B. Synthetic' },
      ctx('clinician-1'),
    );
    expect(handedOver).toMatchObject({ leadAgency: 'mental-health', namedClinician: 'Dr B. Synthetic', reviewDate: '2027-01-05T10:00:00.000Z' });

    clock.set(new Date('2026-12-05T09:00:00Z'));
    const ended = await arrangements.update({ caseId, arrangementId: started.arrangementId, expectedVersion: handedOver.version, end: true }, ctx('clinician-1'));
    expect(ended.status).toBe('ENDED');
    // Once ended, nothing moves: 409 naming both states.
    const after = await problemOf(arrangements.update({ caseId, arrangementId: started.arrangementId, expectedVersion: ended.version, reviewDate: '2027-02-01T10:00:00.000Z' }, ctx('clinician-1')));
    expect(after).toMatchObject({ status: 409, code: 'illegal-transition' });
    expect(after.title).toMatch(/ENDED.*ACTIVE/);

    const [listed] = await arrangements.views(ds.manager, caseId);
    // Oldest first; the changes made by one request share its time (their order among themselves is not kept).
    const byTime = [...listed.history].sort((a, b) => a.changedAt.localeCompare(b.changedAt) || a.change.localeCompare(b.change));
    expect(listed.history.map((h) => h.changedAt)).toEqual(byTime.map((h) => h.changedAt));
    expect(byTime).toEqual([
      { change: 'started CO_WORK', changedBy: 'urn:test#clinician-1', changedAt: '2026-12-01T09:00:00.000Z' },
      { change: 'reviewDate 2026-12-15T10:00:00.000Z -> 2027-01-05T10:00:00.000Z', changedBy: 'urn:test#clinician-2', changedAt: '2026-12-03T09:00:00.000Z' },
      { change: 'leadAgency police -> mental-health', changedBy: 'urn:test#clinician-1', changedAt: '2026-12-04T09:00:00.000Z' },
      { change: 'namedClinician changed', changedBy: 'urn:test#clinician-1', changedAt: '2026-12-04T09:00:00.000Z' },
      { change: 'ended', changedBy: 'urn:test#clinician-1', changedAt: '2026-12-05T09:00:00.000Z' },
    ]);
    expect(JSON.stringify(listed.history)).not.toContain('Dr A.');
  });

  it('D6: a diversion’s outcome changes are history too; co-working fields on a diversion are 400 and change nothing', async () => {
    clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = randomUUID();
    const diversion = await arrangements.start({ caseId, kind: 'DIVERSION' }, ctx('liaison-1'));
    expect(diversion.diversionOutcome).toBe('PENDING');
    const wrong = await problemOf(arrangements.update({ caseId, arrangementId: diversion.arrangementId, expectedVersion: diversion.version, reviewDate: '2027-01-05T10:00:00.000Z' }, ctx('liaison-1')));
    expect(wrong).toMatchObject({ status: 400, errors: [{ field: 'reviewDate' }] });
    clock.set(new Date('2026-12-02T09:00:00Z'));
    const outcome = await arrangements.update(
      { caseId, arrangementId: diversion.arrangementId, expectedVersion: diversion.version, diversionOutcome: 'DIVERTED_TO_COMMUNITY_TEAM' },
      ctx('liaison-1'),
    );
    expect(outcome.history.map((h) => h.change)).toEqual(['started DIVERSION', 'diversionOutcome PENDING -> DIVERTED_TO_COMMUNITY_TEAM']);
    expect(outcome.version).toBe(diversion.version + 1);
  });
});
