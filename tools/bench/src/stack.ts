import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { SERVICE_ENV } from '@stac/config';
import { deleteNamespaceStreams, launchServices, type LaunchedServices } from '@stac/testing';
// The stack tool's helpers, as the end-to-end harness uses them (to move into a lib later).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildCompiled } from '../../stack/src/compiled';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { dropStackDatabases, migrateAll } from '../../stack/src/run-migrations';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  DOMAIN_SERVICES,
  SERVICES,
  serviceEntry,
  serviceNodeArgs,
  stackEnv,
  type ServiceName,
} from '../../stack/src/stack-env';
import { profiling } from './profile';

export type StackEnv = ReturnType<typeof stackEnv>;
/** The services that own a database. */
export const DOMAIN_DATABASES = DOMAIN_SERVICES;

export interface BenchStack {
  readonly gatewayUrl: string;
  readonly env: StackEnv;
  readonly services: LaunchedServices;
  /** The NATS_NAMESPACE of this stack's subjects and JetStream streams. */
  readonly namespace: string;
  /** Process id of every service, by name. */
  processes(): Record<string, number | undefined>;
  /** Set when a service exited on its own during the run. */
  crashed(): string | undefined;
  stop(): Promise<void>;
}

export interface BenchStackOptions {
  readonly pgBase: string;
  readonly natsUrl: string;
  readonly portBase: number;
  /** AUTH_DEV_ISSUER_DIR of every service. */
  readonly devIssuerDir: string;
  /** CPU profiles go here when set (see profile.ts). */
  readonly profileDir?: string;
  /** The NATS server is shared with others: delete this stack's streams at the end. */
  readonly sharedNats: boolean;
}

/**
 * The whole platform as real processes (gateway + five services, downstream consumers active) on
 * its own ports, its own databases (`stac_intake_bench_<hex>`, ...) and its own event streams
 * (NATS_NAMESPACE), quiet (LOG_LEVEL=warn, output kept in memory for error messages). Undo steps
 * (drop databases and streams, stop processes) go to `registerCleanup` before each thing is created.
 */
export async function startBenchStack(
  o: BenchStackOptions,
  registerCleanup: (what: string, fn: () => Promise<void>) => void,
): Promise<BenchStack> {
  const id = randomBytes(3).toString('hex');
  const namespace = `bench${id}`;
  const prof = profiling(o.profileDir);
  // One bench user sends thousands of referrals a minute: lift the per-user limit (the limiter still
  // runs on every request) so the figures are the platform's capacity, not the limit.
  const gatewayEnv: Record<string, string> =
    'RATE_LIMIT_PER_MINUTE' in SERVICE_ENV.gateway ? { RATE_LIMIT_PER_MINUTE: '10000000' } : {};
  const env = stackEnv({
    pgBase: o.pgBase,
    natsUrl: o.natsUrl,
    portBase: o.portBase,
    databaseSuffix: `_bench_${id}`,
    nodeEnv: 'test',
    logLevel: 'warn',
    overrides: Object.fromEntries(
      SERVICES.map((s) => [
        s,
        {
          AUTH_DEV_ISSUER_DIR: o.devIssuerDir,
          NATS_NAMESPACE: namespace,
          ...(s === 'gateway' ? gatewayEnv : {}),
          ...prof.env(s),
        },
      ]),
    ),
  });
  registerCleanup('drop the stack databases', async () => {
    await dropStackDatabases(env, o.pgBase);
  });
  if (o.sharedNats)
    registerCleanup('delete the stack event streams', () => deleteNamespaceStreams(o.natsUrl, namespace));

  const migrationLog: string[] = [];
  const collect = new Writable({
    write: (c, _e, cb) => {
      migrationLog.push(String(c));
      cb();
    },
  });
  // The services and their migrations run compiled, as under `pnpm start`.
  buildCompiled();
  await migrateAll(env, collect, o.pgBase);

  let crash: string | undefined;
  let stopping = false;
  const services = await launchServices(
    SERVICES.map((name: ServiceName) => ({ name, entry: serviceEntry(name), env: env[name] })),
    {
      readyTimeoutMs: 90_000,
      stopGraceMs: 10_000,
      // The same flags as `pnpm start`, then the profiler's preload.
      nodeArgs: [...serviceNodeArgs(), ...(prof.nodeArgs ?? [])],
      onUnexpectedExit: (name, code, signal) => {
        if (!stopping) crash ??= `${name} exited (${signal ?? `code ${code}`}) during the bench`;
      },
    },
  );
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopping = true;
    stopped ??= services.stop();
    return stopped;
  };
  registerCleanup('stop the stack', stop);
  return {
    gatewayUrl: services.url('gateway'),
    env,
    services,
    namespace,
    processes: () => Object.fromEntries(services.names.map((n) => [n, services.pid(n)])),
    crashed: () => (crash ? `${crash}; last output:\n${services.logs().slice(-30).join('\n')}` : undefined),
    stop,
  };
}
