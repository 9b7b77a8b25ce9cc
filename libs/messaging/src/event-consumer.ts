import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { streamForSubject, STREAMS, type EventContract, type StreamDefinition } from '@stac/contracts';
import type { ServiceMetrics } from '@stac/observability';
import { fromNatsHeaders } from './headers';
import { PermanentEventError, type EventHandlerFn } from './on-event.decorator';
import { ensureDurable, ensureStream, localSubject, streamName } from './provisioning';
import { validateEvent } from './event-validation';

export interface RegisteredHandler {
  contract: EventContract;
  handle: EventHandlerFn<object>;
}

export interface EventConsumerOptions {
  /** The consuming service; names the durable consumers and the inbox rows. */
  consumer: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  dataSource: DataSource;
  handlers: RegisteredHandler[];
  maxDeliver: number;
  ackWaitMs?: number;
  /** First redelivery delay after a transient failure; doubles per delivery. Default 250 ms. */
  redeliveryBaseMs?: number;
  /** Cap on the redelivery delay. Default 30 s. */
  redeliveryMaxMs?: number;
  /**
   * How many messages the client holds ahead of the handler (default 32). Handling is sequential
   * and the ack wait runs from delivery, so `prefetch` x handler time must stay well under the ack
   * wait, or buffered messages are redelivered before they are even started.
   */
  prefetch?: number;
  streams?: readonly StreamDefinition[];
  /** NATS_NAMESPACE: read the namespaced copy of the streams (isolated stacks on one NATS). */
  namespace?: string;
  logger: Logger;
  metrics?: ServiceMetrics;
}

type Outcome = 'ok' | 'duplicate' | 'ignored' | 'retry' | 'dead_letter';

/**
 * Database errors that no redelivery can fix (the event names a row that does not exist, breaks a
 * constraint or holds a value of the wrong type): dead-letter at once instead of retrying.
 */
const PERMANENT_PG_CODES = new Set(['23503', '23502', '23514', '22P02', '22007', '22008']);
function databaseErrorCode(e: unknown): string | undefined {
  return (e as { driverError?: { code?: string } })?.driverError?.code ?? (e as { code?: string })?.code;
}
export function isPermanentDatabaseError(e: unknown): boolean {
  const code = databaseErrorCode(e);
  return typeof code === 'string' && PERMANENT_PG_CODES.has(code);
}

/** Backoff for transient failures: `baseMs` (250 ms) doubling per delivery, capped at `maxMs` (30 s). */
export function redeliveryDelayMs(deliveryCount: number, baseMs = 250, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, deliveryCount - 1));
}

/** The JSON of a stored message, when it is JSON; dead-lettering never depends on it. */
function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    return undefined;
  }
}

function eventIdOf(raw: unknown): string | null {
  return typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
    ? String((raw as { id: string }).id).slice(0, 64)
    : null;
}

/**
 * Runs this service's event handlers: one durable pull consumer per producing stream, an inbox row
 * in the handler's own transaction (duplicates have no effect), ack only after commit, nak with
 * backoff on transient failure, and term + `dead_letter` for what can never succeed.
 */
export class EventConsumer {
  private readonly bySubject = new Map<string, RegisteredHandler>();
  private readonly running: { messages: ConsumerMessages; loop: Promise<void> }[] = [];
  private readonly advisories: Subscription[] = [];
  private stopping = false;
  private readonly ackWaitMs: number;

