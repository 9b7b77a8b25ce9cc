import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { randomBytes } from 'node:crypto';
import { AccessLog, ChainKey, GENESIS_HASH, legacyChainHash, sealAccessLog, verifyAccessLog, type AccessLogRow } from '@stac/auth';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import type { Role } from '@stac/domain';
import { ADVOCACY } from '../../apps/advocacy/src/advocacy.module';
import * as rewritten from './rewritten-in-place';

jest.setTimeout(90_000);

/**
 * Two landed migrations were once rewritten in place (AccessSchema1764201650000, OfferPriority1764500000000);
 * they are back as they landed and the rewrite's changes are new migrations. Databases of three
 * histories exist; each must end in the same schema with its data intact. Advocacy runs both.
 */
/** LAW-07's keyed chain came after the restored migrations: every history takes it too. */
const KEYED = 'AccessLogKeyedChain1796100000000';
const NEW = ['AccessLogSealing1796082000000', 'CaseRiskLevel1796082100000', KEYED];
const key = ChainKey.fromBase64(randomBytes(32).toString('base64'));
const ALL = allMigrations(ADVOCACY);
const nameOf = (m: (typeof ALL)[number]) => (typeof m === 'function' ? m.name : String(m));
/** What a database had before the new migrations existed, with the landed versions... */
const FIRST_VERSIONS = ALL.filter((m) => !NEW.includes(nameOf(m)));
/** ...or with the in-place rewrites recorded under the same names. */
const REWRITES: Record<string, (typeof ALL)[number]> = {
  AccessSchema1764201650000: rewritten.AccessSchema1764201650000,
  OfferPriority1764500000000: rewritten.OfferPriority1764500000000,
};
const REWRITTEN_VERSIONS = FIRST_VERSIONS.map((m) => REWRITES[nameOf(m)] ?? m);

const migrate = (url: string, migrations: typeof ALL) =>
  runMigrations(serviceDataSourceOptions({ url, entities: [], migrations, applicationName: 'int-migration-paths' }));

/**
 * Everything about the schema that the code relies on. Column order is left out: a column added later
 * sits last, and nothing here selects by position.
 */
async function schemaOf(ds: DataSource): Promise<Record<string, unknown[]>> {
  const squash = `regexp_replace(btrim(%s), '\\s+', ' ', 'g')`;
  return {
    columns: await ds.query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`,
    ),
    constraints: await ds.query(
      `SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
    ),
    indexes: await ds.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
    triggers: await ds.query(
      `SELECT tgrelid::regclass::text AS tbl, tgname, pg_get_triggerdef(oid) AS def, tgenabled
         FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`,
    ),
    functions: await ds.query(
      `SELECT proname, ${squash.replace('%s', 'prosrc')} AS src FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1`,
    ),
    privileges: await ds.query(
      `SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`,
    ),
  };
}

const principal = { issuer: 'https://idp.example/advocacy', subject: 'isac-1', agency: 'advocacy' as const, roles: ['advocate'] satisfies Role[] };
const entry = (recordId: string) => ({
  operation: 'consultation' as const,
  action: 'case.read',
  principal,
  recordType: 'case',
  recordIds: [recordId],
  fieldGroups: [],
  purpose: 'safeguarding' as const,
  recipients: ['advocacy'],
  decision: { allow: true, rule: 'case.read' },
  correlationId: 'corr-migration-paths',
});

/** An access-log row as the landed AccessSchema1764201650000 wrote it: chained at insert, in seq order. */
async function appendChainedAtInsert(ds: DataSource, recordId: string): Promise<void> {
  const [last] = await ds.query('SELECT hash FROM access_log ORDER BY seq DESC LIMIT 1');
  const prev: string = last?.hash ?? GENESIS_HASH;
  const row: AccessLogRow = {
    id: randomUUID(),
    occurred_at: new Date().toISOString(),
    operation: 'consultation',
    action: 'case.read',
    actor_issuer: principal.issuer,
    actor_subject: principal.subject,
    actor_agency: principal.agency,
    actor_roles: principal.roles,
    record_type: 'case',
    record_ids: [recordId],
    field_groups: [],
    purpose: 'safeguarding',
    justification: null,
    legal_basis: null,
    recipients: ['advocacy'],
    decision: 'allow',
    rule: 'case.read',
    reason: null,
    correlation_id: 'corr-migration-paths',
  };
  const keys = Object.keys(row) as (keyof AccessLogRow)[];
  await ds.query(
    `INSERT INTO access_log (${keys.join(', ')}, prev_hash, hash) VALUES (${keys.map((_, i) => `$${i + 1}`).join(', ')}, $${keys.length + 1}, $${keys.length + 2})`,
    [...keys.map((k) => row[k]), prev, legacyChainHash(prev, row)],
  );
}

