import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, SERVICE_DATABASES, SERVICE_ENV, type EnvSpec } from '@stac/config';

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
};
type Compose = {
  services: Record<string, Service>;
  networks?: Record<string, { internal?: boolean } | null>;
};

/** Compose's variable interpolation with an empty environment: `${VAR:-default}` gives the default. */
function interpolate(value: string, where: string): string {
  return value.replace(
    /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, ...g) => {
      const [dollar, braced, op, arg, bare] = g as (string | undefined)[];
      if (dollar === '$') return '$';
      if (op === ':-' || op === '-') return arg ?? '';
      throw new Error(
        `${where}: \${${braced ?? bare}} has no default, so \`docker compose up\` needs it set`,
      );
    },
  );
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as Compose;
const services = compose.services;

const APPS = Object.keys(SERVICE_ENV) as (keyof typeof SERVICE_ENV)[];
const DOMAIN = Object.keys(SERVICE_DATABASES) as (keyof typeof SERVICE_DATABASES)[];
const INFRA = ['postgres', 'nats', 'migrate'];

function envOf(name: string): Record<string, string> {
  const env = services[name]?.environment ?? {};
  expect(Array.isArray(env)).toBe(false); // the map form, so every variable is checked by name
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, interpolate(String(v ?? ''), `${name}.environment.${k}`)]),
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

/** `CREATE ... name PASSWORD_VAR` lines of the Postgres init script: database (= role) -> password variable. */
function initScriptDatabases(): Map<string, string> {
  const script = read('deploy/postgres/init/10-service-databases.sh');
  return new Map(
    [...script.matchAll(/^create_service_database\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], m[2]]),
  );
}

describe('docker-compose.yml', () => {
  it('has exactly the infrastructure, the migrate job and one service per app', () => {
    expect(Object.keys(services).sort()).toEqual([...INFRA, ...APPS].sort());
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
  });

  it('publishes only the gateway, on its HTTP_PORT, on a non-internal network', () => {
    const published = Object.keys(services).filter((s) => (services[s].ports ?? []).length > 0);
    expect(published).toEqual(['gateway']);
    expect(containerPorts('gateway')).toEqual([Number(envOf('gateway').HTTP_PORT)]);
    const internal = (n: string) => compose.networks?.[n]?.internal === true;
    expect(networksOf('gateway').some((n) => !internal(n))).toBe(true);
    for (const s of Object.keys(services).filter((x) => x !== 'gateway')) {
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
      const passwordVar = initScriptDatabases().get(db);
      expect(passwordVar).toBeDefined();
      expect(decodeURIComponent(url.password)).toBe(envOf('postgres')[passwordVar as string]);
    },
  );

  it('creates exactly the SERVICE_DATABASES in the Postgres init script, with every password supplied', () => {
    const dbs = initScriptDatabases();
    expect([...dbs.keys()].sort()).toEqual(Object.values(SERVICE_DATABASES).sort());
    const pg = envOf('postgres');
    for (const v of dbs.values()) expect({ [v]: pg[v] }).toEqual({ [v]: expect.stringMatching(/\S/) });
    expect(services.postgres.image).toMatch(/^postgres:15\b/);
    expect(services.postgres.volumes).toContain('./deploy/postgres/init:/docker-entrypoint-initdb.d:ro');
    expect(String(services.postgres.healthcheck?.test)).toMatch(/pg_isready/);
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
      const spec: EnvSpec = SERVICE_ENV[svc];
      const env = envOf('migrate');
      const required = Object.keys(spec).filter((k) => spec[k].default === undefined);
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
  });
});
