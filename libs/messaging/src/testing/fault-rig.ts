/**
 * A producer and a consumer built from @stac/messaging (outbox + relay, EventConsumer with its
 * inbox) on a private Postgres cluster and a private NATS, a steady load of referrals-like events,
 * and a checker that, after a fault, reports sent / acknowledged / lost / duplicated effects / dead
 * letters / maximum lag / recovery time.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { Client } from 'pg';
import pino from 'pino';
import { IsIn, IsInt, IsOptional, IsUUID, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { StreamDefinition } from '@stac/contracts';
import {
  connectNats,
  ensureStream,
  EventConsumer,
  listDeadLetters,
  MessagingSchema1764201600000,
  Outbox,
  OutboxRelay,
  reconcileOutbox,
  streamName,
  toNatsHeaders,
} from '../index';
import { PrivateNats, PrivatePostgres } from './private-servers';

export const logger = pino({ level: process.env.FAULT_LOG_LEVEL ?? 'silent' });

/** The event under test: one per "referral"; `poison` makes the consumer's handler fail every time. */
export class ParcelSentV1 {
  static readonly subject = 'fault.parcel.sent.v1';
  static readonly eventType = 'fault.parcel.sent';
  static readonly version = 1;

  @IsUUID()
  parcelId!: string;

  @IsInt()
  @Min(0)
  n!: number;

  @IsOptional()
  @IsIn(['poison'])
  mode?: string;
}

export const STREAM: StreamDefinition = { name: 'FAULT', subjectPrefix: 'fault', producer: 'fault-producer' };
export const CONSUMER = 'fault-consumer';

export interface FaultFigures {
  fault: string;
  sent: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  deadLetters: number;
  maxLagMs: number;
  recoveryMs: number;
}

async function dataSource(url: string): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: [MessagingSchema1764201600000],
    logging: false,
    // As the services configure their pools: fail fast while the database is away.
    extra: { max: 4, connectionTimeoutMillis: 2000, statement_timeout: 15000 },
  });
  await ds.initialize();
  await ds.runMigrations();
  return ds;
}

export class FaultRig {
  readonly nats = new PrivateNats();
  readonly pg = new PrivatePostgres();
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  producerDb!: DataSource;
  consumerDb!: DataSource;
  relay!: OutboxRelay;
  consumer!: EventConsumer;
  readonly outbox = new Outbox(STREAM.producer);
  private n = 0;