/** How the chainer sealed before the chain was keyed: plain SHA-256, by an UPDATE the trigger let through. */
async function sealAsBefore(ds: DataSource): Promise<number> {
  const rows: (AccessLogRow & { seq: string })[] = await ds.query(
    `SELECT *, seq::text AS seq, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at
       FROM access_log WHERE hash IS NULL ORDER BY access_log.seq`,
  );
  let prev = GENESIS_HASH;
  let pos = 0;
  for (const r of rows) {
    const hash = legacyChainHash(prev, r);
    await ds.query(`UPDATE access_log SET chain_seq = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [r.seq, ++pos, prev, hash]);
    prev = hash;
  }
  return rows.length;
}

describe('migrations that cannot drift: every history ends in the same schema (real Postgres)', () => {
  const dbs: TestDatabase[] = [];
  const sources: DataSource[] = [];
  let fresh: Record<string, unknown[]>;

  const open = async (label: string) => {
    const db = await createTestDatabase(label);
    dbs.push(db);
    const ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: [], migrations: [], applicationName: 'int-migration-paths' }));
    sources.push(ds);
    return { db, ds };
  };
  const verify = async (ds: DataSource) => {
    const { checked, unsealed, firstBreak } = await verifyAccessLog(async (sql, params) => ds.query(sql, params), { key, maxUnsealedAgeMs: 3_600_000 });
    return { checked, unsealed, firstBreak };
  };

  beforeAll(async () => {
    const { db, ds } = await open('mig-fresh');
    expect(await migrate(db.url, ALL)).toEqual(ALL.map(nameOf).sort((a, b) => Number(a.slice(-13)) - Number(b.slice(-13))));
    await ds.initialize();
    fresh = await schemaOf(ds);
  });

  afterAll(async () => {
    for (const ds of sources) if (ds.isInitialized) await ds.destroy();
    for (const db of dbs) await db.drop();
  });

  it('a fresh database has the sealing access log and the per-case risk level', () => {
    const columns = fresh.columns as { table_name: string; column_name: string; is_nullable: string }[];
    expect(columns.filter((c) => c.table_name === 'access_log' && ['chain_seq', 'hash'].includes(c.column_name))).toEqual([
      expect.objectContaining({ column_name: 'chain_seq', is_nullable: 'YES' }),
      expect.objectContaining({ column_name: 'hash', is_nullable: 'YES' }),
    ]);
    expect(columns.filter((c) => c.table_name === 'case_risk_level').map((c) => c.column_name)).toEqual(['case_id', 'changed_at', 'level']);
    expect(columns.filter((c) => c.table_name === 'advocacy_offer').map((c) => c.column_name)).not.toContain('priority');
  });

  it('LAW-04: a database that ran the migrations as they landed keeps its chain and its offer priorities', async () => {
    const { db, ds } = await open('mig-landed');
    await migrate(db.url, FIRST_VERSIONS);
    await ds.initialize();
    await appendChainedAtInsert(ds, '00000000-0000-4000-8000-000000000001');
    await appendChainedAtInsert(ds, '00000000-0000-4000-8000-000000000002');
    const urgent = randomUUID();
    const unrated = randomUUID();
    await ds.query(
      `INSERT INTO advocacy_offer (id, case_id, victim_id, status, opened_at, version, priority, risk_level_changed_at)
       VALUES ($1, $2, $3, 'PENDING', now(), 1, 'URGENT', '2026-05-01T10:00:00Z'), ($4, $5, $6, 'PENDING', now(), 1, NULL, NULL)`,
      [randomUUID(), urgent, randomUUID(), randomUUID(), unrated, randomUUID()],
    );

    expect(await migrate(db.url, ALL)).toEqual(NEW);
    expect(await schemaOf(ds)).toEqual(fresh);

    // The rows chained at insert are the start of the chain; the chainer carries on after them.
    expect(await verify(ds)).toEqual({ checked: 2, unsealed: 0, firstBreak: null });
    await new AccessLog().record(ds, entry('00000000-0000-4000-8000-000000000003'));
    expect(await sealAccessLog(ds, key)).toBe(1);
    expect(await verify(ds)).toEqual({ checked: 3, unsealed: 0, firstBreak: null });
    await expect(ds.query(`UPDATE access_log SET reason = 'x' WHERE chain_seq = 1`)).rejects.toThrow(/append-only/);

    const levels = await ds.query(`SELECT case_id, level, changed_at FROM case_risk_level`);
    expect(levels).toEqual([{ case_id: urgent, level: 'HIGH', changed_at: new Date('2026-05-01T10:00:00Z') }]);
  });

  it('LAW-04: a database that ran the in-place rewrites takes the new migrations without change', async () => {
    const { db, ds } = await open('mig-rewritten');
    await migrate(db.url, REWRITTEN_VERSIONS);
    await ds.initialize();
    const rewrittenSchema = await schemaOf(ds);
    await new AccessLog().record(ds, entry('00000000-0000-4000-8000-000000000004'));
    expect(await sealAsBefore(ds)).toBe(1);
    const caseId = randomUUID();
    await ds.query(`INSERT INTO case_risk_level (case_id, level, changed_at) VALUES ($1, 'MEDIUM', now())`, [caseId]);

    // The restored migrations' follow-ups change nothing there; the keyed chain comes on top, as everywhere.
    expect(await migrate(db.url, ALL.filter((m) => nameOf(m) !== KEYED))).toEqual(NEW.filter((n) => n !== KEYED));
    expect(await schemaOf(ds)).toEqual(rewrittenSchema);
    expect(await migrate(db.url, ALL)).toEqual([KEYED]);
    const after = await schemaOf(ds);
    expect(after).toEqual(fresh);

    expect(await verify(ds)).toEqual({ checked: 1, unsealed: 0, firstBreak: null });
    expect(await ds.query(`SELECT case_id, level FROM case_risk_level`)).toEqual([{ case_id: caseId, level: 'MEDIUM' }]);
  });
});
