import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { DataSource } from 'typeorm';
import {
  ACCESS_LOG_MIGRATIONS,
  ACCESS_LOG_RUNTIME_GRANTS,
  AccessLog,
  AccessLogChainer,
  anchorStreamName,
  anchorSubject,
  ChainKey,
  chainHash,
  latestAnchor,
  legacyChainHash,
  sealAccessLog,
  type AccessLogRow,
} from '@stac/auth';
import { createLogger, ServiceMetrics } from '@stac/observability';
import { grantRuntimeRole, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { createTestServiceDatabase, TEST_NATS_URL, TEST_PG_BASE, uniqueToken, type TestServiceDatabase } from '@stac/testing';
import { verifyAll, type VerifySettings } from './verify';

jest.setTimeout(60_000);

const key = ChainKey.fromBase64(randomBytes(32).toString('base64'));
const namespace = uniqueToken();
let nc: NatsConnection;

interface Log {
  db: TestServiceDatabase;
  /** The service's runtime role. */
  ds: DataSource;
  /** A superuser: database powers, but not the chain key. */
  admin: DataSource;
  chainer: AccessLogChainer;
}
const open: Log[] = [];

/** A service database with `n` sealed entries, written and sealed as the service does. */
async function serviceLog(n: number): Promise<Log> {
  const db = await createTestServiceDatabase('auditverify');
  await runMigrations(serviceDataSourceOptions({ url: db.ownerUrl, entities: [], migrations: ACCESS_LOG_MIGRATIONS, applicationName: 'test' }));
  await grantRuntimeRole(db.ownerUrl, db.runtimeRole, ACCESS_LOG_RUNTIME_GRANTS);
  const ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: [], migrations: [], applicationName: 'test' }));
  await ds.initialize();
  const su = new URL(TEST_PG_BASE);
  su.pathname = `/${db.name}`;
  const admin = new DataSource(serviceDataSourceOptions({ url: su.toString(), entities: [], migrations: [], applicationName: 'test-admin' }));
  await admin.initialize();
  const log = new AccessLog();
  for (let i = 0; i < n; i++) {
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
  await sealAccessLog(ds, key);
  const quiet = createLogger('intake', 'silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const chainer = new AccessLogChainer(ds, { service: 'intake', key, anchorIntervalMs: 60_000, namespace }, quiet, new ServiceMetrics('intake'), nc);
  const l = { db, ds, admin, chainer };
  open.push(l);
  return l;
}

const settings = (over: Partial<VerifySettings> = {}): VerifySettings => ({
  keys: { intake: key, probation: key },
  maxUnsealedAgeMs: 60_000,
  anchor: (service, k) => latestAnchor(nc, k, service, namespace),
  ...over,
});

async function run(l: Log, over: Partial<VerifySettings> = {}): Promise<{ ok: boolean; out: string }> {
  const out: string[] = [];
  const ok = await verifyAll({ intake: l.db.url }, settings(over), { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream);
  return { ok, out: out.join('') };
}

const COLUMNS = `seq::text AS seq, chain_seq::text AS chain_seq, id, occurred_at, operation, action, actor_issuer, actor_subject,
  actor_agency, actor_roles, record_type, record_ids, field_groups, purpose, justification, legal_basis, recipients, decision,
  rule, reason, correlation_id, prev_hash, hash,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`;
type Row = AccessLogRow & { seq: string; chain_seq: string; prev_hash: string; hash: string };
const rows = async (l: Log): Promise<Row[]> => l.admin.query(`SELECT ${COLUMNS} FROM access_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq`);

/** What someone with database powers can do: switch the guards off, change rows, switch them on again. */
async function tamper(l: Log, fn: () => Promise<unknown>): Promise<void> {
  await l.admin.query('ALTER TABLE access_log DISABLE TRIGGER USER');
  try {
    await fn();
  } finally {
    await l.admin.query('ALTER TABLE access_log ENABLE TRIGGER USER');
  }
}

async function insertRaw(l: Log, chain: { chain_seq: string; prev_hash: string; hash: string } | null, occurredAt = 'now()') {
  await l.admin.query(
    `INSERT INTO access_log (id, occurred_at, operation, action, actor_issuer, actor_subject, actor_agency, actor_roles, record_type,
       record_ids, field_groups, recipients, decision, rule, correlation_id, chain_seq, prev_hash, hash, sealed_at)
     VALUES (gen_random_uuid(), ${occurredAt}, 'consultation', 'case.read', 'https://idp.example/police', 'forger', 'police', '{}',
       'case', '{}', '{}', '{police}', 'allow', 'case.read', 'forged', $1, $2, $3, CASE WHEN $1::bigint IS NULL THEN NULL ELSE now() END)`,
    [chain?.chain_seq ?? null, chain?.prev_hash ?? null, chain?.hash ?? null],
  );
}

beforeAll(async () => {
  nc = await connect({ servers: TEST_NATS_URL });
});

afterEach(async () => {
  for (const l of open.splice(0)) {
    await l.ds.destroy();
    await l.admin.destroy();
    await l.db.drop();
  }
});

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(anchorStreamName(namespace)).catch(() => false);
  await nc.close();
});

