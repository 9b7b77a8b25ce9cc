// `pnpm events:reconcile`: re-publishes every service's retained outbox to rebuild a lost stream. See README.md.
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { BUS_TOOL_ENV, loadConfig, SERVICE_DATABASES } from '@stac/config';
import { STREAMS } from '@stac/contracts';
import {
  busCredentials,
  connectNats,
  ensureStream,
  reconcileOutbox,
  streamName,
  type ReconcileResult,
} from '@stac/messaging';
import { actionLogger, operatorId, parseArgs } from './operator';

export interface ReconcileTarget {
  service: string;
  url: string;
}

/** Re-publishes each target's outbox; one line per service on `out`, one log line per service. */
export async function reconcileAll(
  targets: ReconcileTarget[],
  js: JetStreamClient,
  o: { namespace?: string; since?: Date; out: NodeJS.WritableStream; log: Logger; operator: string },
): Promise<Record<string, ReconcileResult | 'failed'>> {
  const results: Record<string, ReconcileResult | 'failed'> = {};
  for (const t of targets) {
    const client = new Client({
      connectionString: t.url,
      connectionTimeoutMillis: 3000,
      statement_timeout: 30_000,
    });
    try {
      await client.connect();
      const r = await reconcileOutbox(client, js, { namespace: o.namespace, since: o.since });
      results[t.service] = r;
      o.out.write(
        `${t.service}: ${r.read} outbox events, ${r.published} re-published, ${r.duplicates} already in the stream\n`,
      );
      o.log.info(
        {
          operator: o.operator,
          action: 'events.reconcile',
          service: t.service,
          ...r,
          since: o.since?.toISOString(),
        },
        'outbox re-published',
      );
    } catch (e) {
      results[t.service] = 'failed';
      o.out.write(`${t.service}: failed (${(e as { code?: string }).code ?? (e as Error).name})\n`);
      o.log.error(
        {
          operator: o.operator,
          action: 'events.reconcile',
          service: t.service,
          err: { type: (e as Error)?.name },
        },
        'reconcile failed',
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  return results;
}

function targetsFromArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { targets: ReconcileTarget[]; since?: Date } {
  const { options } = parseArgs(argv);
  const base = env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432';
  const only = new Set(options.get('service') ?? []);
  // Only producers have an outbox worth re-publishing; consumers' outboxes are empty but harmless.
  const producers = new Set(STREAMS.map((s) => s.producer));
  const targets: ReconcileTarget[] = [];
  for (const [service, db] of Object.entries(SERVICE_DATABASES)) {
    if (!producers.has(service) || (only.size && !only.has(service))) continue;
    const u = new URL(base);
    u.pathname = `/${db}`;
    targets.push({ service, url: u.toString() });
  }
  for (const spec of options.get('db') ?? []) {
    const [service, url] = spec.split(/=(.*)/s);
    const i = targets.findIndex((t) => t.service === service);
    if (i >= 0) targets[i] = { service, url };
    else targets.push({ service, url });
  }
  const sinceRaw = options.get('since')?.[0];
  const since = sinceRaw ? new Date(sinceRaw) : undefined;
  if (since && Number.isNaN(since.getTime())) throw new Error(`--since is not a date: ${sinceRaw}`);
  return { targets, since };
}

if (require.main === module) {
  (async () => {
    const { targets, since } = targetsFromArgs(process.argv.slice(2), process.env);
    // BUS-01: as the reconcile bus user (NATS_USER/NATS_PASSWORD; production by default requires them).
    const c = loadConfig(BUS_TOOL_ENV);
    const namespace = c.NATS_NAMESPACE;
    const nc = await connectNats(c.NATS_URL, 'stac-events-reconcile', { user: 'reconcile', namespace, credentials: busCredentials(c) });
    try {
      // A deleted stream is created again (default limits; the services re-apply the configured
      // ones at their next start) before anything is published to it.
      const jsm = await jetstreamManager(nc);
      for (const s of STREAMS) {
        if (!targets.some((t) => t.service === s.producer)) continue;
        const exists = await jsm.streams.info(streamName(s, namespace)).then(
          () => true,
          () => false,
        );
        if (!exists) await ensureStream(jsm, s, namespace);
      }
      const results = await reconcileAll(targets, jetstream(nc), {
        namespace,
        since,
        out: process.stdout,
        log: actionLogger('events-reconcile'),
        operator: operatorId(),
      });
      return Object.values(results).includes('failed') ? 1 : 0;
    } finally {
      await nc.drain();
    }
  })().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`events:reconcile: ${(e as Error)?.message ?? e}\n`);
      process.exit(1);
    },
  );
}
