import { Client } from 'pg';
import { dropServiceDatabase, prepareServiceDatabase, serviceRoles, urlDatabase, urlRole, withRole } from '@stac/persistence/roles';
import { repoRoot, runToCompletion } from '@stac/testing/launch';
// The migration manifest's scan of the sources (a tool beside this one).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { scanMigrations } from '../../migrations/src/migration-manifest';
import { DOMAIN_SERVICES, migrateEntry, serviceNodeArgs, type ServiceEnv, type ServiceName } from './stack-env';

/**
 * The two roles of a service database (LAW-07) as the local stack names them: the runtime role is the
 * user of its DATABASE_URL, the owner `<database>_owner`; the migration URL is the same database as the owner.
 */
export function stackDatabase(env: ServiceEnv) {
  const database = urlDatabase(env.DATABASE_URL);
  const roles = { ...serviceRoles(database), runtime: urlRole(env.DATABASE_URL) };
  const password = new URL(env.DATABASE_URL).password;
  return { database, roles, migrationUrl: withRole(env.DATABASE_URL, roles.owner, password ? decodeURIComponent(password) : undefined) };
}

/**
 * Prepares every domain service database as the superuser on `adminUrl` (both roles, the database owned by
 * the owner role), then runs every domain service's own migrate.ts as the owner, which also grants the
 * runtime role. They run concurrently: separate databases, separate processes. A database that already
 * holds every migration of its service's sources, with the runtime role's grants in place, is left alone:
 * its migrate process (which loads the whole service to find its migrations) would have nothing to do, and
 * a developer's next `pnpm start` is seconds faster without five of them. Rejects naming every service
 * whose migration failed, with its output.
 */
export async function migrateAll(
  env: Record<ServiceName, ServiceEnv>,
  out: NodeJS.WritableStream,
  adminUrl: string,
): Promise<void> {
  // Scanned only when some database already existed (fresh stacks, as the e2e harness makes, never need it).
  let scan: ReturnType<typeof scanMigrations> | undefined;
  const migrationsOf = (svc: ServiceName) => {
    scan ??= scanMigrations(repoRoot());
    return scan.problems.length ? undefined : scan.manifest.services[svc]?.map((m) => m.name);
  };
  const results = await Promise.allSettled(
    DOMAIN_SERVICES.map(async (svc) => {
      const { database, roles, migrationUrl } = stackDatabase(env[svc]);
      const password = new URL(env[svc].DATABASE_URL).password;
      const pw = password ? decodeURIComponent(password) : undefined;
      const created = await prepareServiceDatabase(adminUrl, database, roles, { owner: pw, runtime: pw });
      const expected = created ? undefined : migrationsOf(svc);
      if (expected && (await schemaUpToDate(adminUrl, database, roles.runtime, expected))) {
        out.write(`[migrate ${svc}] ${svc}: schema up to date, nothing to run\n`);
        return;
      }
      // The migration gets the owner's credentials but not the chain key (LAW-07).
      const { AUDIT_CHAIN_KEY: _key, ...serviceEnv } = env[svc];
      return runToCompletion(
        migrateEntry(svc),
        { ...serviceEnv, DATABASE_MIGRATION_URL: migrationUrl },
        { name: `migrate ${svc}`, output: out, timeoutMs: migrateTimeoutMs(), nodeArgs: serviceNodeArgs() },
      );
    }),
  );
  const failed = results
    .map((r, i) => ({ r, svc: DOMAIN_SERVICES[i] }))
    .filter(
      (x): x is { r: PromiseRejectedResult; svc: (typeof DOMAIN_SERVICES)[number] } =>
        x.r.status === 'rejected',
    );
  if (failed.length) {
    throw new Error(
      `migrations failed for ${failed.map((f) => f.svc).join(', ')}:\n${failed.map((f) => (f.r.reason as Error).message).join('\n')}`,
    );
  }
}

/** Drops every domain service database of a stack and its two roles (harnesses, benchmarks). */
export async function dropStackDatabases(env: Record<ServiceName, ServiceEnv>, adminUrl: string): Promise<void> {
  await Promise.all(
    DOMAIN_SERVICES.map((svc) => {
      const { database, roles } = stackDatabase(env[svc]);
      return dropServiceDatabase(adminUrl, database, roles);
    }),
  );
}

/** How long one service's migration may take (STAC_MIGRATE_TIMEOUT_MS; 120 s by default): a loaded CI machine needs longer. */
function migrateTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.STAC_MIGRATE_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : 120_000;
}

/**
 * Whether `database` has applied every one of `migrations` and its runtime role holds the grants the migrate
 * step gives it (checked by the access log's INSERT, which every migrate grants last).
 */
export async function schemaUpToDate(adminUrl: string, database: string, runtimeRole: string, migrations: readonly string[]): Promise<boolean> {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const c = new Client({ connectionString: url.toString() });
  await c.connect();
  try {
    const [{ ready }] = (
      await c.query(`SELECT to_regclass('public.schema_migrations') IS NOT NULL AND to_regclass('public.access_log') IS NOT NULL AS ready`)
    ).rows;
    if (!ready) return false;
    const applied = new Set((await c.query('SELECT name FROM schema_migrations')).rows.map((r: { name: string }) => r.name));
    if (!migrations.every((m) => applied.has(m))) return false;
    const [{ granted }] = (await c.query(`SELECT has_table_privilege($1, 'public.access_log', 'INSERT') AS granted`, [runtimeRole])).rows;
    return granted === true;
  } finally {
    await c.end();
  }
}
