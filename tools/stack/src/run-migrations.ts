import { dropServiceDatabase, prepareServiceDatabase, serviceRoles, urlDatabase, urlRole, withRole } from '@stac/persistence/roles';
import { runToCompletion } from '@stac/testing/launch';
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
 * runtime role. They run concurrently: separate databases, separate processes. Rejects naming every
 * service whose migration failed, with its output.
 */
export async function migrateAll(
  env: Record<ServiceName, ServiceEnv>,
  out: NodeJS.WritableStream,
  adminUrl: string,
): Promise<void> {
  const results = await Promise.allSettled(
    DOMAIN_SERVICES.map(async (svc) => {
      const { database, roles, migrationUrl } = stackDatabase(env[svc]);
      const password = new URL(env[svc].DATABASE_URL).password;
      const pw = password ? decodeURIComponent(password) : undefined;
      await prepareServiceDatabase(adminUrl, database, roles, { owner: pw, runtime: pw });
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
