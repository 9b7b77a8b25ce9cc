import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { createLogger, ServiceMetrics } from '@stac/observability';
import { grantRuntimeRole, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { createTestServiceDatabase, eventually, TEST_PG_BASE, type TestServiceDatabase } from '@stac/testing';
import type { Principal } from '../policy/vocabulary';
import { AccessLog, ANY_UNSEALED, ChainKey, GENESIS_HASH, LOCK_FOR_SEALING, sealAccessLog, UNSEALED_ROWS, verifyAccessLog, type AccessEntry } from './access-log';
import { AccessLogChainer } from './access-log-chainer';
import { ACCESS_LOG_MIGRATIONS } from './access-log-migrations';
import { ACCESS_LOG_RUNTIME_GRANTS } from './access-log-keyed-chain.migration';

jest.setTimeout(30_000);

let db: TestServiceDatabase;
/** The service's runtime role. */
let ds: DataSource;
/** A superuser on the same database: what an attacker with database powers (but not the key) can do. */
let admin: DataSource;
const key = ChainKey.fromBase64(randomBytes(32).toString('base64'));
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

const verify = () => verifyAccessLog(async (sql, params) => ds.query(sql, params), { key, maxUnsealedAgeMs: 60_000 });

beforeAll(async () => {
  db = await createTestServiceDatabase('accesslog');
  await runMigrations(serviceDataSourceOptions({ url: db.ownerUrl, entities: [], migrations: ACCESS_LOG_MIGRATIONS, applicationName: 'test' }));
  await grantRuntimeRole(db.ownerUrl, db.runtimeRole, ACCESS_LOG_RUNTIME_GRANTS);
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: [], migrations: [], applicationName: 'test' }));
  await ds.initialize();
  const su = new URL(TEST_PG_BASE);
  su.pathname = `/${db.name}`;
  admin = new DataSource(serviceDataSourceOptions({ url: su.toString(), entities: [], migrations: [], applicationName: 'test-admin' }));
  await admin.initialize();
});

afterAll(async () => {
  await ds?.destroy();
  await admin?.destroy();
  await db?.drop();
});