it('LAW-04: pnpm audit:verify reports an intact chain that reaches its anchor', async () => {
  const l = await serviceLog(5);
  expect(await l.chainer.anchorNow()).toBe(true);
  expect(await run(l)).toEqual({ ok: true, out: 'intake: intact (5 entries; anchored at 5)\n' });
});

it('LAW-04: pnpm audit:verify names the first broken link and fails', async () => {
  const l = await serviceLog(5);
  const [, , third] = await rows(l);
  await tamper(l, () => l.admin.query(`UPDATE access_log SET purpose = 'tampered' WHERE seq = $1`, [third.seq]));
  const out: string[] = [];
  const ok = await verifyAll(
    { intake: l.db.url, probation: 'postgres://postgres@127.0.0.1:5432/stac_does_not_exist_x' },
    settings({ anchor: undefined }),
    { write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream,
  );
  expect(ok).toBe(false);
  expect(out.join('')).toContain(`intake: BROKEN at seq ${third.seq} (entry ${third.id}): hash-mismatch; 2 entries intact before it`);
  expect(out.join('')).toContain('probation: could not be verified');
});

it('LAW-07: a row edited and re-chained with plain SHA-256 is detected (the chain is keyed)', async () => {
  const l = await serviceLog(5);
  const chain = await rows(l);
  await tamper(l, async () => {
    // Edit the third entry and recompute every link from there on, as the unkeyed chain allowed.
    let prev = chain[1].hash;
    for (const r of chain.slice(2)) {
      const edited = r.seq === chain[2].seq ? { ...r, actor_subject: 'someone-else' } : r;
      const hash = legacyChainHash(prev, edited);
      await l.admin.query(`UPDATE access_log SET actor_subject = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [
        r.seq,
        edited.actor_subject,
        prev,
        hash,
      ]);
      prev = hash;
    }
  });
  const { ok, out } = await run(l, { anchor: undefined });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${chain[2].seq} (entry ${chain[2].id}): hash-mismatch; 2 entries intact before it\n`);
});

it('LAW-07: the newest rows deleted leave the chain behind its anchor', async () => {
  const l = await serviceLog(5);
  expect(await l.chainer.anchorNow()).toBe(true);
  await tamper(l, () => l.admin.query(`DELETE FROM access_log WHERE chain_seq > 3`));
  const { ok, out } = await run(l);
  expect(ok).toBe(false);
  expect(out).toBe('intake: BROKEN: the chain ends at position 3, behind its anchor at 5 (newest entries deleted)\n');
});

it('LAW-07: an anchor replayed or forged without the key is refused', async () => {
  const l = await serviceLog(3);
  expect(await l.chainer.anchorNow()).toBe(true);
  // A copy of an older (position, hash) pair from the database, published as the newest anchor.
  const [first] = await rows(l);
  await jetstream(nc).publish(
    anchorSubject('intake', namespace),
    JSON.stringify({ service: 'intake', chainSeq: first.chain_seq, hash: first.hash, anchoredAt: new Date().toISOString(), mac: 'ab'.repeat(32) }),
  );
  const { ok, out } = await run(l);
  expect(ok).toBe(false);
  expect(out).toBe('intake: could not be verified (anchor unreadable: anchor MAC invalid)\n');
});

it('LAW-07: a row inserted with its chain columns set is detected', async () => {
  const l = await serviceLog(3);
  const head = (await rows(l))[2];
  // The trigger refuses this to every role; a superuser with the triggers off can still do it.
  await tamper(l, () => insertRaw(l, { chain_seq: '4', prev_hash: head.hash, hash: legacyChainHash(head.hash, head) }));
  const [, , , forged] = await rows(l);
  const { ok, out } = await run(l, { anchor: undefined });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${forged.seq} (entry ${forged.id}): hash-mismatch; 3 entries intact before it\n`);
});

it('LAW-07: a gap in the positions is detected, even with correctly keyed links', async () => {
  const l = await serviceLog(3);
  const head = (await rows(l))[2];
  await tamper(l, async () => {
    await insertRaw(l, null);
    const [row] = await l.admin.query(`SELECT ${COLUMNS} FROM access_log WHERE correlation_id = 'forged'`);
    await l.admin.query(`UPDATE access_log SET chain_seq = 5, prev_hash = $2, hash = $3, sealed_at = now() WHERE seq = $1`, [
      row.seq,
      head.hash,
      chainHash(key, head.hash, '5', row),
    ]);
  });
  const forged = (await rows(l))[3];
  const { ok, out } = await run(l, { anchor: undefined });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${forged.seq} (entry ${forged.id}): gap; 3 entries intact before it\n`);
});

it('LAW-07: a row sealed at a non-positive position is not skipped but reported', async () => {
  const l = await serviceLog(3);
  await tamper(l, () => insertRaw(l, { chain_seq: '-1', prev_hash: 'x', hash: 'y' }));
  const [forged] = await l.admin.query(`SELECT seq::text AS seq, id FROM access_log WHERE chain_seq = -1`);
  const { ok, out } = await run(l, { anchor: undefined });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${forged.seq} (entry ${forged.id}): non-positive-position; 0 entries intact before it\n`);
});

it('LAW-07: rows sealed out of order (sealing times going backwards) are detected', async () => {
  const l = await serviceLog(4);
  const chain = await rows(l);
  await tamper(l, () =>
    l.admin.query(`UPDATE access_log SET sealed_at = sealed_at - interval '1 hour' WHERE seq = $1`, [chain[2].seq]),
  );
  const { ok, out } = await run(l, { anchor: undefined });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${chain[2].seq} (entry ${chain[2].id}): out-of-order; 2 entries intact before it\n`);
});

it('LAW-07: an unsealed row older than the limit fails the check; a fresh one does not', async () => {
  const l = await serviceLog(2);
  await insertRaw(l, null, `now() - interval '10 minutes'`);
  const [stale] = await l.admin.query(`SELECT seq::text AS seq, id FROM access_log WHERE hash IS NULL`);
  expect(await run(l, { anchor: undefined, maxUnsealedAgeMs: 60 * 60_000 })).toEqual({
    ok: true,
    out: 'intake: intact (2 entries; 1 newest not yet sealed)\n',
  });
  const { ok, out } = await run(l, { anchor: undefined, maxUnsealedAgeMs: 5 * 60_000 });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${stale.seq} (entry ${stale.id}): stale-unsealed; 2 entries intact before it\n`);
});

it('LAW-07: a chain checked with another key fails at its first keyed entry', async () => {
  const l = await serviceLog(2);
  const [first] = await rows(l);
  const { ok, out } = await run(l, { anchor: undefined, keys: { intake: ChainKey.fromBase64(randomBytes(32).toString('base64')) } });
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${first.seq} (entry ${first.id}): hash-mismatch; 0 entries intact before it\n`);
});

it('LAW-07: with its anchors gone (the anchor stream deleted) and its newest rows deleted, a chain is not reported intact', async () => {
  const l = await serviceLog(5);
  // Sealed ten minutes ago, never anchored (or its anchors removed with the stream), then its newest rows deleted.
  await tamper(l, async () => {
    await l.admin.query(`UPDATE access_log SET sealed_at = sealed_at - interval '10 minutes'`);
    await l.admin.query(`DELETE FROM access_log WHERE chain_seq > 3`);
  });
  const [first] = await rows(l);
  // The anchor stream deleted: the verifier finds no anchor at all.
  const noAnchor = { anchor: async () => null, maxUnsealedAgeMs: 5 * 60_000 };
  const { ok, out } = await run(l, noAnchor);
  expect(ok).toBe(false);
  expect(out).toBe(`intake: BROKEN at seq ${first.seq} (entry ${first.id}): unanchored; 3 entries intact before it\n`);
  // A chain sealed a moment ago and not yet anchored is still intact (the anchor comes at its interval).
  const fresh = await serviceLog(2);
  expect(await run(fresh, noAnchor)).toEqual({ ok: true, out: 'intake: intact (2 entries; no anchor yet)\n' });
});

it('LAW-07: the anchor stream denies deleting or purging an anchor', async () => {
  const l = await serviceLog(2);
  expect(await l.chainer.anchorNow()).toBe(true);
  const jsm = await jetstreamManager(nc);
  const name = anchorStreamName(namespace);
  const info = await jsm.streams.info(name);
  expect(info.config).toMatchObject({ deny_delete: true, deny_purge: true });
  await expect(jsm.streams.deleteMessage(name, info.state.last_seq)).rejects.toThrow();
  await expect(jsm.streams.purge(name)).rejects.toThrow();
  expect((await jsm.streams.info(name)).state.last_seq).toBe(info.state.last_seq);
});
