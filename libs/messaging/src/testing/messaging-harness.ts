/**
 * Test-only support for the messaging integration tests (not exported from the library): real
 * Postgres databases with the messaging schema, a real NATS connection, per-test streams and
 * letters-only event contracts. Everything it creates is removed by `close()`.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import pino, { type Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { EventContract, StreamDefinition } from '@stac/contracts';
import { createTestDatabase, TEST_NATS_URL, TEST_STREAM_MAX_MB, uniqueToken, type TestDatabase } from '@stac/testing';
import { EventConsumer, type EventConsumerOptions } from '../event-consumer';
import { toNatsHeaders } from '../headers';
import { MessagingSchema1764201600000 } from '../messaging-schema.migration';
import { connectNats } from '../nats';
import type { EventContext } from '../on-event.decorator';
import type { Outbox } from '../outbox';
import { OutboxRelay, type OutboxRelayOptions } from '../outbox-relay';
import { DEFAULT_STREAM_LIMITS, ensureStream, type StreamLimits } from '../provisioning';
import {
  deadLetterFilter,
  deadLetterStreamName,
  ensureDeadLetterStream,
  listDeadLetters,
} from '../dead-letters';

/** Test streams reserve little of the shared server's storage (see TEST_STREAM_MAX_MB). */
const TEST_STREAM_LIMITS: StreamLimits = { ...DEFAULT_STREAM_LIMITS, maxBytes: Number(TEST_STREAM_MAX_MB) * 1024 * 1024 };

export const silentLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** What a test widget event carries. `mode` lets a test steer its handler (fail, reject...). */
export interface WidgetCreated {
  widgetId: string;
  size: number;
  mode?: string;
}

export const MODES = ['ok', 'fail-twice', 'always-fail', 'reject'] as const;

/** A fresh `<tok>.widget.created.v1` contract class; class-validator decorated like real contracts. */
export function widgetContract(tok: string): EventContract<WidgetCreated> {
  class WidgetCreatedV1 implements WidgetCreated {
    static readonly subject = `${tok}.widget.created.v1`;
    static readonly eventType = `${tok}.widget.created`;
    static readonly version = 1;

    @IsUUID()
    widgetId: string;

    @IsInt()
    @Min(0)
    @Max(1000)
    size: number;

    @IsOptional()
    @IsIn(MODES)
    mode?: string;
  }
  return WidgetCreatedV1;
}

export interface TestDb {
  db: TestDatabase;
  url: string;
  ds: DataSource;
}

/**
 * A database with the messaging schema (run through TypeORM's migration runner, as services do)
 * plus a `widget` table for producers and a `widget_effect` table that handlers write to. The effect
 * table has no unique key on purpose: a duplicate effect shows up as a second row.
 */
export async function createMessagingDb(label: string): Promise<TestDb> {
  const db = await createTestDatabase(label);
  const ds = new DataSource({
    type: 'postgres',
    url: db.url,
    migrations: [MessagingSchema1764201600000],
    logging: false,
    extra: { max: 5 },
  });
  await ds.initialize();
  const ran = await ds.runMigrations();
  if (ran.length !== 1) throw new Error(`expected the messaging migration to run once, ran ${ran.length}`);
  await ds.query(`CREATE TABLE widget (id uuid PRIMARY KEY, size int NOT NULL)`);
  await ds.query(`
    CREATE TABLE widget_effect (
      n           bigserial PRIMARY KEY,
      consumer    text NOT NULL,
      event_id    uuid NOT NULL,
      widget_id   uuid NOT NULL,
      size        int NOT NULL,
      correlation text
    )`);
  return { db, url: db.url, ds };
}

export interface TestStream {
  tok: string;
  stream: StreamDefinition;
  Contract: EventContract<WidgetCreated>;
  producer: string;
}

export interface EffectRow {
  consumer: string;
  event_id: string;
  widget_id: string;
  size: number;
  correlation: string | null;
}

/** One NATS connection, the test's streams and databases, and everything to tear them down. */
export class MessagingHarness {
  nc!: NatsConnection;
  js!: JetStreamClient;
  jsm!: JetStreamManager;
  readonly logger = silentLogger;
  private readonly streams: string[] = [];
  private readonly dbs: TestDb[] = [];
  private readonly stoppables: { stop(): Promise<void> }[] = [];
  private readonly consumerNames = new Set<string>();

  async connect(): Promise<this> {
    this.nc = await connectNats(TEST_NATS_URL, 'messaging-int-test');
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    return this;
  }

  /** A new stream (created on the server) with its own prefix, producer name and widget contract. */
  async newStream(): Promise<TestStream> {
    const tok = uniqueToken();
    const stream: StreamDefinition = {
      name: `T_${tok.toUpperCase()}`,
      subjectPrefix: tok,
      producer: `producer-${tok}`,
    };
    await ensureStream(this.jsm, stream, '', TEST_STREAM_LIMITS);
    this.streams.push(stream.name);
    return { tok, stream, Contract: widgetContract(tok), producer: stream.producer };
  }

  /** Registers a stream created elsewhere (e.g. by a Nest app) for deletion at close. */
  track(streamName: string): void {
    this.streams.push(streamName);
  }

  async db(label: string): Promise<TestDb> {
    const d = await createMessagingDb(label);
    this.dbs.push(d);
    return d;
  }

  relay(db: TestDb, s: TestStream, o: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const relay = new OutboxRelay({
      databaseUrl: db.url,
      js: this.js,
      service: s.producer,
      stream: s.stream.name,
      pollMs: 100,
      logger: this.logger,
      ...o,
    });
    this.stoppables.push(relay);
    return relay;
  }

