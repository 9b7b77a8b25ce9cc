import { DataSource } from 'typeorm';
import { AccessLog, AccessLogSealing1796082000000, AccessSchema1764201650000, sealAccessLog } from '@stac/auth';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { verifyAll } from './verify';

jest.setTimeout(30_000);

let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('auditverify');
  const options = serviceDataSourceOptions({ url: db.url, entities: [], migrations: [AccessSchema1764201650000, AccessLogSealing1796082000000], applicationName: 'test' });
  await runMigrations(options);
  ds = new DataSource(options);
  await ds.initialize();
  const log = new AccessLog();
  for (let i = 0; i < 5; i++) {
    await log.record(ds, {
      operation: 'consultation',
      action: 'case.read',
      principal: { issuer: 'https://idp.example/police', subject: `u${i}`, agency: 'police', roles: ['stac-lead'] },
      recordType: 'case',
      recordIds: [`00000000-0000-4000-8000-00000000000${i}`],
      fieldGroups: [],
      recipients: ['police'],
      decision: { allow: true, rule: 'case.read' },
      correlationId: `c${i}`,
    });
  }
  await sealAccessLog(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

function sink() {
  const out: string[] = [];
  return { out, stream: { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream };
}

it('LAW-04: pnpm audit:verify reports an intact chain', async () => {
  const { out, stream } = sink();
  expect(await verifyAll({ intake: db.url }, stream)).toBe(true);
  expect(out.join('')).toBe('intake: intact (5 entries)\n');
});

it('LAW-04: pnpm audit:verify names the first broken link and fails', async () => {
  const [third] = await ds.query(`SELECT seq::text AS seq, id FROM access_log ORDER BY access_log.seq OFFSET 2 LIMIT 1`);
  await ds.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`);
  await ds.query(`UPDATE access_log SET purpose = 'tampered' WHERE seq = $1`, [third.seq]);
  await ds.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_no_update`);
  const { out, stream } = sink();
  expect(await verifyAll({ intake: db.url, probation: 'postgres://postgres@127.0.0.1:5432/stac_does_not_exist_x' }, stream)).toBe(false);
  expect(out.join('')).toContain(`intake: BROKEN at seq ${third.seq} (entry ${third.id}): hash-mismatch; 2 entries intact before it`);
  expect(out.join('')).toContain('probation: could not be verified');
});
