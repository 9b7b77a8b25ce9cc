import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { randomBytes } from 'node:crypto';
import { trustedIssuers } from '@stac/auth';
import { loadConfig, migrationEnvSpec, SERVICE_DATABASES, SERVICE_ENV, type EnvSpec } from '@stac/config';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { BUS_USERS, natsPasswordVariable, type BusUser } from '@stac/messaging';
import { DEV_IDP_URL, localComposeEnv, NATS_TLS_DIR, requiredComposeVariables, writeLocalNatsTls } from '../../tools/stack/src/compose-local-env';
import { parseNatsConf } from '../nats/nats-conf';

// There is no Docker engine on the development and CI machines (architecture.md §8): docker-compose.yml has
// to be right by construction. This reads it the way Compose would and checks it against the code's
// own description of every service (SERVICE_ENV, SERVICE_DATABASES).

const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

type Service = {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
  volumes?: string[];
  networks?: string[] | Record<string, unknown>;
  user?: string;
  profiles?: string[];
  shm_size?: string;
};
type Compose = {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
};

/**
 * Compose's variable interpolation: `${VAR:-default}` takes VAR from `env` or gives the default; `${VAR:?message}` takes VAR from
 * `env` (the operator's secrets) and refuses without it, as `docker compose up` does.
 */
function interpolate(value: string, where: string, env: Record<string, string> = OPERATOR_SECRETS): string {
  return value.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, ...g) => {
      const [dollar, braced, op, arg, bare] = g as (string | undefined)[];
      if (dollar === '$') return '$';
      const name = (braced ?? bare) as string;
      if (op === ':-') return env[name] || (arg ?? '');
      if (op === '-') return env[name] ?? arg ?? '';
      if ((op === ':?' || op === '?') && env[name]) return env[name];
      throw new Error(`${where}: \${${name}} is not set and has no default, so \`docker compose up\` refuses to start`);
    },
  );
}

const composeText = read('docker-compose.yml');
/** Every variable compose requires of the operator (`${VAR:?...}`). */
const REQUIRED_VARS = requiredComposeVariables(composeText);
/** What an operator supplies: fresh synthetic secrets for this test run. */
const OPERATOR_SECRETS: Record<string, string> = Object.fromEntries(
  REQUIRED_VARS.map((v) => [
    v,
    v.endsWith('_DATA_KEYS')
      ? `k1:${randomBytes(32).toString('base64')}`
      : v.endsWith('_KEY')
      ? randomBytes(32).toString('base64')
      : v === 'STAC_AUTH_ISSUERS'
        ? JSON.stringify([{ issuer: 'https://idp.example/realms/police', agency: 'police', jwksUri: 'https://idp.example/certs' }])
        : `pw${randomBytes(8).toString('hex')}`,
  ]),
);

const compose = parse(composeText, { merge: true }) as Compose;
const services = compose.services;

const APPS = Object.keys(SERVICE_ENV) as (keyof typeof SERVICE_ENV)[];
const DOMAIN = Object.keys(SERVICE_DATABASES) as (keyof typeof SERVICE_DATABASES)[];
const INFRA = ['postgres', 'nats', 'migrate', 'otel-collector'];

/** Services of the local profile only (`--profile local`); production starts every other one. */
const LOCAL_ONLY = ['dev-idp'];

function envOf(name: string, operator: Record<string, string> = OPERATOR_SECRETS): Record<string, string> {
  const env = services[name]?.environment ?? {};
  expect(Array.isArray(env)).toBe(false); // the map form, so every variable is checked by name
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, interpolate(String(v ?? ''), `${name}.environment.${k}`, operator)]),
  );
}

function dependsOn(name: string): Record<string, string | undefined> {
  const d = services[name].depends_on ?? {};
  return Array.isArray(d)
    ? Object.fromEntries(d.map((s) => [s, 'service_started']))
    : Object.fromEntries(Object.entries(d).map(([s, v]) => [s, v?.condition ?? 'service_started']));
}

