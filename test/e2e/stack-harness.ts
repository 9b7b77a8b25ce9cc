import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { Writable } from 'node:stream';
import { deleteNamespaceStreams, launchServices, repoRoot, TEST_STREAM_MAX_MB, type LaunchedServices } from '@stac/testing';
import { join } from 'node:path';
import { dropStackDatabases, migrateAll } from '../../tools/stack/src/run-migrations';
import { ensureDevIssuerKeys, mintDevToken } from '@stac/auth';
import type { Agency, Role } from '@stac/domain';
import {
  SERVICES,
  serviceEntry,
  stackEnv,
  type ServiceName,
} from '../../tools/stack/src/stack-env';

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
  } = {},
): Promise<Stack> {
  const suffix = `_e2e_${randomBytes(3).toString('hex')}`;
  await ensureDevIssuerKeys(DEV_ISSUER_DIR);
  // Own event streams too, so concurrent stacks on one NATS never share durable consumers.
  const auth = { AUTH_DEV_ISSUER_DIR: DEV_ISSUER_DIR, AUTH_AUDIENCE: AUDIENCE };
  const namespace = `e${randomBytes(4).toString('hex')}`;
  const overrides = Object.fromEntries(
    SERVICES.map((s) => [
      s,
      {
        ...auth,
        NATS_NAMESPACE: namespace,
        EVENT_STREAM_MAX_MB: TEST_STREAM_MAX_MB,
        // API-09: the gateway shows /metrics only to a scraper with this token (see scrapeMetrics).
        ...(s === 'gateway' ? { METRICS_TOKEN: randomBytes(16).toString('hex') } : {}),
        ...opts.overrides?.[s],
      },
    ]),
  );
  const pgBase = process.env.STAC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const env = stackEnv({
    pgBase,
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    // A random block of ports unless told otherwise, so parallel stacks do not collide.
    portBase: opts.portBase ?? 20000 + 10 * Math.floor(Math.random() * 1200), // below the ephemeral range (32768+)
    databaseSuffix: suffix,
    nodeEnv: 'test',
    logLevel: opts.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'warn',
    overrides,
  });
  const quiet = new Writable({ write: (_c, _e, cb) => cb() });
  await migrateAll(env, quiet, pgBase);
  const services = await launchServices(
    SERVICES.map((name) => ({ name, entry: serviceEntry(name), env: env[name] })),
    {
      // E2E_READY_TIMEOUT_MS: a machine shared by many stacks can need longer than 90 s.
      readyTimeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS) || 90_000,
      stopGraceMs: 10_000,
      keepLines: 0,
      output: process.env.E2E_LOG_LEVEL ? process.stdout : undefined,
    },
  );
  return {
    gatewayUrl: services.url('gateway'),
    services,
    env,
    namespace,
    async stop() {
      await services.stop();
      await deleteNamespaceStreams(env.gateway.NATS_URL, namespace).catch(() => undefined);
      await dropStackDatabases(env, pgBase);
    },
  };
}


/** GET /metrics of one process of the stack, as its Prometheus scraper would (the gateway's needs the scrape token). */
export function scrapeMetrics(stack: Stack, name: string) {
  const req = request(stack.services.url(name)).get('/metrics');
  return name === 'gateway' ? req.set('authorization', `Bearer ${stack.env.gateway.METRICS_TOKEN}`) : req;
}
