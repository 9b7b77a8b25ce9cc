import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Writable } from 'node:stream';
import {
  deleteNamespaceStreams,
  freePortBlock,
  launchServices,
  repoRoot,
  TEST_STREAM_MAX_MB,
  type LaunchedServices,
} from '@stac/testing';
import { join } from 'node:path';
import type { BusUser } from '@stac/messaging';
import { PermissionedNats } from '../../libs/messaging/src/testing/private-servers';
import { buildCompiled } from '../../tools/stack/src/compiled';
import { dropStackDatabases, migrateAll } from '../../tools/stack/src/run-migrations';
import { ensureDevIssuerKeys, mintDevToken } from '@stac/auth';
import type { Agency, Role } from '@stac/domain';
import { SERVICES, serviceEntry, serviceNodeArgs, stackEnv, type ServiceName } from '../../tools/stack/src/stack-env';

/** The e2e run's own dev issuer keys (git-ignored), so tests use real tokens and never bypass auth. */
export const DEV_ISSUER_DIR = join(repoRoot(), '.stac', 'e2e-issuer');
export const AUDIENCE = 'stac-platform';

export function tokenFor(
  agency: Agency,
  roles: Role[],
  subject = `${agency}-${roles[0]}`,
  ttlSeconds = 600,
): Promise<string> {
  return mintDevToken(DEV_ISSUER_DIR, { agency, roles, subject, audience: AUDIENCE, ttlSeconds });
}

export interface Stack {
  gatewayUrl: string;
  services: LaunchedServices;
  env: ReturnType<typeof stackEnv>;
  /** The NATS_NAMESPACE of this stack's streams. */
  namespace: string;
  /** The stack's own permissioned nats-server (BUS-01), when it runs on one. */
  bus?: PermissionedNats;
  /**
   * Options for a test's own NATS connection: as a bus user of the stack (its credentials, TLS and inbox
   * prefix), or unrestricted (`observer`) to look at what landed. On the shared NATS, no credentials.
   */
  natsOptions(user?: BusUser | 'observer'): { servers: string[] } & Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * The whole platform as real processes on the local Postgres and NATS, with its own databases and
 * ports so it never touches a developer's running stack.
 */
export async function startStack(
  opts: {
    portBase?: number;
    overrides?: Partial<Record<ServiceName, Record<string, string>>>;
    /** Service log level; the DP-01 canary scan runs at 'debug' to see everything services print. */
    logLevel?: string;
    /**
     * `permissioned` (the default; E2E_BUS=shared turns it off): the stack's own nats-server configured
     * from bus-permissions.ts (accounts, a user per service with its allow-lists, TLS with a throwaway CA),
     * every service connecting as its own user, so every suite proves the permissions suffice (BUS-01).
     * `shared`: the shared NATS (NATS_URL) with no credentials, as in development.
     */
    bus?: 'permissioned' | 'shared';
  } = {},
): Promise<Stack> {
  const suffix = `_e2e_${randomBytes(3).toString('hex')}`;
  await ensureDevIssuerKeys(DEV_ISSUER_DIR);
  // Own event streams too, so concurrent stacks on one NATS never share durable consumers.
  const auth = { AUTH_DEV_ISSUER_DIR: DEV_ISSUER_DIR, AUTH_AUDIENCE: AUDIENCE };
  const namespace = `e${randomBytes(4).toString('hex')}`;
  const busMode = opts.bus ?? (process.env.E2E_BUS === 'shared' ? 'shared' : 'permissioned');
  const bus = busMode === 'permissioned' ? new PermissionedNats(namespace) : undefined;
  await bus?.start();
  const overrides = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      {
        ...auth,
        NATS_NAMESPACE: namespace,
        EVENT_STREAM_MAX_MB: TEST_STREAM_MAX_MB,
        // BUS-01: each service as its own bus user on the stack's own server.
        ...bus?.env(s),
        // API-09: the gateway shows /metrics only to a scraper with this token (see scrapeMetrics).
        ...(s === 'gateway' ? { METRICS_TOKEN: randomBytes(16).toString('hex') } : {}),
        ...opts.overrides?.[s],
      },
    ]),
  );
  const pgBase = process.env.STAC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const env = stackEnv({
    pgBase,
    natsUrl: bus?.url ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    // A random block of free ports unless told otherwise, so parallel stacks (and other servers) do not collide.
    portBase: opts.portBase ?? (await freePortBlock(SERVICES.length)),
    databaseSuffix: suffix,
    nodeEnv: 'test',
    logLevel: opts.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'warn',
    overrides,
  });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  let services: LaunchedServices;
  try {
    // The services run compiled, as under `pnpm start` (a no-op when `pnpm test` has built already).
    buildCompiled();
    await migrateAll(env, quiet, pgBase);
    services = await launchServices(
      SERVICES.map((name) => ({ name, entry: serviceEntry(name), env: env[name] })),
      {
        // E2E_READY_TIMEOUT_MS: a machine shared by many stacks can need longer than 90 s.
        readyTimeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS) || 90_000,
        nodeArgs: serviceNodeArgs(),
        stopGraceMs: 10_000,
        keepLines: 0,
        output: process.env.E2E_LOG_LEVEL ? process.stdout : undefined,
      },
    );
  } catch (e) {
    // A stack that never came up leaves neither its bus nor its databases behind.
    await bus?.close();
    await dropStackDatabases(env, pgBase).catch(() => undefined);
    throw e;
  }
  return {
    gatewayUrl: services.url('gateway'),
    services,
    env,
    namespace,
    bus,
    natsOptions(user) {
      if (bus) return bus.connectOptions(user ?? 'observer');
      return { servers: env.gateway.NATS_URL.split(',') };
    },
    async stop() {
      await services.stop();
      if (bus) await bus.close();
      else await deleteNamespaceStreams(env.gateway.NATS_URL, namespace).catch(() => undefined);
      await dropStackDatabases(env, pgBase);
    },
  };
}

/** GET /metrics of one process of the stack, as its Prometheus scraper would (the gateway's needs the scrape token). */
export function scrapeMetrics(stack: Stack, name: string) {
  const req = request(stack.services.url(name)).get('/metrics');
  return name === 'gateway' ? req.set('authorization', `Bearer ${stack.env.gateway.METRICS_TOKEN}`) : req;
}