describe('s62 access log', () => {
  it('LAW-01/LAW-04: concurrent appends, sealed after commit, form one unbroken hash chain, never holding data values', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await Promise.all(ids.map((id) => log.record(ds, entry(id))));
    expect((await verify()).unsealed).toBe(40);
    // Concurrent sealers: one seals, the other finds the lock taken and does nothing.
    await Promise.all([sealAccessLog(ds, key, 25), sealAccessLog(ds, key, 25)]);
    while ((await sealAccessLog(ds, key)) > 0);
    const result = await verify();
    expect(result).toMatchObject({ checked: 40, unsealed: 0, firstBreak: null, head: { chainSeq: '40' } });
    const [row] = await ds.query(`SELECT * FROM access_log ORDER BY seq LIMIT 1`);
    expect(Object.keys(row).sort()).toEqual(
      [
        'seq', 'id', 'occurred_at', 'operation', 'action', 'actor_issuer', 'actor_subject', 'actor_agency', 'actor_roles',
        'record_type', 'record_ids', 'field_groups', 'purpose', 'justification', 'legal_basis', 'recipients', 'decision',
        'rule', 'reason', 'correlation_id', 'chain_seq', 'prev_hash', 'hash', 'sealed_at',
      ].sort(),
    );
  });

  it('LAW-01, LAW-02: a read logged in its own statement writes its row when, and only when, it returns a row; a failing read writes none', async () => {
    const found = '00000000-0000-4000-8000-00000000aa01';
    const missing = '00000000-0000-4000-8000-00000000aa02';
    const failing = '00000000-0000-4000-8000-00000000aa03';
    const rowsOf = async (id: string) =>
      ds.query(`SELECT operation, action, record_ids, actor_subject, decision, rule FROM access_log WHERE $1 = ANY(record_ids)`, [id]);
    const read = `SELECT x.id, x.n FROM (VALUES ($1::uuid, 1), ($1::uuid, 2)) AS x(id, n) WHERE $2::boolean ORDER BY x.n`;

    expect(await log.readLogged(ds, read, [found, true], entry(found))).toEqual([{ id: found, n: 1 }, { id: found, n: 2 }]);
    expect(await rowsOf(found)).toEqual([
      { operation: 'consultation', action: 'case.read', record_ids: [found], actor_subject: 'dpo-1', decision: 'allow', rule: 'case.read:OWNING_TEAM' },
    ]);
    expect(await log.readLogged(ds, read, [missing, false], entry(missing))).toEqual([]);
    expect(await rowsOf(missing)).toEqual([]);
    await expect(log.readLogged(ds, `SELECT 1 / 0 AS boom WHERE $1::uuid IS NOT NULL`, [failing], entry(failing))).rejects.toThrow(/division by zero/);
    expect(await rowsOf(failing)).toEqual([]);
  });

  it('LAW-02: a logged read may name the rows it returns (ids in SQL) and write its row only under a condition, and says what it wrote', async () => {
    const caseId = '00000000-0000-4000-8000-00000000ab01';
    const other = '00000000-0000-4000-8000-00000000ab02';
    const [a, b] = ['00000000-0000-4000-8000-00000000ab11', '00000000-0000-4000-8000-00000000ab12'];
    const read = `SELECT x.id, x.n, x.more FROM (VALUES ($1::uuid, 1, false), ($2::uuid, 2, $3::boolean)) AS x(id, n, more) ORDER BY x.n`;
    const named = { recordIds: 'ARRAY(SELECT id::text FROM part ORDER BY n)', onlyIf: 'NOT EXISTS (SELECT 1 FROM part WHERE more)' };
    const rowsOf = async (id: string) => ds.query(`SELECT record_ids FROM access_log WHERE record_ids[1] = $1`, [id]);

    const logged = await log.readLogged(ds, read, [a, b, false], entry(caseId), named);
    expect(logged).toEqual([
      { id: a, n: 1, more: false, access_logged_ids: [caseId, a, b] },
      { id: b, n: 2, more: false, access_logged_ids: [caseId, a, b] },
    ]);
    expect(await rowsOf(caseId)).toEqual([{ record_ids: [caseId, a, b] }]);

    // The condition fails: the rows are read, no row is written, and the answer says so.
    const unlogged = await log.readLogged<{ access_logged_ids: string[] | null }>(ds, read, [a, b, true], entry(other), named);
    expect(unlogged.map((r) => r.access_logged_ids)).toEqual([null, null]);
    expect(await rowsOf(other)).toEqual([]);
  });

  it('LAW-04: the log is append-only, even for the service role (UPDATE, DELETE, TRUNCATE refused)', async () => {
    await expect(ds.query(`UPDATE access_log SET action = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(ds.query(`DELETE FROM access_log`)).rejects.toThrow(/permission denied/);
    await expect(ds.query(`TRUNCATE access_log`)).rejects.toThrow(/permission denied/);
    // And for a role that has the privilege: the trigger allows sealing only, once, only the chain columns.
    await expect(admin.query(`UPDATE access_log SET hash = 'x', prev_hash = 'y', chain_seq = 999 WHERE chain_seq = 1`)).rejects.toThrow(/append-only/);
    await expect(admin.query(`DELETE FROM access_log`)).rejects.toThrow(/append-only/);
    await log.record(ds, entry('00000000-0000-4000-8000-000000000777'));
    await expect(
      admin.query(
        `UPDATE access_log SET hash = 'x', prev_hash = 'y', chain_seq = 999, sealed_at = now(), actor_subject = 'someone' WHERE hash IS NULL`,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      admin.query(`UPDATE access_log SET hash = 'x', prev_hash = 'y', chain_seq = -1, sealed_at = now() WHERE hash IS NULL`),
    ).rejects.toThrow(/append-only/);
    await sealAccessLog(ds, key);
    expect((await verify()).firstBreak).toBeNull();
  });

  it('LAW-07: the runtime role cannot switch off, drop or replace what guards the log', async () => {
    for (const sql of [
      `ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`,
      `ALTER TABLE access_log DISABLE TRIGGER ALL`,
      `DROP TRIGGER access_log_no_update ON access_log`,
      `DROP TRIGGER access_log_insert_unsealed ON access_log`,
      `DROP TABLE access_log`,
      `ALTER TABLE access_log DROP COLUMN hash`,
      `CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      `DROP FUNCTION access_log_seal(bigint[], bigint[], text[], text[])`,
      `ALTER FUNCTION access_log_seal(bigint[], bigint[], text[], text[]) SECURITY INVOKER`,
      `INSERT INTO access_log_chain_epoch (legacy_through) VALUES (1000000)`,
      `UPDATE access_log_chain_epoch SET legacy_through = 1000000`,
      `SET session_replication_role = replica`,
      `CREATE TABLE access_log_shadow (id int)`,
    ]) {
      await expect({ sql, outcome: await ds.query(sql).then(() => 'ran', (e: Error) => e.message) }).toEqual({
        sql,
        outcome: expect.stringMatching(/must be owner|permission denied/),
      });
    }
    const [{ owner }] = await ds.query(`SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'access_log'`);
    expect(owner).not.toBe(db.runtimeRole);
  });

  it('LAW-07: an INSERT cannot set the chain columns, even as a role allowed to insert', async () => {
    for (const set of [`chain_seq`, `prev_hash`, `hash`, `sealed_at`]) {
      const value = set === 'chain_seq' ? '1' : set === 'sealed_at' ? 'now()' : `'${GENESIS_HASH}'`;
      await expect(
        ds.query(
          `INSERT INTO access_log (id, occurred_at, operation, action, actor_issuer, actor_subject, actor_agency, actor_roles,
             record_type, record_ids, field_groups, recipients, decision, rule, correlation_id, ${set})
           VALUES (gen_random_uuid(), now(), 'consultation', 'case.read', 'i', 's', 'police', '{}', 'case', '{}', '{}', '{}',
             'allow', 'r', 'c', ${value})`,
        ),
      ).rejects.toThrow(/chain columns are set by sealing/);
    }
  });

  it('LAW-07: sealing only extends the chain: positive, contiguous, linked to the head, in written order', async () => {
    await log.record(ds, entry('00000000-0000-4000-8000-000000000778'));
    await log.record(ds, entry('00000000-0000-4000-8000-000000000779'));
    const [head] = await ds.query(`SELECT chain_seq::text AS pos, hash FROM access_log WHERE hash IS NOT NULL ORDER BY chain_seq DESC LIMIT 1`);
    const waiting: { seq: string }[] = await ds.query(`SELECT seq::text AS seq FROM access_log WHERE hash IS NULL ORDER BY seq`);
    expect(waiting).toHaveLength(2);
    const h = 'a'.repeat(64);
    const seal = (seqs: string[], pos: string[], prev: string[]) =>
      ds.query('SELECT access_log_seal($1::bigint[], $2::bigint[], $3::text[], $4::text[])', [seqs, pos, prev, seqs.map(() => h)]);
    const next = String(Number(head.pos) + 1);
    await expect(seal([waiting[0].seq], ['-1'], [head.hash])).rejects.toThrow(/does not extend the chain/);
    await expect(seal([waiting[0].seq], [String(Number(head.pos) + 2)], [head.hash])).rejects.toThrow(/does not extend the chain/);
    await expect(seal([waiting[0].seq], [next], [GENESIS_HASH])).rejects.toThrow(/does not extend the chain/);
    await expect(seal([waiting[1].seq, waiting[0].seq], [next, String(Number(next) + 1)], [head.hash, h])).rejects.toThrow(/order they were written/);
    await expect(seal(['1'], [next], [head.hash])).rejects.toThrow(/not waiting to be sealed/);
    expect(await sealAccessLog(ds, key)).toBe(2);
    expect((await verify()).firstBreak).toBeNull();
  });

  it('LAW-07: the runtime role still does everything else on its other tables', async () => {
    const id = '00000000-0000-4000-8000-00000000aaaa';
    await ds.query(
      `INSERT INTO case_relationship (id, case_id, kind, agency, valid_from, created_by) VALUES ($1, $1, 'ASSIGNMENT', 'police', now(), 'x')`,
      [id],
    );
    await ds.query(`UPDATE case_relationship SET valid_to = now(), ended_by = 'y' WHERE id = $1`, [id]);
    await ds.query(`DELETE FROM case_relationship WHERE id = $1`, [id]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM access_log_chain_epoch`)).toEqual([{ n: 1 }]);
  });

  it('LAW-07: a failing sealer is counted, logged without row content and raises one alert line', async () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const metrics = new ServiceMetrics('test');
    // A key the seal function accepts but a role that may not call it: every pass fails.
    const noGrant = new DataSource(serviceDataSourceOptions({ url: db.url, entities: [], migrations: [], applicationName: 'test' }));
    await noGrant.initialize();
    await admin.query(`REVOKE EXECUTE ON FUNCTION access_log_seal(bigint[], bigint[], text[], text[]) FROM ${db.runtimeRole}`);
    try {
      await log.record(ds, entry('00000000-0000-4000-8000-000000000780', { justification: 'canary-justification-4471' }));
      const chainer = new AccessLogChainer(noGrant, { service: 'test', key, anchorIntervalMs: 60_000, namespace: '' }, logger, metrics);
      expect(await chainer.sealNow()).toBe(false);
      expect(await chainer.sealNow()).toBe(false);
      const text = (await metrics.registry.metrics()).split('\n');
      expect(text).toContain('stac_access_log_failures_total{stage="seal",service="test"} 2');
      expect(text).toContain('stac_security_alerts_total{kind="access-log-seal-failed",service="test"} 1');
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.filter((l) => l.alert === 'access-log-seal-failed')).toHaveLength(1);
      expect(logged.filter((l) => l.msg === 'access log seal failed')).toEqual([
        expect.objectContaining({ level: 'error', stage: 'seal', reason: '42501', failures: 1 }),
        expect.objectContaining({ level: 'error', stage: 'seal', reason: '42501', failures: 2 }),
      ]);
      expect(lines.join('')).not.toMatch(/canary|00000000-0000-4000-8000-000000000780/);
    } finally {
      await admin.query(`GRANT EXECUTE ON FUNCTION access_log_seal(bigint[], bigint[], text[], text[]) TO ${db.runtimeRole}`);
      await noGrant.destroy();
    }
    await sealAccessLog(ds, key);
    expect((await verify()).firstBreak).toBeNull();
  });

  it('LAW-02: append refuses to run outside the transaction of the change it records', async () => {
    await expect(log.append(ds.manager, entry('00000000-0000-4000-8000-000000000999'))).rejects.toThrow(/inside a transaction/);
  });

  it('LAW-07: a sealing pass reads only the unsealed rows, not every row sealed since the last vacuum', async () => {
    // 20,000 rows written and sealed, and no vacuum (autovacuum may be off or behind): each sealed row left
    // an entry of its unsealed version in the partial index. The sealer's reads must skip those entries
    // instead of revisiting every sealed row's page on each pass (every 250 ms in every service).
    await ds.query(
      `INSERT INTO access_log (id, occurred_at, operation, action, actor_issuer, actor_subject, actor_agency, actor_roles, record_type,
                               record_ids, field_groups, purpose, recipients, decision, rule, correlation_id)
       SELECT gen_random_uuid(), now(), 'consultation', 'case.read', $1, $2, 'police', '{dpo}', 'case', ARRAY[gen_random_uuid()::text], '{}',
              'safeguarding', '{police}', 'allow', 'case.read:OWNING_TEAM', 'corr-bulk'
         FROM generate_series(1, 20000)`,
      [dpo.issuer, dpo.subject],
    );
    while ((await sealAccessLog(ds, key)) > 0);
    const pages = (plan: [{ 'QUERY PLAN': [{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }] }]) =>
      plan[0]['QUERY PLAN'][0].Plan['Shared Hit Blocks'] + plan[0]['QUERY PLAN'][0].Plan['Shared Read Blocks'];
    const heapPages = Number((await ds.query(`SELECT pg_relation_size('access_log') / current_setting('block_size')::int AS n`))[0].n);
    expect(heapPages).toBeGreaterThan(1000);
    // A pass as the sealer makes it: the look for pending rows, then the read inside its transaction. Once
    // the sealed versions are dead to every transaction, both read the index's own pages, not the table's.
    const pass = async () => {
      const look = await ds.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${ANY_UNSEALED}`);
      const read = await ds.transaction(async (m) => {
        await m.query(LOCK_FOR_SEALING, [1]);
        return m.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${UNSEALED_ROWS}`, [1000]);
      });
      return { look: pages(look), read: pages(read), readPlan: JSON.stringify(read) };
    };
    await eventually(async () => {
      const p = await pass();
      return p.look < heapPages / 20 && p.read < heapPages / 20;
    }, { what: 'a sealing pass to read under 5% of the table', timeoutMs: 10_000 });
    // The read is a plain index scan in the index's order, whatever the planner estimates (without it the
    // planner prefers a bitmap scan and a sort here, which never skips a dead entry).
    const { readPlan } = await pass();
    expect(readPlan).toMatch(/"Node Type":"Index (Only )?Scan","Parent Relationship":"Outer"[^}]*"Index Name":"access_log_unsealed"/);
    expect(readPlan).not.toMatch(/Bitmap|"Sort"/);
  });

  it('LAW-04: the verifier reports the first broken link after tampering', async () => {
    const [victim] = await ds.query(`SELECT seq::text AS seq, id FROM access_log ORDER BY access_log.chain_seq OFFSET 9 LIMIT 1`);
    // Tampering needs a superuser to switch the guard off first: exactly what the chain exists to expose.
    await admin.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`);
    await admin.query(`UPDATE access_log SET actor_subject = 'someone-else' WHERE seq = $1`, [victim.seq]);
    await admin.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_no_update`);
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
