import { runToCompletion } from '@stac/testing';
import { DOMAIN_SERVICES, migrateEntry, type ServiceEnv, type ServiceName } from './stack-env';

/**
 * Runs every domain service's own migrate.ts (it creates its database when missing, then applies its
 * migrations). They run concurrently: separate databases, separate processes. Rejects naming every
 * service whose migration failed, with its output.
 */
export async function migrateAll(
  env: Record<ServiceName, ServiceEnv>,
  out: NodeJS.WritableStream,
): Promise<void> {
  const results = await Promise.allSettled(
    DOMAIN_SERVICES.map((svc) =>
      runToCompletion(migrateEntry(svc), env[svc], { name: `migrate ${svc}`, output: out, timeoutMs: migrateTimeoutMs() }),
    ),
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

/** How long one service's migration may take (STAC_MIGRATE_TIMEOUT_MS; 120 s by default): a loaded CI machine needs longer. */
function migrateTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.STAC_MIGRATE_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : 120_000;
}