function networksOf(name: string): string[] {
  const n = services[name].networks ?? ['default'];
  return Array.isArray(n) ? n : Object.keys(n);
}

/** Container ports of a service's published ports, short or long syntax. */
function containerPorts(name: string): number[] {
  return (services[name].ports ?? []).map((p) => {
    if (typeof p === 'object') return Number(p.target);
    const parts = interpolate(String(p), `${name}.ports`).split(':');
    return Number(parts[parts.length - 1].split('/')[0]);
  });
}

/**
 * `create_service_database name OWNER_PASSWORD_VAR PASSWORD_VAR` lines of the Postgres init script:
 * database (= runtime role; the owner role is `<name>_owner`) -> its password variables.
 */
function initScriptDatabases(): Map<string, { owner: string; runtime: string }> {
  const script = read('deploy/postgres/init/10-service-databases.sh');
  return new Map(
    [...script.matchAll(/^create_service_database\s+(\S+)\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], { owner: m[2], runtime: m[3] }]),
  );
}

describe('docker-compose.yml', () => {
  it('has exactly the infrastructure (with the tracing collector), the migrate job, one service per app and the local-profile identity provider', () => {
    expect(Object.keys(services).sort()).toEqual([...INFRA, ...APPS, ...LOCAL_ONLY].sort());
    const profiled = Object.keys(services).filter((s) => services[s].profiles !== undefined);
    expect(profiled).toEqual(LOCAL_ONLY);
    for (const s of LOCAL_ONLY) expect(services[s].profiles).toEqual(['local']);
  });

  it.each(APPS)('%s is built from its own Dockerfile, non-root and production-only', (svc) => {
    const s = services[svc];
    expect(s.build).toEqual({ context: '.', dockerfile: `apps/${svc}/Dockerfile` });
    expect(existsSync(join(root, `apps/${svc}/Dockerfile`))).toBe(true);
    expect(s.user).toBeUndefined(); // the image's USER node stays in force
    const dockerfile = read(`apps/${svc}/Dockerfile`);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(dockerfile).toMatch(new RegExp(`build-app\\.sh ${svc} /out\\b`));
    expect(runtime).toMatch(/^\s*FROM \S+ AS runtime$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).not.toMatch(/^USER (root|0)\b/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
    expect(runtime).toMatch(/^CMD \["node", "--enable-source-maps", "dist\/main\.js"\]$/m);
    expect(runtime).toMatch(new RegExp(`^EXPOSE ${SERVICE_ENV[svc].HTTP_PORT.default}$`, 'm'));
    expect(runtime).not.toMatch(/pnpm|swc-node|npm install/); // no package manager or compiler at run time
  });

  it.each(APPS)(
    '%s sets every required variable of its SERVICE_ENV spec, nothing unknown, all valid',
    (svc) => {
      const spec: EnvSpec = SERVICE_ENV[svc];
      const env = envOf(svc);
      const required = Object.entries(spec)
        .filter(([, v]) => v.default === undefined)
        .map(([k]) => k);
      for (const name of required)
        expect({ [name]: env[name] }).toEqual({ [name]: expect.stringMatching(/\S/) });
      expect(Object.keys(env).filter((k) => !(k in spec))).toEqual([]);
      expect(() => loadConfig(spec, env)).not.toThrow();
      expect(env.HTTP_HOST).toBe('0.0.0.0');
      expect(env.NODE_ENV).toBe('production');
    },
  );

  it.each(APPS)('%s reaches NATS at the nats service and answers its healthcheck on /health/ready', (svc) => {
    const env = envOf(svc);
    const nats = new URL(env.NATS_URL ?? String(SERVICE_ENV[svc].NATS_URL.default));
    expect([nats.hostname, nats.port]).toEqual(['nats', '4222']);
    const test = services[svc].healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toMatch(/\/health\/ready/);
    expect(Array.isArray(test) ? test.join(' ') : test).toMatch(/process\.env\.HTTP_PORT/);
  });

  it.each(APPS)('%s takes its token issuers from the operator and never enables the dev issuer', (svc) => {
    const spec: EnvSpec = SERVICE_ENV[svc];
    const raw = services[svc].environment ?? {};
    if ('AUTH_ISSUERS' in spec) expect(String(raw.AUTH_ISSUERS)).toMatch(/^\$\{STAC_AUTH_ISSUERS[:}-]/);
    // The auth module refuses the dev issuer in production; compose must not even try.
    expect(raw.AUTH_DEV_ISSUER_DIR ?? '').toBe('');
    expect(envOf(svc).AUTH_DEV_ISSUER_URL ?? '').toBe('');
    expect(envOf(svc).NODE_ENV).toBe('production');
  });

  it('publishes only the gateway, on its HTTP_PORT, on a non-internal network', () => {
    const published = Object.keys(services).filter((s) => !LOCAL_ONLY.includes(s) && (services[s].ports ?? []).length > 0);
    expect(published).toEqual(['gateway']);
    expect(containerPorts('gateway')).toEqual([Number(envOf('gateway').HTTP_PORT)]);
    const internal = (n: string) => compose.networks?.[n]?.internal === true;
    expect(networksOf('gateway').some((n) => !internal(n))).toBe(true);
    for (const s of Object.keys(services).filter((x) => x !== 'gateway' && !LOCAL_ONLY.includes(x))) {
      expect({ [s]: networksOf(s).every(internal) }).toEqual({ [s]: true });
    }
  });

  it('gives every app its own distinct HTTP_PORT, equal to the spec default', () => {
    const ports = APPS.map((svc) => envOf(svc).HTTP_PORT ?? SERVICE_ENV[svc].HTTP_PORT.default);
    expect(ports).toEqual(APPS.map((svc) => SERVICE_ENV[svc].HTTP_PORT.default));
    expect(new Set(ports).size).toBe(APPS.length);
  });

  it.each(DOMAIN)('%s waits for healthy postgres and nats and a successful migrate', (svc) => {
    expect(dependsOn(svc)).toEqual({
      postgres: 'service_healthy',
      nats: 'service_healthy',
      migrate: 'service_completed_successfully',
    });
  });

  it('starts the gateway after every domain service is healthy, and nothing depends on the gateway', () => {
    const d = dependsOn('gateway');
    for (const svc of DOMAIN) expect({ [svc]: d[svc] }).toEqual({ [svc]: 'service_healthy' });
    expect(d.nats).toBe('service_healthy');
    for (const s of Object.keys(services)) expect(Object.keys(dependsOn(s))).not.toContain('gateway');
    expect(dependsOn('migrate')).toEqual({ postgres: 'service_healthy' });
  });

  it.each(DOMAIN)(
    "%s's DATABASE_URL names its own database on the postgres service, as its own role",
    (svc) => {
      const url = new URL(envOf(svc).DATABASE_URL);
      const db = SERVICE_DATABASES[svc];
      expect(url.protocol).toBe('postgres:');
      expect([url.hostname, url.port, url.pathname]).toEqual(['postgres', '5432', `/${db}`]);
      expect(url.username).toBe(db);
      // The password is the one the init script gives that role.
      const passwordVar = initScriptDatabases().get(db)?.runtime;
      expect(passwordVar).toBeDefined();
      expect(decodeURIComponent(url.password)).toBe(envOf('postgres')[passwordVar as string]);
    },
  );

  it('creates exactly the SERVICE_DATABASES in the Postgres init script, with every password supplied', () => {
    const dbs = initScriptDatabases();
    expect([...dbs.keys()].sort()).toEqual(Object.values(SERVICE_DATABASES).sort());
    const pg = envOf('postgres');
    for (const { owner, runtime } of dbs.values())
      for (const v of [owner, runtime]) expect({ [v]: pg[v] }).toEqual({ [v]: expect.stringMatching(/\S/) });
    const script = read('deploy/postgres/init/10-service-databases.sh');
    // LAW-07: the owner role owns the database and its schema; the runtime role only connects.
    expect(script).toMatch(/^CREATE DATABASE :"name" OWNER :"owner";$/m);
    expect(script).toMatch(/^ALTER SCHEMA public OWNER TO :"owner";$/m);
    expect(script).not.toMatch(/SUPERUSER(?<!NOSUPERUSER)|CREATEDB(?<!NOCREATEDB)|CREATEROLE(?<!NOCREATEROLE)/);
    expect(services.postgres.image).toMatch(/^postgres:15\b/);
    expect(services.postgres.volumes).toContain('./deploy/postgres/init:/docker-entrypoint-initdb.d:ro');
    expect(String(services.postgres.healthcheck?.test)).toMatch(/pg_isready/);
  });

  it('sizes Postgres for the people register: shared_buffers (STAC_PG_SHARED_BUFFERS, 2GB by default), autoprewarm, room in /dev/shm', () => {
    const settings = (env: Record<string, string>) =>
      Object.fromEntries(
        (services.postgres.command ?? [])
          .map((c, i, all) => (all[i - 1] === '-c' ? interpolate(c, 'postgres.command', env) : undefined))
          .filter((c): c is string => c !== undefined)
          .map((c) => c.split('=') as [string, string]),
      );
    expect(services.postgres.command?.[0]).toBe('postgres');
    expect(settings({})).toEqual({ shared_buffers: '2GB', effective_cache_size: '6GB', shared_preload_libraries: 'pg_prewarm' });
    expect(settings({ STAC_PG_SHARED_BUFFERS: '8GB', STAC_PG_EFFECTIVE_CACHE_SIZE: '24GB' })).toMatchObject({ shared_buffers: '8GB', effective_cache_size: '24GB' });
    expect(services.postgres.shm_size).toBe('256mb');
  });

  it('runs every domain service migration in the migrate job with the same database URLs as the services', () => {
    const m = services.migrate;
    expect(m.build).toEqual({ context: '.', dockerfile: 'deploy/migrate/Dockerfile' });
    const dockerfile = read('deploy/migrate/Dockerfile');
    const built = dockerfile.match(/^ARG SERVICES="([^"]*)"$/m)?.[1].split(/\s+/);
    expect(built?.sort()).toEqual([...DOMAIN].sort());
    const cmd = JSON.parse(dockerfile.match(/^CMD (\[.*\])$/m)?.[1] ?? '[]') as string[];
    expect(cmd.slice(0, 2)).toEqual(['node', '/app/migrate-all.mjs']);
    expect(cmd.slice(2).sort()).toEqual([...DOMAIN].sort());
    expect(dockerfile).toMatch(/^COPY deploy\/migrate\/migrate-all\.mjs \/app\/migrate-all\.mjs$/m);
    expect(dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))).toMatch(/^USER node$/m);
  });

  it.each(DOMAIN)(
    "gives %s's migration every required variable of its spec, prefixed, equal to the service's own",
    (svc) => {
      // migrate-all.mjs hands <SERVICE>_<VAR> to that service's migration as <VAR>.
      const prefix = `${svc.toUpperCase().replace(/-/g, '_')}_`;
      const spec: EnvSpec = migrationEnvSpec(svc);
      const env = envOf('migrate');
      const required = Object.keys(spec).filter((k) => spec[k].default === undefined && k !== 'DATABASE_MIGRATION_URL');
      expect(required).toContain('DATABASE_URL');
      for (const name of required) {
        expect({ [prefix + name]: env[prefix + name] }).toEqual({ [prefix + name]: envOf(svc)[name] });
      }
      for (const key of Object.keys(env).filter((k) => k.startsWith(prefix))) {
        expect({ [key]: key.slice(prefix.length) in spec }).toEqual({ [key]: true });
      }
    },
  );

  it('passes nothing unprefixed to the migrate job but the settings every service shares', () => {
    const prefixes = DOMAIN.map((svc) => `${svc.toUpperCase().replace(/-/g, '_')}_`);
    const shared = Object.keys(envOf('migrate')).filter((k) => !prefixes.some((p) => k.startsWith(p)));
    expect(shared.sort()).toEqual(['LOG_LEVEL', 'NODE_ENV']);
  });

  it('runs NATS with the shipped config: JetStream on file storage in a volume, sync_interval always', () => {
    const nats = services.nats;
    expect(nats.image).toMatch(/^nats:2\.(1\d|[2-9]\d)/); // sync_interval needs nats-server >= 2.10
    expect(nats.volumes).toContain('./deploy/nats/nats.conf:/etc/nats/nats.conf:ro');
    expect(nats.command).toEqual(['--config', '/etc/nats/nats.conf']);
    expect(String(nats.healthcheck?.test)).toMatch(/:8222\/healthz/);

    const conf = read('deploy/nats/nats.conf').replace(/#.*$/gm, '');
    const js = conf.match(/^jetstream\s*\{([^}]*)\}/m)?.[1];
    expect(js).toBeDefined();
    const setting = (key: string) => js?.match(new RegExp(`^\\s*${key}\\s*[:=]?\\s*(\\S+)\\s*$`, 'm'))?.[1];
    expect(setting('sync_interval')).toBe('always');
    expect(setting('max_file_store')).not.toMatch(/^0\D*$/); // file storage not switched off
    const storeDir = setting('store_dir');
    expect(storeDir).toBeDefined();
    const volumeTargets = (nats.volumes ?? []).filter((v) => !v.startsWith('.')).map((v) => v.split(':')[1]);
    expect(volumeTargets.some((t) => storeDir === t || storeDir?.startsWith(`${t}/`))).toBe(true);
    expect(conf).toMatch(/^http:\s*\S*:?8222\s*$/m);
  });

  it('BUS-01: NATS runs with TLS and a user per service and tool, each password from the operator, monitoring unpublished', () => {
    const nats = services.nats;
    const env = envOf('nats');
    // The server reads every user's password from its environment (deploy/nats/nats.conf: $STAC_NATS_<USER>_PASSWORD).
    for (const u of BUS_USERS) {
      const v = natsPasswordVariable(u);
      expect(String(nats.environment?.[v])).toBe(`\${${v}:?set ${v}}`);
      expect(env[v]).toBe(OPERATOR_SECRETS[v]);
      expect(read('deploy/nats/nats.conf')).toContain(`password: $${v}`);
    }
    // Certificate and key from the operator's TLS directory, where the shipped config looks for them.
    const tlsMount = (nats.volumes ?? []).map((v) => interpolate(v, 'nats.volumes', {})).find((v) => v.split(':')[1] === '/etc/nats/tls');
    expect(tlsMount).toBe('./.stac/nats-tls:/etc/nats/tls:ro');
    const tls = parseNatsConf(read('deploy/nats/nats.conf')).tls as Record<string, string>;
    for (const f of [tls.cert_file, tls.key_file]) expect(f.startsWith('/etc/nats/tls/')).toBe(true);
    expect(nats.ports).toBeUndefined();
    expect(parseNatsConf(read('deploy/nats/nats.conf')).http).toBe('127.0.0.1:8222');
    // The migrate job never touches the bus.
    expect(Object.keys(envOf('migrate')).filter((k) => /NATS/.test(k))).toEqual([]);
  });

  it.each(APPS)('BUS-01: %s connects as its own NATS user with its own password, over TLS verified against the mounted CA', (svc) => {
    const env = envOf(svc);
    expect(env.NATS_USER).toBe(svc);
    const v = natsPasswordVariable(svc as BusUser);
    expect(String(services[svc].environment?.NATS_PASSWORD)).toBe(`\${${v}:?set ${v}}`);
    expect(env.NATS_PASSWORD).toBe(envOf('nats')[v]);
    const others = APPS.filter((o) => o !== svc).map((o) => envOf(o).NATS_PASSWORD);
    expect(others).not.toContain(env.NATS_PASSWORD);
    const ca = (services[svc].volumes ?? []).map((m) => interpolate(m, `${svc}.volumes`, {}));
    expect(ca).toEqual([`./.stac/nats-tls/ca.crt:${env.NATS_TLS_CA}:ro`]);
    const config = loadConfig(SERVICE_ENV[svc], env) as unknown as Record<string, string>;
    expect([config.NODE_ENV, config.NATS_USER, config.NATS_TLS_CA]).toEqual(['production', svc, '/etc/stac/nats-ca.crt']);
  });

  it('runs the OpenTelemetry collector with the shipped config: OTLP/HTTP in, on the internal network only, and every app exports to it', () => {
    const c = services['otel-collector'];
    // A pinned release of the core distribution, never a moving tag.
    expect(c.image).toMatch(/^otel\/opentelemetry-collector:\d+\.\d+\.\d+$/);
    expect(c.volumes).toEqual(['./deploy/otel/collector.yaml:/etc/otelcol/config.yaml:ro']);
    expect(c.command).toEqual(['--config=/etc/otelcol/config.yaml']);
    expect(c.ports ?? []).toEqual([]);
    expect(networksOf('otel-collector')).toEqual(['backend']);
    expect(compose.networks?.backend?.internal).toBe(true);

    const conf = parse(read('deploy/otel/collector.yaml')) as {
      receivers: Record<string, { protocols?: Record<string, { endpoint?: string } | null> }>;
      exporters: Record<string, unknown>;
      service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
    };
    // OTLP over HTTP only (what the services' exporter speaks), on the port the services are given.
    expect(Object.keys(conf.receivers.otlp.protocols ?? {})).toEqual(['http']);
    expect(conf.receivers.otlp.protocols?.http?.endpoint).toMatch(/:4318$/);
    expect(Object.keys(conf.service.pipelines)).toEqual(['traces']);
    const traces = conf.service.pipelines.traces;
    expect(traces.receivers).toEqual(['otlp']);
    expect(traces.processors?.[0]).toBe('memory_limiter');
    for (const e of traces.exporters) expect({ [e]: e in conf.exporters }).toEqual({ [e]: true });

    for (const svc of APPS) {
      const url = new URL(envOf(svc).OTEL_EXPORTER_OTLP_ENDPOINT);
      expect({ svc, host: url.hostname, port: url.port }).toEqual({ svc, host: 'otel-collector', port: '4318' });
      // Whatever the operator sets, the value is one the service accepts.
      expect(() => loadConfig(SERVICE_ENV[svc], envOf(svc, { ...OPERATOR_SECRETS, STAC_OTEL_SAMPLE_RATIO: '0.25' }))).not.toThrow();
    }
    // An empty endpoint turns tracing off; compose passes that through rather than the default.
    expect(envOf('intake', { ...OPERATOR_SECRETS, STAC_OTEL_ENDPOINT: '' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
  });
});

describe('docker-compose.yml secrets and database roles', () => {
  it('DP-02: refuses to start with default secrets: every password, key and the issuers must be set by the operator', () => {
    const secretish = /PASSWORD|_KEYS?\b|ISSUERS/;
    const offending: string[] = [];
    for (const [name, svc] of Object.entries(services))
      for (const [k, v] of Object.entries(svc.environment ?? {}))
        for (const m of String(v).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?/g))
          if (secretish.test(m[1]) && m[2] !== ':?') offending.push(`${name}.${k}: \${${m[1]}${m[2] ?? ''}}`);
    expect(offending).toEqual([]);
    for (const v of ['STAC_PG_SUPERUSER_PASSWORD', 'STAC_INTAKE_DATA_KEYS', 'STAC_INTAKE_SEARCH_KEY', 'STAC_INTAKE_AUDIT_CHAIN_KEY', 'STAC_AUTH_ISSUERS'])
      expect(REQUIRED_VARS).toContain(v);
    // DP-02: every agency's key ring is the operator's, each its own variable.
    for (const v of ['STAC_RISK_DATA_KEYS', 'STAC_ADVOCACY_DATA_KEYS', 'STAC_MENTAL_HEALTH_DATA_KEYS', 'STAC_PROBATION_DATA_KEYS', 'STAC_PROBATION_SEARCH_KEY'])
      expect(REQUIRED_VARS).toContain(v);
    // Without the operator's secrets, compose refuses: the first required variable is named.
    expect(() => interpolate(String(services.intake.environment?.INTAKE_DATA_KEYS), 'intake.environment.INTAKE_DATA_KEYS', {})).toThrow(
      /STAC_INTAKE_DATA_KEYS\} is not set and has no default/,
    );
    // No published development value survives anywhere in the file.
    expect(composeText).not.toMatch(/stac-dev-(?!idp\b)|Y28wSMBJECzwWbereCW/);
  });

  it.each(DOMAIN)('LAW-07: %s runs as its runtime role with its own chain key; its migration runs as the owner, without the key', (svc) => {
    const db = SERVICE_DATABASES[svc];
    const prefix = `${svc.toUpperCase().replace(/-/g, '_')}_`;
    const m = envOf('migrate');
    const owner = new URL(m[`${prefix}DATABASE_MIGRATION_URL`]);
    expect([owner.username, owner.hostname, owner.pathname]).toEqual([`${db}_owner`, 'postgres', `/${db}`]);
    const vars = initScriptDatabases().get(db);
    expect(decodeURIComponent(owner.password)).toBe(envOf('postgres')[vars?.owner as string]);
    expect(new URL(envOf(svc).DATABASE_URL).username).toBe(db);
    expect(Object.keys(m).filter((k) => /AUDIT_CHAIN_KEY/.test(k))).toEqual([]);
    // Its own key variable, required, shared with no other service.
    const keyVar = String(services[svc].environment?.AUDIT_CHAIN_KEY).match(/^\$\{(STAC_[A-Z_]+_AUDIT_CHAIN_KEY):\?/)?.[1];
    expect(keyVar).toBeDefined();
    const others = DOMAIN.filter((o) => o !== svc).map((o) => String(services[o].environment?.AUDIT_CHAIN_KEY));
    expect(others.some((o) => o.includes(`{${keyVar}:`))).toBe(false);
    expect(Object.keys(envOf(svc))).not.toContain('DATABASE_MIGRATION_URL');
  });
});

