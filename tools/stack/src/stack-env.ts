import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SERVICE_DATABASES, SERVICE_ENV, type DatabaseService } from '@stac/config';
import { serviceRoles, withRole } from '@stac/persistence/roles';
import { repoRoot } from '@stac/testing/launch';

/**
 * The environment of every service when the stack runs as local processes (`pnpm start`, `pnpm migrate`,
 * the end-to-end harness). Built only from SERVICE_ENV and SERVICE_DATABASES, so a variable added to a
 * service's spec shows up here (with its default) without touching this file.
 */

export type ServiceName = keyof typeof SERVICE_ENV;
/** Every deployable, gateway first, in SERVICE_ENV order. */
export const SERVICES = Object.keys(SERVICE_ENV) as ServiceName[];
/** The services that own a database (all but the gateway). */
export const DOMAIN_SERVICES = SERVICES.filter((s): s is DatabaseService => s in SERVICE_DATABASES);

export interface StackEnvOptions {
  /** Postgres server URL without a database, e.g. `postgres://postgres@127.0.0.1:5432`; a path is replaced. */
  readonly pgBase: string;
  readonly natsUrl: string;
  /** Port of the gateway; the others keep their default offsets from it (3000 -> 3001..3005). */
  readonly portBase?: number;
  /** Appended to every database name (`stac_intake` + `_e2e_1`), so a harness can use its own databases. */
  readonly databaseSuffix?: string;
  readonly host?: string;
  readonly nodeEnv?: 'development' | 'test' | 'production';
  readonly logLevel?: string;
  /**
   * Directory of the local dev token issuer (AUTH_DEV_ISSUER_DIR), for every service whose spec reads it.
   * Its keys must exist before the services start (see `ensureDevIssuerKeys` in @stac/auth).
   */
  readonly devIssuerDir?: string;
  /**
   * The stack's data secret (DP-02): every agency's key ring (`<SVC>_DATA_KEYS`, one key `local`) and search
   * key (`<SVC>_SEARCH_KEY`) is derived from it, a different key per agency and purpose. When absent, a
   * fresh random secret: right for harnesses and benchmarks with their own databases. `pnpm start` /
   * `pnpm migrate` pass the persisted dev secret (`devDataKey`) so data written by one run decrypts in the next.
   */
  readonly dataKey?: string;
  /**
   * AUDIT_CHAIN_KEY (LAW-07) for every service whose spec reads it: the given key, else a fresh random one.
   * `pnpm start` / `pnpm migrate` pass the persisted dev key (`devSecret`) so `pnpm audit:verify` can check
   * the chain across runs.
   */
  readonly chainKey?: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT for every service: a collector's OTLP/HTTP base URL turns tracing on. */
  readonly otlpEndpoint?: string;
  /**
   * A NATS with users (the compose one, BUS-01): each service's password (its NATS_USER is its name) and
   * the CA of the server's certificate. Absent: no credentials, as on an open local nats-server.
   */
  readonly natsPasswords?: Partial<Record<ServiceName, string>>;
  readonly natsTlsCa?: string;
  /** NATS_NAMESPACE of every service: a stack of its own on a shared NATS (tests, the bench). */
  readonly natsNamespace?: string;
  /** Last word: per-service values set after everything else. */
  readonly overrides?: Partial<Record<ServiceName, Readonly<Record<string, string>>>>;
}

export type ServiceEnv = Record<string, string>;

const DEFAULT_GATEWAY_PORT = Number(SERVICE_ENV.gateway.HTTP_PORT.default);