  constructor(private readonly o: EventConsumerOptions) {
    for (const h of o.handlers) {
      if (this.bySubject.has(h.contract.subject)) {
        throw new Error(`two handlers for ${h.contract.subject} in ${o.consumer}`);
      }
      this.bySubject.set(h.contract.subject, h);
    }
    this.ackWaitMs = o.ackWaitMs ?? 30_000;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const streams = new Map<string, StreamDefinition>();
    for (const subject of this.bySubject.keys()) {
      const s = streamForSubject(subject, this.o.streams ?? STREAMS);
      streams.set(s.name, s);
    }
    for (const def of streams.values()) {
      await ensureStream(this.o.jsm, def, this.o.namespace);
      const s = { name: streamName(def, this.o.namespace) };
      await ensureDurable(this.o.jsm, {
        stream: s.name,
        durable: this.o.consumer,
        maxDeliver: this.o.maxDeliver,
        ackWaitMs: this.ackWaitMs,
      });
      this.watchMaxDeliveries(s.name);
      const consumer = await this.o.js.consumers.get(s.name, this.o.consumer);
      const messages = await consumer.consume({ max_messages: this.o.prefetch ?? 32 });
      this.running.push({ messages, loop: this.drain(s.name, messages) });
    }
  }

  /**
   * Stops pulling. The message in hand, and the few already prefetched, are handled and acked
   * before this resolves; call it before closing the database pool or the NATS connection.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.running) await r.messages.close();
    await Promise.all(this.running.map((r) => r.loop));
    this.running.length = 0;
    for (const a of this.advisories) a.unsubscribe();
    this.advisories.length = 0;
  }

  private async drain(stream: string, messages: ConsumerMessages): Promise<void> {
    try {
      for await (const m of messages) {
        let outcome: Outcome;
        try {
          outcome = await this.process(m);
        } catch (e) {
          // Never let one message end the loop (or surface as an unhandled rejection): it is not
          // acked, so the server redelivers it after the ack wait.
          this.o.logger.error({ stream, streamSeq: m.seq, err: { type: (e as Error)?.name } }, 'event processing failed');
          outcome = 'retry';
        }
        this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome });
      }
    } catch (e) {
      this.o.logger.error({ stream, err: { type: (e as Error)?.name } }, 'event consumer stopped pulling');
    }
    if (!this.stopping) this.o.logger.error({ stream, consumer: this.o.consumer }, 'event consumer ended unexpectedly');
  }

  async process(m: JsMsg): Promise<Outcome> {
    const handler = this.bySubject.get(localSubject(m.subject, this.o.namespace));
    if (!handler) {
      // Another consumer's event on a stream we read (or a newer major we do not handle yet).
      m.ack();
      return 'ignored';
    }
    let raw: unknown;
    try {
      raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(m.data));
    } catch {
      return this.deadLetter(m, 'malformed: not UTF-8 JSON');
    }
    const result = await validateEvent(raw, handler.contract);
    if (!result.ok) return this.deadLetter(m, `invalid ${handler.contract.subject}: ${result.problems.join('; ')}`, raw);

    const { envelope } = result;
    const headers = fromNatsHeaders(m.headers);
    let outcome: 'ok' | 'duplicate';
    // A handler slower than the ack wait must not be redelivered (to this or another instance)
    // while it still runs: tell the server it is in progress.
    const inProgress = setInterval(() => m.working(), Math.max(100, Math.floor(this.ackWaitMs / 3)));
    try {
      outcome = await this.o.dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
          [this.o.consumer, envelope.id],
        );
        if (inserted.length === 0) return 'duplicate' as const;
        await handler.handle(envelope.additionalInformation as object, {
          manager,
          envelope,
          correlationId: headers.correlationId ?? envelope.id,
          causationId: envelope.id,
          traceparent: headers.traceparent,
        });
        return 'ok' as const;
      });
    } catch (e) {
      const kind = (e as Error)?.name ?? 'Error';
      if (e instanceof PermanentEventError) return this.deadLetter(m, `rejected by handler: ${e.message}`, raw);
      if (isPermanentDatabaseError(e)) {
        // The code, not the message: database messages can quote the offending values.
        return this.deadLetter(m, `rejected by the database (SQLSTATE ${databaseErrorCode(e)})`, raw);
      }
      if (m.info.deliveryCount >= this.o.maxDeliver) {
        return this.deadLetter(m, `failed ${m.info.deliveryCount} deliveries (max_deliver ${this.o.maxDeliver}); last error ${kind}`, raw);
      }
      const delay = this.delayFor(m.info.deliveryCount);
      this.o.logger.warn(
        { subject: m.subject, eventId: envelope.id, delivery: m.info.deliveryCount, delayMs: delay, err: { type: kind } },
        'event handler failed; will redeliver',
      );
      m.nak(delay);
      return 'retry';
    } finally {
      clearInterval(inProgress);
    }
    // Outside the try: the effect is committed, so a failing ack must never count as a handler
    // failure (which could dead-letter an event that was handled). A lost ack means a redelivery
    // that the inbox turns into a duplicate.
    m.ack();
    return outcome;
  }

  private delayFor(deliveryCount: number): number {
    return redeliveryDelayMs(deliveryCount, this.o.redeliveryBaseMs, this.o.redeliveryMaxMs);
  }

  private async deadLetter(m: JsMsg, reason: string, raw?: unknown): Promise<Outcome> {
    const eventId = eventIdOf(raw);
    try {
      await this.o.dataSource.query(
        `INSERT INTO dead_letter (consumer, stream, stream_seq, subject, event_id, reason, payload, headers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          this.o.consumer,
          m.info.stream,
          m.seq,
          m.subject,
          eventId,
          reason.slice(0, 2000),
          Buffer.from(m.data),
          JSON.stringify(fromNatsHeaders(m.headers)),
        ],
      );
    } catch {
      // Cannot record it: keep the message and try again later rather than lose it (REL-03).
      m.nak(this.delayFor(m.info.deliveryCount));
      return 'retry';
    }
    m.term();
    this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer });
    this.o.logger.error({ subject: m.subject, streamSeq: m.seq, eventId }, 'event dead-lettered');
    return 'dead_letter';
  }

  /**
   * A message that exhausted max_deliver without our code seeing its last delivery (an instance
   * crashed or hung past the ack wait) is recorded too, with the stored message when the stream
   * still has it. The subscription is a queue group per consuming service, so one row is written
   * however many instances of the service run.
   */
  private watchMaxDeliveries(stream: string): void {
    const sub = this.o.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${this.o.consumer}`, {
      queue: `${this.o.consumer}-max-deliveries`,
      callback: (err, msg) => {
        if (err) return;
        let seq: number | null = null;
        let deliveries: number | null = null;
        try {
          const a = msg.json() as { stream_seq?: number; deliveries?: number };
          seq = Number(a.stream_seq) || null;
          deliveries = Number(a.deliveries) || null;
        } catch {
          /* keep null */
        }
        void this.recordMaxDeliveries(stream, seq, deliveries, msg.subject);
      },
    });
    this.advisories.push(sub);
  }

  private async recordMaxDeliveries(stream: string, seq: number | null, deliveries: number | null, advisorySubject: string) {
    let subject = advisorySubject;
    let payload: Buffer | null = null;
    let headers: object = {};
    let eventId: string | null = null;
    if (seq !== null) {
      try {
        const stored = await this.o.jsm.streams.getMessage(stream, { seq });
        if (stored) {
          subject = stored.subject;
          payload = Buffer.from(stored.data);
          headers = fromNatsHeaders(stored.header);
          eventId = eventIdOf(parseJson(stored.data));
        }
      } catch {
        /* record what the advisory says */
      }
    }
    try {
      await this.o.dataSource.query(
        `INSERT INTO dead_letter (consumer, stream, stream_seq, subject, event_id, reason, payload, headers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          this.o.consumer,
          stream,
          seq,
          subject,
          eventId,
          `max deliveries reached (server advisory${deliveries ? `, ${deliveries} deliveries` : ''})`,
          payload,
          JSON.stringify(headers),
        ],
      );
      this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer });
      this.o.logger.error({ stream, streamSeq: seq, eventId }, 'event dead-lettered after max deliveries');
    } catch {
      this.o.logger.error({ stream, streamSeq: seq }, 'could not record max-deliveries advisory');
    }
  }
}
