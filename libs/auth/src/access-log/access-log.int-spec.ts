import { DataSource } from 'typeorm';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import type { Principal } from '../policy/vocabulary';
import { AccessLog, sealAccessLog, verifyAccessLog, type AccessEntry } from './access-log';
import { AccessLogSealing1796082000000 } from './access-log-sealing.migration';
import { AccessSchema1764201650000 } from './access-schema.migration';

jest.setTimeout(30_000);

let db: TestDatabase;
let ds: DataSource;
const log = new AccessLog();
const dpo: Principal = { issuer: 'https://idp.example/police', subject: 'dpo-1', agency: 'police', roles: ['dpo'] };

const entry = (recordId: string, over: Partial<AccessEntry> = {}): AccessEntry => ({
  operation: 'consultation',
  action: 'case.read',
  principal: dpo,
  recordType: 'case',
  recordIds: [recordId],
  fieldGroups: [],
  purpose: 'safeguarding',
  recipients: ['police'],
  decision: { allow: true, rule: 'case.read', via: 'OWNING_TEAM' },
  correlationId: 'corr-access-log-test',
  ...over,
});

const verify = () => verifyAccessLog(async (sql, params) => ds.query(sql, params));

beforeAll(async () => {
  db = await createTestDatabase('accesslog');
  const options = serviceDataSourceOptions({ url: db.url, entities: [], migrations: [AccessSchema1764201650000, AccessLogSealing1796082000000], applicationName: 'test' });
  await runMigrations(options);
  ds = new DataSource(options);
  await ds.initialize();
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('s62 access log', () => {
  it('LAW-01/LAW-04: concurrent appends, sealed after commit, form one unbroken hash chain, never holding data values', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await Promise.all(ids.map((id) => log.record(ds, entry(id))));
    expect((await verify()).unsealed).toBe(40);
    // Concurrent sealers: one seals, the other finds the lock taken and does nothing.
    await Promise.all([sealAccessLog(ds, 25), sealAccessLog(ds, 25)]);
    while ((await sealAccessLog(ds)) > 0);
    const result = await verify();
    expect(result).toEqual({ checked: 40, unsealed: 0, firstBreak: null });
    const [row] = await ds.query(`SELECT * FROM access_log ORDER BY seq LIMIT 1`);
    expect(Object.keys(row).sort()).toEqual(
      [
        'seq', 'id', 'occurred_at', 'operation', 'action', 'actor_issuer', 'actor_subject', 'actor_agency', 'actor_roles',
        'record_type', 'record_ids', 'field_groups', 'purpose', 'justification', 'legal_basis', 'recipients', 'decision',
        'rule', 'reason', 'correlation_id', 'chain_seq', 'prev_hash', 'hash',
      ].sort(),
    );
  });

  it('LAW-04: the log is append-only, even for the service role (UPDATE, DELETE, TRUNCATE refused)', async () => {
    await expect(ds.query(`UPDATE access_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE access_log`)).rejects.toThrow(/append-only/);
    // Sealing is the one change allowed, once, and only to the chain columns.
    await expect(ds.query(`UPDATE access_log SET hash = 'x', prev_hash = 'y', chain_seq = 999 WHERE chain_seq = 1`)).rejects.toThrow(/append-only/);
    await log.record(ds, entry('00000000-0000-4000-8000-000000000777'));
    await expect(
      ds.query(`UPDATE access_log SET hash = 'x', prev_hash = 'y', chain_seq = 999, actor_subject = 'someone' WHERE hash IS NULL`),
    ).rejects.toThrow(/append-only/);
    await sealAccessLog(ds);
    expect((await verify()).firstBreak).toBeNull();
  });

  it('LAW-02: append refuses to run outside the transaction of the change it records', async () => {
    await expect(log.append(ds.manager, entry('00000000-0000-4000-8000-000000000999'))).rejects.toThrow(/inside a transaction/);
  });

  it('LAW-04: the verifier reports the first broken link after tampering', async () => {
    const [victim] = await ds.query(`SELECT seq::text AS seq, id FROM access_log ORDER BY access_log.seq OFFSET 9 LIMIT 1`);
    // Tampering needs a superuser to switch the guard off first: exactly what the chain exists to expose.
    await ds.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`);
    await ds.query(`UPDATE access_log SET actor_subject = 'someone-else' WHERE seq = $1`, [victim.seq]);
    await ds.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_no_update`);
    const result = await verify();
    expect(result.firstBreak).toEqual({ seq: victim.seq, id: victim.id, problem: 'hash-mismatch' });
    expect(result.checked).toBe(9);
    expect(result.unsealed).toBe(0);

  });

  it('LAW-06: "who looked at this record?" uses the record index', async () => {
    const plan = await ds.query(
      `EXPLAIN SELECT * FROM access_log WHERE record_ids @> ARRAY['00000000-0000-4000-8000-000000000001'] AND occurred_at >= now() - interval '1 year'`,
    );
    await ds.query('SET enable_seqscan = off');
    const forced = await ds.query(
      `EXPLAIN SELECT * FROM access_log WHERE record_ids @> ARRAY['00000000-0000-4000-8000-000000000001']`,
    );
    await ds.query('SET enable_seqscan = on');
    expect(plan.length).toBeGreaterThan(0);
    expect(JSON.stringify(forced)).toMatch(/access_log_records/);
  });
});
