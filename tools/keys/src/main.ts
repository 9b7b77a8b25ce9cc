import { spawnSync } from 'node:child_process';
import { hkdfSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { ConfigError, loadConfig, SERVICE_DATABASES, SERVICE_ENV, SERVICE_KEY_VARS, type DatabaseService, type EnvVar } from '@stac/config';
import { encryptionStatus, keyRingFromEnv, rotateTable, type TableRotationReport } from '@stac/persistence';
import { ENCRYPTED_TABLES } from './encrypted-tables';

const USAGE = `usage:
  pnpm keys rotate <service> [--batch N]   re-encrypt every encrypted column under the current key (online)
  pnpm keys status <service>               ciphertexts per key id, plaintext left to seal (headers only)
  pnpm keys reindex intake                 derive every search key again under INTAKE_SEARCH_KEY (after a new one)
  pnpm keys generate [kid]                 a new ring entry kid:base64 (32 random bytes)
  pnpm keys legacy-search-key              INTAKE_SEARCH_KEY that keeps the search keys of the old DATA_KEY
services: ${Object.keys(SERVICE_DATABASES).join(', ')}
environment: DATABASE_URL (the service's database), the service's <SVC>_DATA_KEYS; NODE_ENV as the service's`;

function serviceArg(arg: string | undefined): DatabaseService {
  if (!arg || !(arg in SERVICE_DATABASES)) throw new UsageError(`unknown service ${arg ?? '(none)'}`);
  return arg as DatabaseService;
}

class UsageError extends Error {}

function ringOf(service: DatabaseService, env: NodeJS.ProcessEnv) {
  const name = SERVICE_KEY_VARS[service].ring;
  return keyRingFromEnv(name, (SERVICE_ENV[service] as Record<string, EnvVar>)[name], env);
}

function poolOf(env: NodeJS.ProcessEnv): Pool {
  const { DATABASE_URL } = loadConfig({ DATABASE_URL: SERVICE_ENV.intake.DATABASE_URL }, env);
  return new Pool({ connectionString: DATABASE_URL, max: 2, application_name: 'stac-keys' });
}

const line = (r: TableRotationReport) =>
  `${r.table}: scanned ${r.scanned}, re-encrypted ${r.reencrypted}, sealed from plaintext ${r.sealedFromPlaintext}, retried ${r.retried}, conflicts ${r.conflicts}, unreadable ${r.unreadable.length}`;

/** `pnpm keys rotate <service>`: every encrypted table of the service, batch by batch; exit 1 if anything is left. */
export async function rotateService(service: DatabaseService, env: NodeJS.ProcessEnv, out: (l: string) => void, batchSize?: number) {
  const ring = ringOf(service, env);
  const pool = poolOf(env);
  try {
    out(`rotating ${service} to key ${ring.currentId}`);
    const reports: TableRotationReport[] = [];
    for (const t of ENCRYPTED_TABLES[service]) {
      const r = await rotateTable(pool, ring, t, { batchSize, onBatch: (_t, p) => out(`  ${line(p)}`) });
      out(line(r));
      for (const id of r.unreadable) out(`  ${r.table} ${id}: no key of the ring opens it`);
      reports.push(r);
    }
    return reports;
  } finally {
    await pool.end();
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = (l: string) => process.stdout.write(`${l}\n`);
  const [command, ...rest] = argv;
  switch (command) {
    case 'rotate': {
      const service = serviceArg(rest[0]);
      const at = rest.indexOf('--batch');
      const batch = at >= 0 ? Number(rest[at + 1]) : undefined;
      if (batch !== undefined && !(Number.isInteger(batch) && batch > 0 && batch <= 10000)) throw new UsageError('--batch must be 1..10000');
      const reports = await rotateService(service, env, out, batch);
      const left = reports.reduce((n, r) => n + r.conflicts + r.unreadable.length, 0);
      out(left ? `${left} rows left: run again (conflicts) or restore their key (unreadable)` : 'done: every ciphertext is under the current key');
      return left ? 1 : 0;
    }
    case 'status': {
      const service = serviceArg(rest[0]);
      const ring = ringOf(service, env);
      const pool = poolOf(env);
      try {
        const s = await encryptionStatus(pool, ring, ENCRYPTED_TABLES[service]);
        out(`${service}: current key ${s.current}`);
        for (const c of s.columns) {
          const keys = Object.entries(c.byKey).map(([k, n]) => `${k}=${n}`).join(' ') || 'empty';
          out(`  ${c.table}.${c.column}: ${keys}${c.plaintext ? `; plaintext left ${c.plaintext}` : ''}`);
        }
        const stale = s.columns.reduce((n, c) => n + c.plaintext + Object.entries(c.byKey).filter(([k]) => k !== s.current).reduce((m, [, v]) => m + v, 0), 0);
        out(stale ? `${stale} values not under ${s.current}: run pnpm keys rotate ${service}` : `every value is under ${s.current}`);
        return 0;
      } finally {
        await pool.end();
      }
    }
    case 'reindex': {
      const service = serviceArg(rest[0]);
      // Only intake's search keys can be derived again: probation never stores the case reference it indexes.
      if (service !== 'intake') throw new UsageError(`${service} has no search keys to derive again (see docs/operations.md "Rotate a search key")`);
      // intake's own entry (its name matching lives in the service): dist/reindex.js in its image.
      const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../../../apps/intake/src/reindex.ts')], { env, stdio: 'inherit' });
      return run.status ?? 1;
    }
    case 'generate': {
      const kid = rest[0] ?? `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
      if (!/^[A-Za-z0-9._-]{1,32}$/.test(kid)) throw new UsageError('a key id is 1-32 letters, digits, . _ -');
      out(`${kid}:${randomBytes(32).toString('base64')}`);
      return 0;
    }
    case 'legacy-search-key': {
      // The DATA_KEY of releases before key rings, from the environment (never an argument: shell history).
      const legacy = env.LEGACY_DATA_KEY ?? '';
      if (!/^[A-Za-z0-9+/]{43}=$/.test(legacy)) throw new UsageError('set LEGACY_DATA_KEY to the old DATA_KEY (base64 of 32 bytes)');
      out(Buffer.from(hkdfSync('sha256', Buffer.from(legacy, 'base64'), Buffer.alloc(0), 'stac:intake:person-index:v1', 32)).toString('base64'));
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command');
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) process.stderr.write(`${e.message}\n${USAGE}\n`);
      else if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
      else process.stderr.write(`keys: ${(e as Error).message}\n`);
      process.exit(e instanceof UsageError ? 64 : e instanceof ConfigError ? 78 : 1);
    },
  );
}