export function databaseUrl(pgBase: string, database: string): string {
  const u = new URL(pgBase);
  if (!['postgres:', 'postgresql:'].includes(u.protocol))
    throw new Error('stack-env: pgBase must be a postgres:// URL');
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(service: DatabaseService, suffix = ''): string {
  const name = `${SERVICE_DATABASES[service]}${suffix}`;
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error(`stack-env: database name "${name}" must be lower-case letters, digits and _`);
  return name;
}

export function servicePort(service: ServiceName, portBase = DEFAULT_GATEWAY_PORT): number {
  return portBase + Number(SERVICE_ENV[service].HTTP_PORT.default) - DEFAULT_GATEWAY_PORT;
}

export function stackEnv(o: StackEnvOptions): Record<ServiceName, ServiceEnv> {
  const out = {} as Record<ServiceName, ServiceEnv>;
  const dataKey = o.dataKey ?? randomBytes(32).toString('base64');
  const chainKey = o.chainKey ?? randomBytes(32).toString('base64');
  for (const service of SERVICES) {
    const spec = SERVICE_ENV[service];
    const env: ServiceEnv = {};
    // Every variable of the spec is set explicitly, defaults included, so a stray value in the parent
    // shell (a DATABASE_URL exported for something else) never leaks into a service.
    for (const [name, v] of Object.entries(spec) as [string, { default?: string }][]) {
      if (v.default !== undefined) env[name] = v.default;
    }
    // Local runs are development unless told otherwise: said explicitly, since the spec defaults to production (DP-02).
    env.NODE_ENV = o.nodeEnv ?? 'development';
    if (o.logLevel) env.LOG_LEVEL = o.logLevel;
    env.HTTP_HOST = o.host ?? '127.0.0.1';
    env.HTTP_PORT = String(servicePort(service, o.portBase));
    env.NATS_URL = o.natsUrl;
    const natsPassword = o.natsPasswords?.[service];
    if (natsPassword) {
      env.NATS_USER = service;
      env.NATS_PASSWORD = natsPassword;
    }
    if (o.natsTlsCa) env.NATS_TLS_CA = o.natsTlsCa;
    if (o.devIssuerDir !== undefined && 'AUTH_DEV_ISSUER_DIR' in spec)
      env.AUTH_DEV_ISSUER_DIR = o.devIssuerDir;
    if ('AUDIT_CHAIN_KEY' in spec) env.AUDIT_CHAIN_KEY = chainKey;
    // Each agency's own key ring and search key (DP-02), derived from the stack's data secret per variable,
    // so no two agencies or purposes share a key and a persisted secret keeps every agency's data readable.
    for (const name of Object.keys(spec)) {
      if (name.endsWith('_DATA_KEYS')) env[name] = `local:${derivedKey(dataKey, `stac:dev:${name}`)}`;
      if (name.endsWith('_SEARCH_KEY')) env[name] = derivedKey(dataKey, `stac:dev:${name}`);
    }
    if (o.otlpEndpoint) env.OTEL_EXPORTER_OTLP_ENDPOINT = o.otlpEndpoint;
    if (o.natsNamespace) env.NATS_NAMESPACE = o.natsNamespace;
    if (service in SERVICE_DATABASES) {
      // The service runs as its database's runtime role, never as the owner its migrations run as (LAW-07).
      const db = databaseName(service as DatabaseService, o.databaseSuffix);
      const password = new URL(o.pgBase).password;
      env.DATABASE_URL = withRole(databaseUrl(o.pgBase, db), serviceRoles(db).runtime, password ? decodeURIComponent(password) : undefined);
    }
    Object.assign(env, o.overrides?.[service]);
    const missing = Object.entries(spec as Record<string, { default?: string }>)
      .filter(([name, v]) => v.default === undefined && !env[name])
      .map(([name]) => name);
    if (missing.length)
      throw new Error(`stack-env: no value for ${service} ${missing.join(', ')}; add it to stackEnv()`);
    out[service] = env;
  }
  return out;
}

/**
 * Entry points by the repository convention, compiled: `pnpm build` (tools/stack/build.mjs, run first by
 * `pnpm start`, `pnpm migrate`, the e2e harness and the bench) turns `apps/<svc>/src/main.ts` into
 * `apps/<svc>/dist/local/main.js`, which runs as plain `node` with no TypeScript loader.
 */
export const serviceEntry = (service: ServiceName) => `apps/${service}/dist/local/main.js`;
export const migrateEntry = (service: DatabaseService) => `apps/${service}/dist/local/migrate.js`;

/**
 * Node flags of every service and migration process the stack tools start (`pnpm start`, `pnpm migrate`, the
 * e2e stacks, the bench). V8 sizes a service's young generation at about 64 MB by default and keeps it once
 * start-up has grown it: after boot that is mostly empty heap, a third of an idle service's RSS. A 4 MB
 * semi-space keeps it at a few MB; the heap limit (old space) is untouched. 2 MB saves no more memory after
 * load and costs about 15% more CPU per operation in young-generation collections. Measured in
 * tools/stack/README.md.
 * `STAC_SERVICE_NODE_ARGS` replaces the default (space-separated; empty for none).
 */
export const DEFAULT_SERVICE_NODE_ARGS: readonly string[] = ['--max-semi-space-size=4'];

export function serviceNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const raw = env.STAC_SERVICE_NODE_ARGS;
  return raw === undefined ? [...DEFAULT_SERVICE_NODE_ARGS] : raw.split(/\s+/).filter(Boolean);
}

