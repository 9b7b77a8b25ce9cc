import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { TEST_PG_BASE } from '@stac/testing';
import { dropStackDatabases, migrateAll, schemaUpToDate, stackDatabase } from './run-migrations';
import { DOMAIN_SERVICES, stackEnv } from './stack-env';

const pgBase = TEST_PG_BASE.replace(/\/postgres$/, '');

describe('migrateAll on a stack already migrated', () => {
  const env = stackEnv({ pgBase, natsUrl: 'nats://127.0.0.1:4222', databaseSuffix: `_mig_${randomBytes(3).toString('hex')}`, nodeEnv: 'test' });
  const runMigrations = async () => {
    const lines: string[] = [];
    const out = new Writable({
      write: (c, _e, cb) => {
        lines.push(...String(c).split('\n').filter(Boolean));
        cb();
      },
    });
    await migrateAll(env, out, pgBase);
    return lines;
  };
  const asAdmin = async <T>(db: string, fn: (c: Client) => Promise<T>) => {
    const url = new URL(pgBase);
    url.pathname = `/${db}`;
    const c = new Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  afterAll(() => dropStackDatabases(env, pgBase), 60_000);

  it('migrates fresh databases, then leaves up-to-date ones alone without starting their migrate process', async () => {
    const first = await runMigrations();
    for (const svc of DOMAIN_SERVICES) expect(first.some((l) => l.startsWith(`[migrate ${svc}] ${svc}: applied `))).toBe(true);
    const second = await runMigrations();
    // One line per service, written by the launcher: no migrate process ran (it would print its own lines).
    expect(second.sort()).toEqual(DOMAIN_SERVICES.map((svc) => `[migrate ${svc}] ${svc}: schema up to date, nothing to run`).sort());
  }, 240_000);

  it('runs the migrate process again when a migration is missing or the runtime role lost its grants (LAW-07)', async () => {
    const { database, roles } = stackDatabase(env.intake);
    const applied = await asAdmin(database, async (c) => (await c.query('SELECT name FROM schema_migrations')).rows.map((r: { name: string }) => r.name));
    expect(await schemaUpToDate(pgBase, database, roles.runtime, applied)).toBe(true);
    expect(await schemaUpToDate(pgBase, database, roles.runtime, [...applied, 'NotYetApplied1999999999999'])).toBe(false);

    await asAdmin(database, (c) => c.query(`REVOKE INSERT ON access_log FROM "${roles.runtime}"`));
    expect(await schemaUpToDate(pgBase, database, roles.runtime, applied)).toBe(false);
    const again = await runMigrations();
    // intake's own migrate process ran (its grants restored); the others were left alone.
    expect(again).toContain('[migrate intake] intake: schema up to date');
    expect(again).toContain('[migrate advocacy] advocacy: schema up to date, nothing to run');
    expect(await schemaUpToDate(pgBase, database, roles.runtime, applied)).toBe(true);
    const runtimeCanInsert = await asAdmin(database, async (c) => (await c.query(`SELECT has_table_privilege($1, 'access_log', 'INSERT') AS ok`, [roles.runtime])).rows[0].ok);
    expect(runtimeCanInsert).toBe(true);
  }, 240_000);
});
