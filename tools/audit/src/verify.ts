import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { Client } from 'pg';
import { AnchorError, ChainKey, latestAnchor, verifyAccessLog, type ChainAnchor } from '@stac/auth';
import { BUS_TOOL_ENV, developmentEnabled, loadConfig, SERVICE_DATABASES } from '@stac/config';
import { busConnectionOptions, busCredentials } from '@stac/messaging';

/**
 * `pnpm audit:verify`: walks every service's keyed, hash-chained access log and reports the first problem
 * (LAW-04, LAW-07): a broken link or keyed hash, a gap, a position that is not positive, rows sealed out
 * of order, a chain that ends before (or differs from) the head anchored in JetStream AUDIT_ANCHORS, entries
 * sealed longer ago than the limit that no anchor covers (the anchors deleted or stopped), and unsealed rows
 * older than the limit. Exits 1 when any chain fails or cannot be read.
 */
export interface VerifySettings {
  /** The chain key of each service (the verifier holds them; the databases do not). */
  keys: Record<string, ChainKey>;
  maxUnsealedAgeMs: number;
  /** The newest anchor of a service (null when it never anchored); absent: anchors are not checked. */
  anchor?: (service: string, key: ChainKey) => Promise<ChainAnchor | null>;
}

export async function verifyAll(
  urls: Record<string, string>,
  settings: VerifySettings,
  out: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  let intact = true;
  for (const [service, url] of Object.entries(urls)) {
    const key = settings.keys[service];
    if (!key) {
      intact = false;
      out.write(`${service}: could not be verified (no chain key)\n`);
      continue;
    }
    let anchor: ChainAnchor | null | undefined;
    if (settings.anchor) {
      try {
        anchor = await settings.anchor(service, key);
      } catch (e) {
        intact = false;
        const why = e instanceof AnchorError ? e.message : ((e as { code?: string }).code ?? (e as Error).name);
        out.write(`${service}: could not be verified (anchor unreadable: ${why})\n`);
        continue;
      }
    }
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      const result = await verifyAccessLog(async (sql, params) => (await client.query(sql, params)).rows, {
        key,
        maxUnsealedAgeMs: settings.maxUnsealedAgeMs,
        anchor: anchor ?? undefined,
        requireAnchor: !!settings.anchor,
      });
      const b = result.firstBreak;
      if (b?.problem === 'behind-anchor') {
        intact = false;
        out.write(
          `${service}: BROKEN: the chain ends at position ${result.head?.chainSeq ?? 0}, behind its anchor at ${anchor?.chainSeq} (newest entries deleted)\n`,
        );
      } else if (b) {
        intact = false;
        out.write(`${service}: BROKEN at seq ${b.seq} (entry ${b.id}): ${b.problem}; ${result.checked} entries intact before it\n`);
      } else {
        const pending = result.unsealed ? `; ${result.unsealed} newest not yet sealed` : '';
        const anchored = settings.anchor ? (anchor ? `; anchored at ${anchor.chainSeq}` : '; no anchor yet') : '';
        out.write(`${service}: intact (${result.checked} entries${pending}${anchored})\n`);
      }
    } catch (e) {
      intact = false;
      out.write(`${service}: could not be verified (${(e as { code?: string }).code ?? (e as Error).name})\n`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return intact;
}

const envName = (service: string) => service.toUpperCase().replace(/-/g, '_');

/**
 * Each service's key: AUDIT_CHAIN_KEY_<SERVICE>, else AUDIT_CHAIN_KEY; only with NODE_ENV=development (or
 * test) the local stack's key file (`pnpm start` creates it) when neither is set.
 */
export function keysFromEnv(services: string[], env: NodeJS.ProcessEnv, root: string): Record<string, ChainKey> {
  const keys: Record<string, ChainKey> = {};
  const devFile = resolve(env.STAC_CHAIN_KEY_FILE || join(root, '.stac', 'dev-chain-key'));
  for (const service of services) {
    let value = env[`AUDIT_CHAIN_KEY_${envName(service)}`] || env.AUDIT_CHAIN_KEY;
    if (!value && developmentEnabled(env.NODE_ENV) && existsSync(devFile)) value = readFileSync(devFile, 'utf8').trim();
    if (value) keys[service] = ChainKey.fromBase64(value);
  }
  return keys;
}

function urlsFromArgs(argv: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const base = env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432';
  const urls: Record<string, string> = {};
  for (const [service, db] of Object.entries(SERVICE_DATABASES)) {
    const u = new URL(base);
    u.pathname = `/${db}`;
    urls[service] = u.toString();
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--db' && argv[i + 1]) {
      const [service, url] = argv[++i].split(/=(.*)/s);
      urls[service] = url;
    }
  }
  return urls;
}

async function main(): Promise<boolean> {
  const argv = process.argv.slice(2);
  const env = process.env;
  const urls = urlsFromArgs(argv, env);
  const maxUnsealedSeconds = Number(env.AUDIT_MAX_UNSEALED_SECONDS || 300);
  if (!Number.isFinite(maxUnsealedSeconds) || maxUnsealedSeconds <= 0) throw new Error('AUDIT_MAX_UNSEALED_SECONDS must be a positive number');
  const keys = keysFromEnv(Object.keys(urls), env, resolve(__dirname, '../../..'));
  let nc: NatsConnection | undefined;
  const settings: VerifySettings = { keys, maxUnsealedAgeMs: maxUnsealedSeconds * 1000 };
  if (!argv.includes('--no-anchor')) {
    // BUS-01: as the audit-verify bus user (NATS_USER/NATS_PASSWORD; production by default requires them).
    const c = loadConfig(BUS_TOOL_ENV, env);
    const namespace = c.NATS_NAMESPACE;
    settings.anchor = async (service, key) => {
      nc ??= await connect({
        ...busConnectionOptions(c.NATS_URL, 'audit-verify', namespace, busCredentials(c)),
        timeout: 3000,
        name: 'stac-audit-verify',
      });
      return latestAnchor(nc, key, service, namespace);
    };
  }
  try {
    return await verifyAll(urls, settings);
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

if (require.main === module) {
  main().then(
    (ok) => process.exit(ok ? 0 : 1),
    (e: unknown) => {
      process.stderr.write(`audit:verify: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