/** Reads the stack tool's own settings from the environment (see tools/stack/README.md). */
export function stackSettingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const portBase = env.STAC_PORT_BASE ? Number(env.STAC_PORT_BASE) : DEFAULT_GATEWAY_PORT;
  if (!Number.isInteger(portBase) || portBase < 1 || portBase > 65535 - 10) {
    throw new Error('STAC_PORT_BASE must be a port number');
  }
  return {
    pgBase: env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432',
    natsUrl: env.NATS_URL || String(SERVICE_ENV.gateway.NATS_URL.default),
    // The compose NATS (BUS-01): the passwords from the local profile's env file (STAC_NATS_<SERVICE>_PASSWORD)
    // and its throwaway CA (STAC_NATS_TLS_CA=.stac/nats-tls/ca.crt).
    natsPasswords: Object.fromEntries(
      SERVICES.map((s) => [s, env[`STAC_NATS_${s.toUpperCase().replace(/-/g, '_')}_PASSWORD`]]).filter(([, v]) => v),
    ) as Partial<Record<ServiceName, string>>,
    natsTlsCa: env.STAC_NATS_TLS_CA ? resolve(env.STAC_NATS_TLS_CA) : undefined,
    portBase,
    // A second stack beside the developer's (the bench's start-up phase): its own databases and event namespace.
    databaseSuffix: env.STAC_DATABASE_SUFFIX || undefined,
    natsNamespace: env.NATS_NAMESPACE || undefined,
    logLevel: env.LOG_LEVEL || undefined,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    devIssuerDir: resolve(env.AUTH_DEV_ISSUER_DIR || join(repoRoot(), '.stac', 'dev-issuer')),
    dataKeyFile: resolve(env.STAC_DATA_KEY_FILE || join(repoRoot(), '.stac', 'dev-data-key')),
    chainKeyFile: resolve(env.STAC_CHAIN_KEY_FILE || join(repoRoot(), '.stac', 'dev-chain-key')),
  };
}

/**
 * The local stack's data key: generated once into a git-ignored file (mode 0600), never committed, then
 * read back. Development only: a deployment takes each agency's keys from its secret store.
 */
export function devDataKey(file: string): string {
  return devSecret(file);
}

/** A local secret (data key, chain key): 32 random bytes created once into a git-ignored 0600 file. */
export function devSecret(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // Another starter wrote it first: use theirs.
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/** A development key derived from the stack's secret (production keys come from each agency's secret store). */
function derivedKey(base64Key: string, label: string): string {
  return Buffer.from(hkdfSync('sha256', Buffer.from(base64Key, 'base64'), Buffer.alloc(0), label, 32)).toString('base64');
}
