import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { streamForSubject, STREAMS, type EventContract, type StreamDefinition } from '@stac/contracts';
import type { ServiceMetrics } from '@stac/observability';
import { fromNatsHeaders } from './headers';
import { PermanentEventError, type EventHandlerFn } from './on-event.decorator';
import { ensureDurable, ensureStream } from './provisioning';
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
  streams?: readonly StreamDefinition[];
  logger: Logger;
  metrics?: ServiceMetrics;
}

type Outcome = 'ok' | 'duplicate' | 'ignored' | 'retry' | 'dead_letter';

/** Backoff for transient failures: 250 ms doubling, capped at 30 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 250 * 2 ** Math.max(0, deliveryCount - 1));
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

  constructor(private readonly o: EventConsumerOptions) {
    for (const h of o.handlers) {
      if (this.bySubject.has(h.contract.subject)) {
        throw new Error(`two handlers for ${h.contract.subject} in ${o.consumer}`);
      }
      this.bySubject.set(h.contract.subject, h);
    }
  }

  async start(): Promise<void> {
    const streams = new Map<string, StreamDefinition>();
    for (const subject of this.bySubject.keys()) {
      const s = streamForSubject(subject, this.o.streams ?? STREAMS);
      streams.set(s.name, s);
    }
    for (const s of streams.values()) {
      await ensureStream(this.o.jsm, s);
      await ensureDurable(this.o.jsm, {
        stream: s.name,
        durable: this.o.consumer,
        maxDeliver: this.o.maxDeliver,
        ackWaitMs: this.o.ackWaitMs ?? 30_000,
      });
      this.watchMaxDeliveries(s.name);
      const consumer = await this.o.js.consumers.get(s.name, this.o.consumer);
      const messages = await consumer.consume({ max_messages: 256 });
      this.running.push({ messages, loop: this.drain(messages) });
    }
  }

  /** Stops pulling; the message in hand finishes its transaction and ack first. */
  async stop(): Promise<void> {
    for (const r of this.running) await r.messages.close();
    await Promise.all(this.running.map((r) => r.loop));
    this.running.length = 0;
    for (const a of this.advisories) a.unsubscribe();
  }

  private async drain(messages: ConsumerMessages): Promise<void> {
    for await (const m of messages) {
      const outcome = await this.process(m);
      this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome });
    }
  }

  async process(m: JsMsg): Promise<Outcome> {
    const handler = this.bySubject.get(m.subject);
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
    try {
      const outcome = await this.o.dataSource.transaction(async (manager) => {
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
      m.ack();
      return outcome;
    } catch (e) {
      const kind = (e as Error)?.name ?? 'Error';
      if (e instanceof PermanentEventError) return this.deadLetter(m, `rejected by handler: ${e.message}`, raw);
      if (m.info.deliveryCount >= this.o.maxDeliver) {
        return this.deadLetter(m, `failed ${m.info.deliveryCount} deliveries; last error ${kind}`, raw);
      }
      const delay = redeliveryDelayMs(m.info.deliveryCount);
      this.o.logger.warn(
        { subject: m.subject, eventId: envelope.id, delivery: m.info.deliveryCount, delayMs: delay, err: { type: kind } },
        'event handler failed; will redeliver',
      );
      m.nak(delay);
      return 'retry';
    }
  }

  private async deadLetter(m: JsMsg, reason: string, raw?: unknown): Promise<Outcome> {
    const eventId =
      typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
        ? String((raw as { id: string }).id).slice(0, 64)
        : null;
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
      m.nak(redeliveryDelayMs(m.info.deliveryCount));
      return 'retry';
    }
    m.term();
    this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer });
    this.o.logger.error({ subject: m.subject, streamSeq: m.seq, eventId }, 'event dead-lettered');
    return 'dead_letter';
  }

  /** A message that exhausted max_deliver without our code seeing it (e.g. ack timeouts) is recorded too. */
  private watchMaxDeliveries(stream: string): void {
    const sub = this.o.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${this.o.consumer}`, {
      callback: (err, msg) => {
        if (err) return;
        let seq: number | null = null;
        try {
          seq = Number((msg.json() as { stream_seq?: number }).stream_seq) || null;
        } catch {
          /* keep null */
        }
        this.o.dataSource
          .query(
            `INSERT INTO dead_letter (consumer, stream, stream_seq, subject, reason) VALUES ($1, $2, $3, $4, $5)`,
            [this.o.consumer, stream, seq, msg.subject, 'max deliveries reached (server advisory)'],
          )
          .then(() => this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer }))
          .catch(() => this.o.logger.error({ stream }, 'could not record max-deliveries advisory'));
      },
    });
    this.advisories.push(sub);
  }
}