  async start(): Promise<void> {
    await Promise.all([this.nats.start(), this.pg.init()]);
    const admin = new Client({ connectionString: this.pg.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE producer');
    await admin.query('CREATE DATABASE consumer');
    await admin.end();
    this.producerDb = await dataSource(this.pg.url('producer'));
    this.consumerDb = await dataSource(this.pg.url('consumer'));
    await this.producerDb.query('CREATE TABLE parcel (id uuid PRIMARY KEY, n int NOT NULL)');
    // No unique key on purpose: a duplicated effect is a second row.
    await this.consumerDb.query(`
      CREATE TABLE parcel_effect (
        k bigserial PRIMARY KEY,
        parcel_id uuid NOT NULL,
        event_id uuid NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    this.nc = await connectNats(this.nats.url, 'fault-rig');
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    await ensureStream(this.jsm, STREAM);
    this.relay = new OutboxRelay({
      databaseUrl: this.pg.url('producer'),
      js: this.js,
      service: STREAM.producer,
      stream: STREAM.name,
      pollMs: 200,
      statementTimeoutMs: 5000,
      logger,
    });
    this.relay.start();
    this.consumer = new EventConsumer({
      consumer: CONSUMER,
      nc: this.nc,
      js: this.js,
      jsm: this.jsm,
      dataSource: this.consumerDb,
      maxDeliver: 5,
      ackWaitMs: 5000,
      redeliveryBaseMs: 100,
      pullExpiryMs: 1000,
      probeMaxMs: 1000,
      streams: [STREAM],
      logger,
      handlers: [
        {
          contract: ParcelSentV1,
          handle: async (event, ctx) => {
            const e = event as ParcelSentV1;
            if (e.mode === 'poison') throw new TypeError('cannot process this parcel');
            await ctx.manager.query('INSERT INTO parcel_effect (parcel_id, event_id) VALUES ($1, $2)', [
              e.parcelId,
              ctx.envelope.id,
            ]);
          },
        },
      ],
    });
    await this.consumer.start();
  }

  /** Commits one parcel and its event, as a producing service does on a 2xx. */
  async send(mode?: 'poison'): Promise<string> {
    const parcelId = randomUUID();
    const n = ++this.n;
    await this.producerDb.transaction(async (manager) => {
      await manager.query('INSERT INTO parcel (id, n) VALUES ($1, $2)', [parcelId, n]);
      await this.outbox.enqueue(
        manager,
        ParcelSentV1,
        { aggregateVersion: 1, additionalInformation: { parcelId, n, ...(mode ? { mode } : {}) } },
        {
          correlationId: `fault-${n}`,
        },
      );
    });
    return parcelId;
  }

  /** Publishes an envelope straight to the stream (duplicates, reordering), bypassing the outbox. */
  async publishEnvelope(env: { id: string }, msgID: string): Promise<void> {
    await this.js.publish(ParcelSentV1.subject, JSON.stringify(env), {
      msgID,
      headers: toNatsHeaders({ correlationId: `dup-${env.id}` }),
    });
  }

  async deadLetterCount(): Promise<number> {
    return (await listDeadLetters(this.jsm, { consumer: CONSUMER, limit: 100_000 })).length;
  }

  /** ALLOW_CONNECTIONS on the consumer's database; refusing also ends its open sessions. */
  async consumerDbRefuses(refuse: boolean): Promise<void> {
    const admin = new Client({ connectionString: this.pg.url() });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE consumer ALLOW_CONNECTIONS ${refuse ? 'false' : 'true'}`);
      if (refuse)
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'consumer'`,
        );
    } finally {
      await admin.end();
    }
  }

  /** Ends the relay's Postgres session (as a dead or half-open connection would be ended). */
  async killRelayConnection(): Promise<number> {
    const admin = new Client({ connectionString: this.pg.url() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
        [`${STREAM.producer}-outbox-relay`],
      );
      return rows[0].n;
    } finally {
      await admin.end();
    }
  }

  /** `pnpm events:reconcile` for the producer: re-publishes its whole outbox. */
  async reconcile() {
    const client = new Client({ connectionString: this.pg.url('producer') });
    await client.connect();
    try {
      await ensureStream(this.jsm, STREAM);
      return await reconcileOutbox(client, this.js);
    } finally {
      await client.end();
    }
  }

  async close(): Promise<void> {
    await this.consumer?.stop().catch(() => undefined);
    await this.relay?.stop().catch(() => undefined);
    await this.nc?.close().catch(() => undefined);
    await this.producerDb?.destroy().catch(() => undefined);
    await this.consumerDb?.destroy().catch(() => undefined);
    await this.nats.close();
    await this.pg.close();
  }
}

/** Records what one fault scenario sent, and judges the outcome. */
export class Checker {
  private readonly acked = new Map<string, number>();
  sent = 0;
  private loadTimer?: Promise<void>;
  private loading = false;
  private readonly deadLettersBefore: Promise<number>;

  constructor(
    private readonly rig: FaultRig,
    readonly fault: string,
  ) {
    this.deadLettersBefore = rig.deadLetterCount();
  }

  async sendOne(mode?: 'poison'): Promise<string | undefined> {
    this.sent++;
    try {
      const id = await this.rig.send(mode);
      if (!mode) this.acked.set(id, Date.now());
      return id;
    } catch {
      return undefined; // not acknowledged: the client would have seen an error (and retried)
    }
  }

  /** Counts an event published by the test itself as acknowledged (it must take effect once). */
  track(parcelId: string): void {
    this.sent++;
    this.acked.set(parcelId, Date.now());
  }

  /** One event every `intervalMs` until `stopLoad`; sends are sequential, like one client. */
  startLoad(intervalMs: number): void {
    this.loading = true;
    this.loadTimer = (async () => {
      while (this.loading) {
        const t = Date.now();
        await this.sendOne();
        await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - t))));
      }
    })();
  }

  async stopLoad(): Promise<void> {
    this.loading = false;
    await this.loadTimer;
  }

  private async effects(): Promise<Map<string, { count: number; first: number }>> {
    const rows: { parcel_id: string; count: number; first: Date }[] = await this.rig.consumerDb.query(
      `SELECT parcel_id, count(*)::int AS count, min(handled_at) AS first FROM parcel_effect WHERE parcel_id = ANY($1::uuid[]) GROUP BY parcel_id`,
      [[...this.acked.keys()]],
    );
    return new Map(rows.map((r) => [r.parcel_id, { count: r.count, first: new Date(r.first).getTime() }]));
  }

  /**
   * Waits (bounded) until every acknowledged event has its effect and the pipeline is idle (outbox
   * drained, nothing pending or unacked at the consumer), then computes the figures. `recoveredFrom`
   * is when the fault ended.
   */
  async settle(recoveredFrom: number, timeoutMs: number, report = true): Promise<FaultFigures> {
    const deadline = Date.now() + timeoutMs;
    let recoveredAt = 0;
    for (;;) {
      const ok = await this.idle().catch(() => false);
      if (ok) {
        recoveredAt = Date.now();
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const effects = await this.effects();
    let lost = 0;
    let duplicated = 0;
    let maxLagMs = 0;
    for (const [id, at] of this.acked) {
      const e = effects.get(id);
      if (!e) lost++;
      else {
        if (e.count > 1) duplicated++;
        maxLagMs = Math.max(maxLagMs, e.first - at);
      }
    }
    const figures: FaultFigures = {
      fault: this.fault,
      sent: this.sent,
      acknowledged: this.acked.size,
      lost,
      duplicated,
      deadLetters: (await this.rig.deadLetterCount()) - (await this.deadLettersBefore),
      maxLagMs: Math.round(maxLagMs),
      recoveryMs: recoveredAt ? Math.max(0, recoveredAt - recoveredFrom) : -1,
    };
    if (report) process.stdout.write(`[faults] ${JSON.stringify(figures)}\n`);
    return figures;
  }

  private async idle(): Promise<boolean> {
    const effects = await this.effects();
    if (effects.size < this.acked.size) return false;
    const [{ n }] = await this.rig.producerDb.query(
      `SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`,
    );
    if (n > 0) return false;
    const ci = await this.rig.jsm.consumers.info(streamName(STREAM), CONSUMER);
    return ci.num_pending === 0 && ci.num_ack_pending === 0;
  }
}
