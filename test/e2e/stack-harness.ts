import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { dropDatabase } from '@stac/persistence';
import { launchServices, type LaunchedServices } from '@stac/testing';
import { migrateAll } from '../../tools/stack/src/run-migrations';
import { DOMAIN_SERVICES, SERVICES, serviceEntry, stackEnv, type ServiceName } from '../../tools/stack/src/stack-env';

export interface Stack {
  gatewayUrl: string;
  services: LaunchedServices;
  env: ReturnType<typeof stackEnv>;
  stop(): Promise<void>;
}

/**
 * The whole platform as real processes on the local Postgres and NATS, with its own databases and
 * ports so it never touches a developer's running stack.
 */
export async function startStack(opts: { portBase?: number; overrides?: Partial<Record<ServiceName, Record<string, string>>> } = {}): Promise<Stack> {
  const suffix = `_e2e_${randomBytes(3).toString('hex')}`;
  const env = stackEnv({
    pgBase: process.env.STAC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432',
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    portBase: opts.portBase ?? 4100,
    databaseSuffix: suffix,
    nodeEnv: 'test',
    logLevel: process.env.E2E_LOG_LEVEL ?? 'warn',
    overrides: opts.overrides,
  });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  await migrateAll(env, quiet);
  const services = await launchServices(
    SERVICES.map((name) => ({ name, entry: serviceEntry(name), env: env[name] })),
    { readyTimeoutMs: 90_000, stopGraceMs: 10_000, output: process.env.E2E_LOG_LEVEL ? process.stdout : undefined },
  );
  return {
    gatewayUrl: services.url('gateway'),
    services,
    env,
    async stop() {
      await services.stop();
      await Promise.all(DOMAIN_SERVICES.map((s) => dropDatabase(env[s].DATABASE_URL)));
    },
  };
}
