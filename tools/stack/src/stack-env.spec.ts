import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, SERVICE_DATABASES, SERVICE_ENV } from '@stac/config';
import {
  DEFAULT_SERVICE_NODE_ARGS,
  devDataKey,
  DOMAIN_SERVICES,
  migrateEntry,
  serviceEntry,
  serviceNodeArgs,
  SERVICES,
  stackEnv,
  stackSettingsFromEnv,
} from './stack-env';

const base = { pgBase: 'postgres://postgres@127.0.0.1:5432', natsUrl: 'nats://127.0.0.1:4222' };

describe('stackEnv', () => {
  it('gives every service an environment its own config loader accepts', () => {
    const env = stackEnv(base);
    expect(Object.keys(env).sort()).toEqual(Object.keys(SERVICE_ENV).sort());
    for (const svc of SERVICES) {
      expect(() => loadConfig(SERVICE_ENV[svc], env[svc])).not.toThrow();
      // Nothing outside the spec, every spec variable set explicitly.
      expect(Object.keys(env[svc]).sort()).toEqual(Object.keys(SERVICE_ENV[svc]).sort());
    }
  });

  it('uses the default ports and database names of the spec on the local servers', () => {
    const env = stackEnv(base);
    expect(env.gateway.HTTP_PORT).toBe('3000');
    expect(env.probation.HTTP_PORT).toBe('3005');
    // LAW-07: each service runs as its database's runtime role, never as the superuser or the owner.
    expect(env.intake.DATABASE_URL).toBe('postgres://stac_intake_app@127.0.0.1:5432/stac_intake');
    expect(env['risk-assessment'].DATABASE_URL).toBe('postgres://stac_risk_app@127.0.0.1:5432/stac_risk');
    expect(env.gateway.DATABASE_URL).toBeUndefined();
    for (const svc of SERVICES) {
      expect(env[svc].HTTP_HOST).toBe('127.0.0.1');
      expect(env[svc].NATS_URL).toBe(base.natsUrl);
    }
    expect(DOMAIN_SERVICES.map((s) => new URL(env[s].DATABASE_URL).pathname.slice(1)).sort()).toEqual(
      Object.values(SERVICE_DATABASES).sort(),
    );
  });

  it('moves every port by the same base and suffixes every database for a separate harness stack', () => {
    const env = stackEnv({
      ...base,
      pgBase: 'postgresql://u:p%40ss@db.local:6543/ignored',
      portBase: 4100,
      databaseSuffix: '_e2e_7',
    });
    expect(SERVICES.map((s) => env[s].HTTP_PORT)).toEqual(['4100', '4101', '4102', '4103', '4104', '4105']);
    expect(env.advocacy.DATABASE_URL).toBe('postgresql://stac_advocacy_e2e_7_app:p%40ss@db.local:6543/stac_advocacy_e2e_7');
    const ports = SERVICES.map((s) => env[s].HTTP_PORT);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('points every service that reads AUTH_DEV_ISSUER_DIR at the given dev issuer directory', () => {
    const env = stackEnv({ ...base, devIssuerDir: '/tmp/dev-issuer' });
    for (const svc of SERVICES) {
      if ('AUTH_DEV_ISSUER_DIR' in SERVICE_ENV[svc])
        expect(env[svc].AUTH_DEV_ISSUER_DIR).toBe('/tmp/dev-issuer');
      else expect(env[svc].AUTH_DEV_ISSUER_DIR).toBeUndefined();
    }
    // Without one, the spec default stands (the dev issuer stays off).
    const plain = stackEnv(base);
    for (const svc of SERVICES)
      expect(plain[svc].AUTH_DEV_ISSUER_DIR).toBe(SERVICE_ENV[svc].AUTH_DEV_ISSUER_DIR?.default);
  });

  it('DP-02: gives every service its own key ring and search key, derived from the given secret, else fresh per stack', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const env = stackEnv({ ...base, dataKey: key });
    const keys: string[] = [];
    for (const svc of SERVICES) {
      for (const name of Object.keys(SERVICE_ENV[svc]).filter((n) => /_DATA_KEYS$|_SEARCH_KEY$/.test(n))) {
        expect(env[svc][name]).toMatch(name.endsWith('_DATA_KEYS') ? /^local:[A-Za-z0-9+/]{43}=$/ : /^[A-Za-z0-9+/]{43}=$/);
        keys.push(env[svc][name].replace(/^local:/, ''));
      }
    }
    expect(keys.length).toBeGreaterThanOrEqual(7);
    expect(new Set([...keys, key]).size).toBe(keys.length + 1);
    expect(stackEnv({ ...base, dataKey: key }).intake.INTAKE_DATA_KEYS).toBe(env.intake.INTAKE_DATA_KEYS);
    expect(stackEnv(base).intake.INTAKE_DATA_KEYS).not.toBe(stackEnv(base).intake.INTAKE_DATA_KEYS);
    expect(env.gateway.INTAKE_DATA_KEYS).toBeUndefined();
  });

  it('LAW-07: gives every service that reads it an AUDIT_CHAIN_KEY: the given key, else a fresh random one', () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const env = stackEnv({ ...base, chainKey: key });
    for (const svc of SERVICES) expect(env[svc].AUDIT_CHAIN_KEY).toBe('AUDIT_CHAIN_KEY' in SERVICE_ENV[svc] ? key : undefined);
    const [a, b] = [stackEnv(base), stackEnv(base)].map((e) => e.intake.AUDIT_CHAIN_KEY);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('DP-02: says NODE_ENV explicitly (development unless told otherwise), since the services default to production', () => {
    for (const svc of SERVICES) expect(stackEnv(base)[svc].NODE_ENV).toBe('development');
    expect(SERVICE_ENV.intake.NODE_ENV.default).toBe('production');
  });

  it('lets overrides have the last word and rejects unusable database suffixes', () => {
    const env = stackEnv({
      ...base,
      nodeEnv: 'test',
      logLevel: 'warn',
      overrides: { gateway: { RPC_TIMEOUT_MS: '250' } },
    });
    expect(env.gateway.RPC_TIMEOUT_MS).toBe('250');
    expect(env.intake.NODE_ENV).toBe('test');
    expect(env.intake.LOG_LEVEL).toBe('warn');
    expect(() => stackEnv({ ...base, databaseSuffix: '"; DROP' })).toThrow(/database name/);
    expect(() => stackEnv({ ...base, pgBase: 'mysql://x@y/z' })).toThrow(/postgres/);
  });
});

describe('stackSettingsFromEnv', () => {
  it('defaults to the local Postgres and NATS, and reads STAC_PG_URL, NATS_URL and STAC_PORT_BASE', () => {
    expect(stackSettingsFromEnv({})).toEqual({
      pgBase: 'postgres://postgres@127.0.0.1:5432',
      natsUrl: 'nats://127.0.0.1:4222',
      portBase: 3000,
      logLevel: undefined,
      otlpEndpoint: undefined,
      devIssuerDir: resolve(__dirname, '../../../.stac/dev-issuer'),
      dataKeyFile: resolve(__dirname, '../../../.stac/dev-data-key'),
      chainKeyFile: resolve(__dirname, '../../../.stac/dev-chain-key'),
      natsPasswords: {},
      natsTlsCa: undefined,
    });
    expect(
      stackSettingsFromEnv({
        STAC_PG_URL: 'postgres://root@localhost',
        NATS_URL: 'nats://n:1',
        STAC_PORT_BASE: '5000',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      }),
    ).toMatchObject({
      pgBase: 'postgres://root@localhost',
      natsUrl: 'nats://n:1',
      portBase: 5000,
      otlpEndpoint: 'http://127.0.0.1:4318',
    });
    // Tracing on for every service when a collector is named, off (the spec's empty default) otherwise.
    const traced = stackEnv({ ...base, otlpEndpoint: 'http://127.0.0.1:4318' });
    for (const svc of SERVICES) expect(traced[svc].OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
    for (const svc of SERVICES) expect(stackEnv(base)[svc].OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
    expect(() => stackSettingsFromEnv({ STAC_PORT_BASE: 'abc' })).toThrow(/STAC_PORT_BASE/);
  });

  it('BUS-01: on the compose NATS each service connects as its own user, over TLS, from the local env file', () => {
    const settings = stackSettingsFromEnv({
      STAC_NATS_INTAKE_PASSWORD: 'pw-intake',
      STAC_NATS_RISK_ASSESSMENT_PASSWORD: 'pw-risk',
      STAC_NATS_GATEWAY_PASSWORD: 'pw-gw',
      STAC_NATS_TLS_CA: '.stac/nats-tls/ca.crt',
    });
    expect(settings.natsPasswords).toEqual({ intake: 'pw-intake', 'risk-assessment': 'pw-risk', gateway: 'pw-gw' });
    const env = stackEnv({ ...base, natsPasswords: settings.natsPasswords, natsTlsCa: settings.natsTlsCa });
    expect([env.intake.NATS_USER, env.intake.NATS_PASSWORD]).toEqual(['intake', 'pw-intake']);
    expect([env['risk-assessment'].NATS_USER, env.gateway.NATS_USER]).toEqual(['risk-assessment', 'gateway']);
    expect(env.probation.NATS_USER).toBe('');
    for (const svc of SERVICES) expect(env[svc].NATS_TLS_CA).toBe(resolve('.stac/nats-tls/ca.crt'));
  });
});

describe('devDataKey', () => {
  it('creates a 32-byte key readable only by its owner once, then returns the same key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stac-key-'));
    try {
      const file = join(dir, 'nested', 'dev-data-key');
      const key = devDataKey(file);
      expect(Buffer.from(key, 'base64')).toHaveLength(32);
      expect(devDataKey(file)).toBe(key);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compiled entries and their node flags', () => {
  it('runs every service and migration from the compiled output of `pnpm build`', () => {
    expect(serviceEntry('risk-assessment')).toBe('apps/risk-assessment/dist/local/main.js');
    expect(migrateEntry('intake')).toBe('apps/intake/dist/local/migrate.js');
  });

  it('gives every service a small young generation unless STAC_SERVICE_NODE_ARGS says otherwise', () => {
    expect(serviceNodeArgs({})).toEqual([...DEFAULT_SERVICE_NODE_ARGS]);
    expect(DEFAULT_SERVICE_NODE_ARGS.some((a) => a.startsWith('--max-old-space-size'))).toBe(false);
    expect(serviceNodeArgs({ STAC_SERVICE_NODE_ARGS: ' --max-semi-space-size=8  --trace-gc ' })).toEqual([
      '--max-semi-space-size=8',
      '--trace-gc',
    ]);
    expect(serviceNodeArgs({ STAC_SERVICE_NODE_ARGS: '' })).toEqual([]);
  });

  it('runs a second stack on its own databases and event namespace when told (the bench start-up phase)', () => {
    const settings = stackSettingsFromEnv({ STAC_DATABASE_SUFFIX: '_start_abc', NATS_NAMESPACE: 'startabc' });
    expect(settings).toMatchObject({ databaseSuffix: '_start_abc', natsNamespace: 'startabc' });
    const env = stackEnv({ ...base, ...settings });
    expect(env.intake.DATABASE_URL).toMatch(/\/stac_intake_start_abc$/);
    for (const svc of SERVICES) expect(env[svc].NATS_NAMESPACE).toBe('startabc');
    expect(stackSettingsFromEnv({})).toMatchObject({ databaseSuffix: undefined, natsNamespace: undefined });
  });
});