describe('docker-compose.yml, local profile (`pnpm run compose:local-env`, then `--profile local up`)', () => {
  const local = localComposeEnv(composeText);

  it('BUS-01: the generator makes a throwaway CA and a certificate the services verify the `nats` server with', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stac-nats-tls-'));
    try {
      expect(writeLocalNatsTls(dir)).toBe('written');
      expect(writeLocalNatsTls(dir)).toBe('kept');
      const verify = spawnSync('openssl', ['verify', '-CAfile', join(dir, 'ca.crt'), join(dir, 'server.crt')], { encoding: 'utf8' });
      expect(verify.stdout.trim()).toBe(`${join(dir, 'server.crt')}: OK`);
      const text = spawnSync('openssl', ['x509', '-in', join(dir, 'server.crt'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' }).stdout;
      expect(text).toMatch(/DNS:nats\b/);
      expect(local.STAC_NATS_TLS_CA).toBe(`${NATS_TLS_DIR}/ca.crt`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the generated env file supplies every required variable with fresh values and switches to development', () => {
    for (const v of REQUIRED_VARS) expect({ [v]: local[v] }).toEqual({ [v]: expect.stringMatching(/\S/) });
    expect(localComposeEnv(composeText).STAC_PG_SUPERUSER_PASSWORD).not.toBe(local.STAC_PG_SUPERUSER_PASSWORD);
    expect(local).toMatchObject({ COMPOSE_PROFILES: 'local', STAC_NODE_ENV: 'development', STAC_AUTH_ISSUERS: '[]' });
  });

  it.each(APPS)('%s starts in development and trusts only the dev-idp container, fetching its JWKS over HTTP', (svc) => {
    const env = envOf(svc, local);
    const config = loadConfig(SERVICE_ENV[svc], env) as unknown as Record<string, string>;
    expect(config.NODE_ENV).toBe('development');
    const issuers = trustedIssuers({
      audience: config.AUTH_AUDIENCE,
      issuersJson: config.AUTH_ISSUERS,
      devIssuerDir: config.AUTH_DEV_ISSUER_DIR,
      devIssuerUrl: config.AUTH_DEV_ISSUER_URL,
      nodeEnv: config.NODE_ENV,
    });
    expect(new Set(issuers.map((i) => i.jwksUri))).toEqual(new Set([`${DEV_IDP_URL}/jwks.json`]));
    // The same service under the production defaults refuses that issuer.
    expect(() => trustedIssuers({ audience: 'a', issuersJson: '[]', devIssuerDir: '', devIssuerUrl: DEV_IDP_URL, nodeEnv: 'production' })).toThrow(
      /development only/,
    );
  });

  it('dev-idp is reachable from the services on backend, publishes its token endpoint on loopback only, and runs unprivileged', () => {
    const idp = services['dev-idp'];
    const url = new URL(DEV_IDP_URL);
    expect(url.hostname).toBe('dev-idp');
    expect(networksOf('dev-idp')).toEqual(expect.arrayContaining(['backend', 'edge']));
    expect(idp.ports).toEqual([`127.0.0.1:${url.port}:${url.port}`]);
    expect(envOf('dev-idp', local).DEV_IDP_PORT).toBe(url.port);
    expect(idp.build).toEqual({ context: '.', dockerfile: 'deploy/dev-idp/Dockerfile' });
    const dockerfile = read('deploy/dev-idp/Dockerfile');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENV NODE_ENV=development$/m);
    const entry = JSON.parse(dockerfile.match(/^CMD (\[.*\])$/m)?.[1] ?? '[]') as string[];
    expect(existsSync(join(root, entry[entry.length - 1]))).toBe(true);
    expect(String(idp.healthcheck?.test)).toMatch(/\/health/);
  });
});

describe('deploy/compose/local-infra.yml', () => {
  it('only publishes Postgres and NATS, on loopback, for `pnpm start` on the host', () => {
    const override = parse(read('deploy/compose/local-infra.yml')) as Compose;
    expect(Object.keys(override.services).sort()).toEqual(['nats', 'postgres']);
    expect(override.services.postgres.ports).toEqual(['127.0.0.1:5432:5432']);
    expect(override.services.nats.ports).toEqual(['127.0.0.1:4222:4222']);
    for (const s of Object.values(override.services)) expect(s.networks).toContain('backend');
  });
});

describe('interpolate (the test helper)', () => {
  it('applies defaults, keeps $$ literal and refuses variables without a default', () => {
    expect(interpolate('a${X:-b}c${Y-d}$$e', 't')).toBe('abcd$e');
    expect(() => interpolate('${SECRET}', 't')).toThrow(/SECRET/);
    expect(() => interpolate('${SECRET:?set it}', 't', {})).toThrow(/SECRET/);
    expect(interpolate('${SECRET:?set it}', 't', { SECRET: 's' })).toBe('s');
  });
});
