import type { JetStreamClient } from '@nats-io/jetstream';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { inSpan, SpanKind, traceparentFrom, traceparentOf, type ServiceMetrics } from '@stac/observability';
import { toNatsHeaders, type EventHeaders } from './headers';
import { WakeableSleep } from './wakeable-sleep';
import { wireSubject } from './provisioning';

export interface OutboxRelayOptions {
  databaseUrl: string;
  js: JetStreamClient;
  service: string;
  pollMs: number;
  batchSize?: number;
  logger: Logger;
  metrics?: ServiceMetrics;
  stream?: string;
  /** NATS_NAMESPACE: prefixes every published subject (isolated stacks on one NATS). */
  namespace?: string;
  /** Server-side statement timeout of the relay's connection (default 10 s); the client gives up 2 s later. */
  statementTimeoutMs?: number;
}

interface OutboxRow {
  seq: string;
  id: string;
  subject: string;
  envelope: string;
  event_type: string | null;
  headers: EventHeaders | null;
}

/** Advisory lock key: one active relay per service database, so per-aggregate order holds. */
const RELAY_LOCK = 0x5354_4143; // 'STAC'

/**
 * Publishes committed outbox rows to JetStream with msgID = event id, then marks them published.
 * A crash between the two re-publishes on restart; the stream's duplicate window and each consumer's
 * inbox make that harmless. Wakes on LISTEN/NOTIFY and also polls, so a lost notification only costs
 * one poll interval.
 */
export class OutboxRelay {
  private stopped = false;
  private sessionBroken = false;
  private readonly sleeper = new WakeableSleep();
  private loop?: Promise<void>;
  private client?: Client;
  private active = false;

  constructor(private readonly o: OutboxRelayOptions) {}

  get isActive(): boolean {
    return this.active;
  }

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.session();
      } catch (e) {
        this.o.logger.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code } }, 'outbox relay session ended; retrying');
      } finally {
        this.active = false;
        await this.client?.end().catch(() => undefined);
        this.client = undefined;
      }
      if (!this.stopped) await this.sleeper.sleep(this.o.pollMs);
    }
  }

  private async session(): Promise<void> {
    const client = new Client({
      connectionString: this.o.databaseUrl,
      application_name: `${this.o.service}-outbox-relay`,
      connectionTimeoutMillis: 3000,
      // A half-open connection must not hang the relay while its advisory lock keeps every other
      // replica out: TCP keep-alive on both ends, a server-side statement timeout and a client-side
      // query timeout. The server ends a session whose client vanished (keep-alive probes,
      // client_connection_check_interval), and with it the session's advisory lock.
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
      statement_timeout: this.o.statementTimeoutMs ?? 10_000,
      query_timeout: (this.o.statementTimeoutMs ?? 10_000) + 2000,
      idle_in_transaction_session_timeout: 10_000,
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3 -c client_connection_check_interval=5000',
    });
    this.client = client;
    // A dead connection ends this session at once (the next query would fail anyway): a new
    // session reconnects and competes for the lock again.
    client.on('error', () => {
      this.sessionBroken = true;
      this.sleeper.wake();
    });
    client.on('end', () => {
      this.sessionBroken = true;
      this.sleeper.wake();
    });
    this.sessionBroken = false;
    await client.connect();
    while (!this.stopped && !this.sessionBroken) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK]);
      if (rows[0].locked) break;
      await this.sleeper.sleep(this.o.pollMs);
    }
    if (this.stopped || this.sessionBroken) return;
    this.active = true;
    client.on('notification', () => this.sleeper.wake());
    await client.query('LISTEN outbox');
    const batch = this.o.batchSize ?? 256;
    while (!this.stopped && !this.sessionBroken) {
      const published = await this.publishBatch(client, batch);
      if (published < batch) await this.sleeper.sleep(this.o.pollMs);
    }
  }

  /** Publishes up to `limit` rows in order; marks the contiguous prefix that the server acknowledged. */
  async publishBatch(client: Client, limit: number): Promise<number> {
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, id, subject, envelope::text AS envelope, envelope->>'eventType' AS event_type, headers
         FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      [limit],
    );
    if (rows.length === 0) return 0;
    // Pipelined on one connection: the server stores them in send order.
    // Each publish runs in its own async function so a row that throws synchronously (bad headers)
    // fails only itself instead of the whole batch and session.
    // Each publish is a PRODUCER span continuing the trace the row was written in (its traceparent);
    // the message carries the publish span's own traceparent, so every consumer's span is its child.
    const results = await Promise.allSettled(
      rows.map(async (r) =>
        inSpan(
          `event.publish ${r.subject}`,
          {
            kind: SpanKind.PRODUCER,
            remoteParent: traceparentFrom(r.headers?.traceparent),
            attributes: {
              'messaging.system': 'nats',
              'messaging.operation.type': 'send',
              'messaging.destination.name': r.subject,
              'messaging.message.id': r.id,
              'stac.event.id': r.id,
              ...(r.event_type ? { 'stac.event.type': r.event_type } : {}),
            },
          },
          (span) =>
            this.o.js.publish(wireSubject(r.subject, this.o.namespace), r.envelope, {
              msgID: r.id,
              headers: toNatsHeaders({ ...r.headers, traceparent: traceparentOf(span) ?? r.headers?.traceparent }),
              timeout: 5000,
            }),
        ),
      ),
    );
    let ok = 0;
    while (ok < results.length && results[ok].status === 'fulfilled') ok++;
    if (ok > 0) {
      await client.query('UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])', [
        rows.slice(0, ok).map((r) => r.seq),
      ]);
      this.o.metrics?.eventsPublished.inc({ stream: this.o.stream ?? this.o.service }, ok);
    }
    if (ok < rows.length) {
      const failed = results[ok] as PromiseRejectedResult;
      this.o.logger.warn(
        { outboxSeq: rows[ok].seq, subject: rows[ok].subject, err: { type: failed.reason?.name } },
        'outbox publish failed; will retry',
      );
    }
    return ok;
  }
}