  /**
   * An EventConsumer for one test stream whose handler writes a `widget_effect` row through the
   * inbox transaction. `onHandle` runs first and may throw to simulate failures.
   */
  consumer(
    db: TestDb,
    s: TestStream,
    name: string,
    o: Partial<EventConsumerOptions> & {
      onHandle?: (e: WidgetCreated, ctx: EventContext) => Promise<void> | void;
    } = {},
  ): EventConsumer {
    const { onHandle, ...rest } = o;
    this.consumerNames.add(name);
    const consumer = new EventConsumer({
      consumer: name,
      nc: this.nc,
      js: this.js,
      jsm: this.jsm,
      dataSource: db.ds,
      maxDeliver: 5,
      ackWaitMs: 5_000,
      redeliveryBaseMs: 20,
      streams: [s.stream],
      streamLimits: TEST_STREAM_LIMITS,
      logger: this.logger,
      handlers: [
        {
          contract: s.Contract,
          handle: async (event, ctx) => {
            const e = event as WidgetCreated;
            await ctx.manager.query(
              `INSERT INTO widget_effect (consumer, event_id, widget_id, size, correlation) VALUES ($1, $2, $3, $4, $5)`,
              [name, ctx.envelope.id, e.widgetId, e.size, ctx.correlationId],
            );
            // After the write, so a failure here proves the write is rolled back with the inbox row.
            await onHandle?.(e, ctx);
          },
        },
      ],
      ...rest,
    });
    this.stoppables.push(consumer);
    return consumer;
  }

  async effects(db: TestDb, consumer: string): Promise<EffectRow[]> {
    return db.ds.query(
      `SELECT consumer, event_id, widget_id, size, correlation FROM widget_effect WHERE consumer = $1 ORDER BY n`,
      [consumer],
    );
  }

  /** True once the durable has acked (or terminated) everything up to `lastSeq` and holds nothing pending. */
  async consumerSettled(stream: string, durable: string, lastSeq: number): Promise<boolean> {
    const ci = await this.jsm.consumers.info(stream, durable);
    return ci.ack_floor.stream_seq >= lastSeq && ci.num_ack_pending === 0 && ci.num_pending === 0;
  }

  /** The dead letters of one consumer, read from the JetStream dead-letter stream, oldest first. */
  async deadLetters(consumer: string): Promise<DeadLetterRow[]> {
    await ensureDeadLetterStream(this.jsm);
    return (await listDeadLetters(this.jsm, { consumer })).map((d) => ({
      consumer: d.consumer,
      stream: d.stream,
      stream_seq: d.streamSeq === null ? null : String(d.streamSeq),
      subject: d.subject,
      event_id: d.eventId,
      reason: d.reason,
      deliveries: d.deliveries,
      payload: d.data.length ? Buffer.from(d.data) : null,
    }));
  }

  async streamMessages(stream: string): Promise<number> {
    return (await this.jsm.streams.info(stream)).state.messages;
  }

  async close(): Promise<void> {
    for (const s of this.stoppables.reverse()) await s.stop().catch(() => undefined);
    for (const name of this.streams) await this.jsm?.streams.delete(name).catch(() => undefined);
    // The dead-letter stream is shared with the local stack: remove only this test's letters.
    for (const c of this.consumerNames) {
      await this.jsm?.streams
        .purge(deadLetterStreamName(), { filter: deadLetterFilter(c) })
        .catch(() => undefined);
    }
    if (this.nc && !this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
    // In parallel: each DROP DATABASE waits for a checkpoint, and concurrent ones share it.
    await Promise.all(
      this.dbs.map(async (d) => {
        if (d.ds.isInitialized) await d.ds.destroy().catch(() => undefined);
        await d.db.drop().catch(() => undefined);
      }),
    );
  }
}

/** Commits a widget and its `created` event in one transaction, as a producing service would. */
export async function createWidget(
  db: TestDb,
  s: TestStream,
  outbox: Outbox,
  w: WidgetCreated,
  correlationId = `corr-${w.widgetId}`,
) {
  return db.ds.transaction(async (manager) => {
    await manager.query(`INSERT INTO widget (id, size) VALUES ($1, $2)`, [w.widgetId, w.size]);
    return outbox.enqueue(
      manager,
      s.Contract,
      { aggregateVersion: 1, additionalInformation: w },
      { correlationId },
    );
  });
}

/** A valid envelope for a widget event, as a producer would publish it; `over` breaks it on purpose. */
export function widgetEnvelope(s: TestStream, w: WidgetCreated, over: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    eventType: s.Contract.eventType,
    version: s.Contract.version,
    occurredAt: new Date().toISOString(),
    producer: s.producer,
    aggregateVersion: 1,
    additionalInformation: w,
    ...over,
  };
}

/** Publishes raw bytes or an envelope on the widget subject, straight to JetStream. */
export async function publishRaw(
  h: MessagingHarness,
  s: TestStream,
  body: string | Uint8Array,
  msgID: string = randomUUID(),
) {
  return h.js.publish(s.Contract.subject, body, {
    msgID,
    headers: toNatsHeaders({ correlationId: `corr-${msgID}` }),
  });
}

export async function publishEnvelope(
  h: MessagingHarness,
  s: TestStream,
  env: { id: string },
  msgID: string = env.id,
) {
  return publishRaw(h, s, JSON.stringify(env), msgID);
}

export function newWidget(over: Partial<WidgetCreated> = {}): WidgetCreated {
  return { widgetId: randomUUID(), size: Math.floor(Math.random() * 1000), ...over };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface DeadLetterRow {
  consumer: string;
  stream: string;
  stream_seq: string | null;
  subject: string;
  event_id: string | null;
  reason: string;
  deliveries: number | null;
  payload: Buffer | null;
}
