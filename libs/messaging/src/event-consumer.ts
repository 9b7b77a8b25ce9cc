import type {
  ConsumerMessages,
  FetchOptions,
  JetStreamClient,
  JetStreamManager,
  JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { WriteBatch } from '@stac/persistence';
import { streamForSubject, STREAMS, type EventContract, type EventEnvelope, type StreamDefinition } from '@stac/contracts';
import {
  failSpan,
  inSpan,
  runWithin,
  SpanKind,
  startSpan,
  traceparentFrom,
  traceparentOf,
  type ServiceMetrics,
  type Span,
} from '@stac/observability';
import {
  deadLetterStats,
  ensureDeadLetterStream,
  publishDeadLetter,
  DEFAULT_DEAD_LETTER_LIMITS,
  type DeadLetterStats,
} from './dead-letters';
import {
  databaseErrorCode,
  isInfrastructureFailure,
  isPermanentDatabaseError,
} from './failure-classification';
import { fromNatsHeaders, type EventHeaders } from './headers';
import { PermanentEventError, type EventHandlerFn } from './on-event.decorator';
import {
  DEFAULT_STREAM_LIMITS,
  ensureDurable,
  ensureStream,
  localSubject,
  streamName,
  type StreamLimits,
} from './provisioning';
import { validateEvent, type Validated } from './event-validation';
import { WakeableSleep } from './wakeable-sleep';

export interface RegisteredHandler {
  contract: EventContract;
  handle: EventHandlerFn<object>;
}

export interface EventConsumerOptions {
  /** The consuming service; names the durable consumers, the inbox rows and the dead letters. */
  consumer: string;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  dataSource: DataSource;
  handlers: RegisteredHandler[];
  maxDeliver: number;
  ackWaitMs?: number;
  /** First redelivery delay after a failure of the message itself; doubles per delivery. Default 250 ms. */
  redeliveryBaseMs?: number;
  /** Cap on the redelivery delay. Default 30 s. */
  redeliveryMaxMs?: number;
  /** Messages pulled per request and held ahead of the (sequential) handler per stream; default 32. */
  prefetch?: number;
  /**
   * Most events handled in one transaction when several are waiting (default: the prefetch). 1 turns
   * batching off: every event in its own transaction.
   */
  maxBatch?: number;
  /**
   * How long one pull request stays open on the server (default 2 s, at least 1 s). Short, so a
   * stopping instance leaves no pull request behind that a new message could be sent to.
   */
  pullExpiryMs?: number;
  /** Bounds of the health probe interval while paused (doubling). Default 250 ms .. 5 s. */
  probeMinMs?: number;
  probeMaxMs?: number;
  streams?: readonly StreamDefinition[];
  /** Limits of the streams this consumer creates when they do not exist yet. */
  streamLimits?: StreamLimits;
  deadLetterLimits?: StreamLimits;
  /** NATS_NAMESPACE: read the namespaced copy of the streams (isolated stacks on one NATS). */
  namespace?: string;
  logger: Logger;
  metrics?: ServiceMetrics;
}

export type Outcome = 'ok' | 'duplicate' | 'ignored' | 'retry' | 'dead_letter' | 'paused';

/** Backoff for failures of the message itself: `baseMs` (250 ms) doubling per delivery, capped at `maxMs` (30 s). */
export function redeliveryDelayMs(deliveryCount: number, baseMs = 250, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, deliveryCount - 1));
}

/** Slack past a pull request's expiry before a handed-back message is redelivered (clock skew, round trip). */
const HAND_BACK_MARGIN_MS = 500;

/** After this many infrastructure failures of one message while every probe says healthy, the message itself is suspect. */
const MAX_INFRA_FAILURES_WHILE_HEALTHY = 10;

/** Stateless between calls (no `stream` option), so one decoder serves every message. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(utf8.decode(data));
  } catch {
    return undefined;
  }
}

function eventIdOf(raw: unknown): string | null {
  return typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
    ? String((raw as { id: string }).id).slice(0, 64)
    : null;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`${what} timed out`), { code: 'ETIMEDOUT' })),
        ms,
      );
    }),
  ]);
}

interface StreamReader {
  stream: string;
  def: StreamDefinition;
  /** Delivered to us, not started yet. */
  queue: JsMsg[];
  /** The messages taken from the queue and not settled yet (being handled, or held while paused). */
  inHand: JsMsg[];
  fetch?: ConsumerMessages;
  /**
   * Until when the server may still deliver to our pull request (0 = none open). A message handed
   * back meanwhile is nak-ed with a delay past this, or it would come straight back to the same request.
   */
  pullOpenUntil: number;
  wake: WakeableSleep;
  loop?: Promise<void>;
}

/** A message read and validated for its handler, not handled yet. */
interface Prepared {
  m: JsMsg;
  handler: RegisteredHandler;
  headers: Partial<EventHeaders>;
  raw: unknown;
  /** Undefined when the message is not JSON. */
  result?: Validated<object>;
}

interface Pause {
  since: number;
  reason: string;
  resumed: Promise<void>;
  resume: () => void;
}

/**
 * Runs this service's event handlers: one durable pull consumer per producing stream, an inbox row
 * in the handler's own transaction (duplicates have no effect), ack only after commit.
 *
 * Two kinds of failure, two answers (design.md §3):
 * - the infrastructure fails (database unreachable or refusing, pool exhausted, NATS gone): the
 *   consumer pauses. It stops pulling, keeps the messages it holds alive with in-progress acks (so
 *   none is redelivered and no delivery is spent), probes the database and NATS with backoff and,
 *   once both answer, retries the very message it holds.
 * - the message fails on its own merits: nak with backoff; after `maxDeliver` deliveries, or at
 *   once when it can never succeed (invalid, rejected), a dead letter in the JetStream dead-letter
 *   stream and term.
 */
export class EventConsumer {
  private readonly bySubject = new Map<string, RegisteredHandler>();
  private readonly readers: StreamReader[] = [];
  private readonly advisories: Subscription[] = [];
  private stopping = false;
  private pause?: Pause;
  private heartbeat?: NodeJS.Timeout;
  private statsTimer?: NodeJS.Timeout;
  private stats: DeadLetterStats = { count: 0, oldestAgeSeconds: 0 };
  private readonly ackWaitMs: number;
  private readonly pullExpiryMs: number;
  private readonly maxBatch: number;

  constructor(private readonly o: EventConsumerOptions) {
    for (const h of o.handlers) {
      if (this.bySubject.has(h.contract.subject)) {
        throw new Error(`two handlers for ${h.contract.subject} in ${o.consumer}`);
      }
      this.bySubject.set(h.contract.subject, h);
    }
    this.ackWaitMs = o.ackWaitMs ?? 30_000;
    this.pullExpiryMs = Math.max(1000, o.pullExpiryMs ?? 2000);
    this.maxBatch = Math.max(1, o.maxBatch ?? o.prefetch ?? 32);
  }

  /** True while an outage holds this consumer. */
  get paused(): boolean {
    return !!this.pause;
  }

  /** Dead letters of this consumer as last counted (refreshed every 15 s and after each new one). */
  get deadLetters(): DeadLetterStats {
    return this.stats;
  }

  async start(): Promise<void> {
    this.stopping = false;
    const streams = new Map<string, StreamDefinition>();
    for (const subject of this.bySubject.keys()) {
      const s = streamForSubject(subject, this.o.streams ?? STREAMS);
      streams.set(s.name, s);
    }
    // Create-if-missing only: a reader's bus user may not change the dead-letter stream or another's stream (BUS-01).
    await ensureDeadLetterStream(
      this.o.jsm,
      this.o.namespace,
      this.o.deadLetterLimits ?? DEFAULT_DEAD_LETTER_LIMITS,
      { update: false },
    );
    for (const def of streams.values()) {
      await this.ensureSource(def);
      const name = streamName(def, this.o.namespace);
      await ensureDurable(this.o.jsm, {
        stream: name,
        durable: this.o.consumer,
        maxDeliver: this.o.maxDeliver,
        ackWaitMs: this.ackWaitMs,
      });
      this.watchMaxDeliveries(name);
      const reader: StreamReader = { stream: name, def, queue: [], inHand: [], pullOpenUntil: 0, wake: new WakeableSleep() };
      this.readers.push(reader);
    }
    for (const r of this.readers) r.loop = this.read(r);
    // In-progress acks for everything held: a slow handler, messages waiting behind it, and all of
    // them during a pause, so the server neither redelivers them elsewhere nor counts a delivery.
    this.heartbeat = setInterval(() => this.keepHeldAlive(), Math.max(100, Math.floor(this.ackWaitMs / 3)));
    this.statsTimer = setInterval(() => void this.refreshStats(), 15_000);
    this.statsTimer.unref();
    void this.refreshStats();
  }

  /**
   * Stops pulling, hands back (nak) what is buffered and not started, lets the message in hand
   * finish and ack, then resolves; call it before closing the database pool or the NATS connection.
   *
   * Every stream stops at once. A pull request still open on the server is not abandoned (an
   * unsubscribed inbox would drop whatever the server already sent to it, and those messages would
   * wait out the ack wait): it is left to end by itself, within one pull expiry, and whatever it still
   * delivers is handed back as well. Handed-back messages are redelivered as soon as the request has
   * ended, to another instance or the next start.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause?.resume();
    for (const r of this.readers) {
      for (const m of r.queue.splice(0)) this.handBack(r, m);
      r.wake.wake();
    }
    await Promise.all(this.readers.map((r) => r.loop));
    this.readers.length = 0;
    clearInterval(this.heartbeat);
    clearInterval(this.statsTimer);
    for (const a of this.advisories) a.unsubscribe();
    this.advisories.length = 0;
  }

  /** Returns a message to the server without spending more than this delivery. */
  private handBack(r: StreamReader, m: JsMsg): void {
    const open = r.pullOpenUntil - Date.now();
    try {
      if (open > 0) m.nak(open + HAND_BACK_MARGIN_MS);
      else m.nak();
    } catch {
      // NATS is away: the message is redelivered after its ack wait.
    }
  }

  private keepHeldAlive(): void {
    for (const r of this.readers) {
      try {
        for (const m of r.inHand) m.working();
        for (const m of r.queue) m.working();
      } catch {
        // NATS is reconnecting: the next beat tries again.
      }
    }
  }

  private async read(r: StreamReader): Promise<void> {
    let failures = 0;
    let consumer = await this.retryUntilStopped(() => this.o.js.consumers.get(r.stream, this.o.consumer), r);
    // After repeated pull failures the stream or the durable may be gone (deleted, rebuilt by
    // events:reconcile): provision them again, as at start, and pull from the new durable.
    const reattach = async () => {
      if (failures < 2 || this.stopping) return;
      consumer = (await this.retryUntilStopped(() => this.attach(r), r)) ?? consumer;
    };
    while (consumer && !this.stopping) {
      if (this.pause) {
        await this.pause.resumed;
        continue;
      }
      let done = false;
      let fetchError: unknown;
      try {
        r.pullOpenUntil = Date.now() + this.pullExpiryMs;
        // Callback mode (supported, but not in the client's FetchOptions type): every delivered
        // message lands in our own queue at once, so all we hold is known, kept alive and handed back.
        r.fetch = await consumer.fetch({
          max_messages: this.o.prefetch ?? 32,
          expires: this.pullExpiryMs,
          callback: (m: JsMsg) => {
            if (this.stopping) this.handBack(r, m);
            else {
              r.queue.push(m);
              r.wake.wake();
            }
          },
        } as FetchOptions);
      } catch (e) {
        r.pullOpenUntil = 0;
        failures++;
        this.o.logger.warn(
          { stream: r.stream, err: { type: (e as Error)?.name } },
          'event pull failed; retrying',
        );
        await r.wake.sleep(Math.min(5000, 250 * 2 ** failures));
        await reattach();
        continue;
      }
      const closed = r.fetch.closed().then((err) => {
        fetchError = err;
        done = true;
        r.pullOpenUntil = 0;
        r.wake.wake();
      });
      for (;;) {
        if (r.queue.length) {
          await this.handleWaiting(r);
          continue;
        }
        if (done || this.stopping) break;
        await r.wake.sleep(this.pullExpiryMs + 1000);
      }
      if (!done) {
        // Stopping: the request ends on the server within its expiry (a 408 status, or the batch is
        // full); until then the callback hands back whatever arrives. Bounded in case NATS went away.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((res) => (timer = setTimeout(res, this.pullExpiryMs + 2000)))]);
        clearTimeout(timer);
      }
      r.fetch.stop();
      await closed;
      r.fetch = undefined;
      r.pullOpenUntil = 0;
      if (fetchError && !this.stopping) {
        failures++;
        this.o.logger.warn(
          { stream: r.stream, err: { type: (fetchError as Error)?.name } },
          'event pull ended with an error; retrying',
        );
        await r.wake.sleep(Math.min(5000, 250 * 2 ** failures));
        await reattach();
      } else failures = 0;
    }
    for (const m of r.queue.splice(0)) this.handBack(r, m);
  }

  /** The stream read from exists: created if missing; changed only by its producer (BUS-01). */
  private ensureSource(def: StreamDefinition): Promise<void> {
    return ensureStream(this.o.jsm, def, this.o.namespace, this.o.streamLimits ?? DEFAULT_STREAM_LIMITS, {
      update: def.producer === this.o.consumer,
    });
  }

  private async attach(r: StreamReader) {
    await this.ensureSource(r.def);
    await ensureDurable(this.o.jsm, {
      stream: r.stream,
      durable: this.o.consumer,
      maxDeliver: this.o.maxDeliver,
      ackWaitMs: this.ackWaitMs,
    });
    return this.o.js.consumers.get(r.stream, this.o.consumer);
  }

  private async retryUntilStopped<T>(fn: () => Promise<T>, r: StreamReader): Promise<T | undefined> {
    for (let i = 0; !this.stopping; i++) {
      try {
        return await fn();
      } catch (e) {
        this.o.logger.warn(
          { stream: r.stream, err: { type: (e as Error)?.name } },
          'event consumer not reachable; retrying',
        );
        await r.wake.sleep(Math.min(5000, 250 * 2 ** i));
      }
    }
    return undefined;
  }

  /**
   * Handles what waits in the queue (at most `maxBatch` messages), in stream order: consecutive first
   * deliveries of valid events in one transaction (`handleBatch`); anything else — an invalid message,
   * a redelivery (a message that failed once is suspect and must not roll a batch back again), or an
   * event with no batchable neighbour — on its own (`handle`), exactly as every message once was.
   */
  private async handleWaiting(r: StreamReader): Promise<void> {
    // Taken one by one, so stop() still finds (and hands back) whatever this does not take.
    const run: Prepared[] = [];
    let single: Prepared | undefined;
    try {
      while (run.length < this.maxBatch && !this.stopping) {
        const m = r.queue.shift();
        if (!m) break;
        const handler = this.bySubject.get(localSubject(m.subject, this.o.namespace));
        if (!handler) {
          // Another consumer's event on a stream we read (or a newer major we do not handle yet).
          m.ack();
          this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome: 'ignored' });
          continue;
        }
        r.inHand.push(m);
        const p = await this.prepare(m, handler);
        if (this.batchable(p)) run.push(p);
        else {
          single = p;
          break;
        }
      }
      await this.handleRun(run, r);
      r.inHand = single ? [single.m] : [];
      if (single) await this.handleOne(single, r);
    } finally {
      r.inHand = [];
    }
  }

  /** One message on its own, unless stop() has begun: then it has not started and goes back at once. */
  private async handleOne(p: Prepared, r: StreamReader): Promise<void> {
    if (this.stopping) this.handBack(r, p.m);
    else await this.handle(p.m, r, p);
  }

  private batchable(p: Prepared): boolean {
    return this.maxBatch > 1 && p.m.info.deliveryCount === 1 && !!p.result?.ok;
  }

  /** Reads and validates a message for its handler (no side effect; the outcome is decided later). */
  private async prepare(m: JsMsg, handler: RegisteredHandler): Promise<Prepared> {
    const raw = parseJson(m.data);
    return {
      m,
      handler,
      headers: fromNatsHeaders(m.headers),
      raw,
      result: raw === undefined ? undefined : await validateEvent(raw, handler.contract),
    };
  }

  /**
   * First deliveries of valid events, in order, with as few transactions as their outcomes allow
   * (normally one; see handleBatch). A batch that fails in a handler is split there: the events
   * before it are handled again (in a new batch), the failing one gets the outcome its error gives on
   * its own (retry with backoff, dead letter, or a pause on an infrastructure failure) without its
   * handler being run a second time, and the events after it go on in a new batch. A batch that fails
   * outside its handlers (the inbox insert, the commit) is handled one event at a time.
   */
  private async handleRun(run: Prepared[], r: StreamReader): Promise<void> {
    let pending = run;
    while (pending.length) {
      if (this.stopping) {
        for (const p of pending) this.handBack(r, p.m);
        return;
      }
      if (pending.length === 1) {
        await this.handle(pending[0].m, r, pending[0]);
        return;
      }
      const failure = await this.handleBatch(pending, r);
      if (!failure) return;
      if (failure.at === undefined) {
        for (const [k, p] of pending.entries()) {
          if (this.stopping) this.handBack(r, p.m);
          // Read afresh when a handler of the rolled-back batch has seen (and may have changed) the event.
          else await this.handle(p.m, r, k < failure.invoked ? undefined : p);
        }
        return;
      }
      const before: Prepared[] = [];
      for (const p of pending.slice(0, failure.at)) before.push(await this.prepare(p.m, p.handler));
      await this.handleRun(before, r);
      await this.settleFailed(pending[failure.at], failure.error, r);
      pending = pending.slice(failure.at + 1);
    }
  }

  /**
   * One attempt at a batch: one transaction, one multi-row inbox INSERT (events already in the inbox,
   * or twice in the batch, are duplicates), then each new event's handler in stream order through the
   * same manager, each in its own span with the context fields one event always had; commit, then ack
   * every message (REL-04: ack only after commit). stop() during the batch ends it after the handler
   * in hand: the handled events commit and are acked, the rest (and their inbox rows) go back.
   * Returns the failure that rolled the batch back, if any: where (`at`, the index of a failing
   * handler) and how many handlers had started.
   */
  private async handleBatch(
    run: Prepared[],
    r: StreamReader,
  ): Promise<{ at?: number; invoked: number; error: unknown } | undefined> {
    const spans: Span[] = [];
    let at: number | undefined;
    let outcomes: ('ok' | 'duplicate')[];
    try {
      outcomes = await this.o.dataSource.transaction(async (manager) => {
        // The batch's access-log and outbox rows, written together before the commit (appendRow).
        const appends = new WriteBatch(manager).collectAppends();
        const ids = run.map((p) => this.envelopeOf(p).id.toLowerCase());
        // Sorted, so two instances inserting overlapping ids take their row locks in the same order.
        const inserted: { event_id: string }[] = await manager.query(
          'INSERT INTO inbox (consumer, event_id) SELECT $1::text, id FROM unnest($2::uuid[]) AS id ON CONFLICT DO NOTHING RETURNING event_id',
          [this.o.consumer, [...ids].sort()],
        );
        const fresh = new Set(inserted.map((row) => row.event_id));
        const out: ('ok' | 'duplicate')[] = [];
        for (let i = 0; i < run.length; i++) {
          if (this.stopping) {
            // Not started: back to the server, with no inbox row left behind to make it a duplicate.
            if (fresh.size) {
              await manager.query('DELETE FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])', [
                this.o.consumer,
                [...fresh],
              ]);
            }
            break;
          }
          const p = run[i];
          const envelope = this.envelopeOf(p);
          // A CONSUMER span per delivery handled, as on its own (see process()).
          const { span, context } = startSpan(`event.handle ${p.handler.contract.subject}`, this.spanOptions(p.m, p.handler, p.headers));
          span.setAttributes({ 'messaging.message.id': envelope.id, 'stac.event.id': envelope.id });
          spans.push(span);
          if (!fresh.delete(ids[i])) {
            out.push('duplicate');
            continue;
          }
          at = i;
          await runWithin(context, () =>
            p.handler.handle(envelope.additionalInformation as object, {
              manager,
              envelope,
              correlationId: p.headers.correlationId ?? envelope.id,
              causationId: envelope.id,
              // This handler's span, so the events it writes continue the trace (the message's own when tracing is off).
              traceparent: traceparentOf(span) ?? p.headers.traceparent,
            }),
          );
          at = undefined;
          out.push('ok');
        }
        await appends.flush();
        return out;
      });
    } catch (e) {
      if (at !== undefined) failSpan(spans[at], e);
      for (const [i, span] of spans.entries()) {
        span.setAttribute('stac.outcome', i === at ? (isInfrastructureFailure(e) ? 'paused' : 'retry') : 'batch_rolled_back');
        span.end();
      }
      if (at === undefined) {
        this.o.logger.warn(
          { stream: r.stream, events: run.length, err: { type: (e as Error)?.name, code: databaseErrorCode(e) } },
          'event batch rolled back; handling its events one at a time',
        );
      }
      return { at, invoked: spans.length, error: e };
    }
    for (let i = 0; i < run.length; i++) {
      const outcome = outcomes[i];
      if (outcome) {
        // After the commit: a lost ack is a redelivery that the inbox turns into a duplicate.
        try {
          run[i].m.ack();
        } catch {
          // NATS is away: redelivered after the ack wait, then a duplicate.
        }
        this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome });
        spans[i].setAttribute('stac.outcome', outcome);
        spans[i].end();
      } else this.handBack(r, run[i].m);
    }
    return undefined;
  }

  /**
   * The outcome of a batch's event whose handler failed (the batch rolled back), as one attempt on its
   * own would have given it, without running the handler again; an infrastructure failure pauses the
   * consumer first and then handles the message on its own, as `handle` does.
   */
  private async settleFailed(p: Prepared, error: unknown, r: StreamReader): Promise<void> {
    let failure = error;
    if (error instanceof PermanentEventError || !isInfrastructureFailure(error)) {
      try {
        const outcome = await this.failed(p.m, this.envelopeOf(p).id, p.raw, error);
        this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome });
        return;
      } catch (e) {
        failure = e; // the dead letter could not be stored: NATS is away
      }
    }
    this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome: 'paused' });
    await this.waitForDependencies(failure, r.stream);
    if (this.stopping) this.handBack(r, p.m);
    else await this.handle(p.m, r);
  }

  private envelopeOf(p: Prepared): EventEnvelope<unknown> {
    if (!p.result?.ok) throw new Error('not a valid event');
    return p.result.envelope;
  }

  /** Handles one message to a final outcome, waiting out outages with the message in hand. */
  private async handle(m: JsMsg, r: StreamReader, prepared?: Prepared): Promise<void> {
    const stream = r.stream;
    let healthyFailures = 0;
    for (let attempt = 0; ; attempt++) {
      let outcome: Outcome;
      let failure: unknown;
      try {
        // The message as read for the batch, once: a retry reads it afresh.
        outcome = await this.process(m, attempt === 0 ? prepared : undefined);
      } catch (e) {
        failure = e;
        outcome = isInfrastructureFailure(e) ? 'paused' : 'retry';
        if (outcome === 'retry') {
          // Never let one message end the loop: it is handed back for a later redelivery.
          this.o.logger.error(
            { stream, streamSeq: m.seq, err: { type: (e as Error)?.name } },
            'event processing failed',
          );
          m.nak(this.delayFor(m.info.deliveryCount));
        }
      }
      this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome });
      if (outcome !== 'paused') return;
      if (this.stopping) {
        this.handBack(r, m);
        return;
      }
      const probesFailed = await this.waitForDependencies(failure, stream);
      if (this.stopping) {
        this.handBack(r, m);
        return;
      }
      healthyFailures = probesFailed === 0 ? healthyFailures + 1 : 0;
      if (healthyFailures >= MAX_INFRA_FAILURES_WHILE_HEALTHY) {
        // The database and NATS answer, yet this message keeps failing like an outage: treat it as
        // a failure of the message, which spends a delivery and ends in a dead letter eventually.
        const kind = (failure as Error)?.name ?? 'Error';
        if (m.info.deliveryCount >= this.o.maxDeliver) {
          await this.deadLetterOrHold(
            m,
            `failed ${m.info.deliveryCount} deliveries; last error ${kind}`,
            parseJson(m.data),
          );
        } else m.nak(this.delayFor(m.info.deliveryCount));
        this.o.metrics?.eventsHandled.inc({ consumer: this.o.consumer, outcome: 'retry' });
        return;
      }
    }
  }

  /**
   * One attempt at one message. Returns `paused` (nothing decided, the message is still held) for
   * an infrastructure failure; every other outcome has acked, nak-ed or terminated the message.
   * `prepared`: the message already read and validated (by the batch reader) and not yet handled.
   */
  async process(m: JsMsg, prepared?: Prepared): Promise<Outcome> {
    const handler = prepared?.handler ?? this.bySubject.get(localSubject(m.subject, this.o.namespace));
    if (!handler) {
      // Another consumer's event on a stream we read (or a newer major we do not handle yet).
      m.ack();
      return 'ignored';
    }
    const headers = prepared?.headers ?? fromNatsHeaders(m.headers);
    // A CONSUMER span per delivery handled, child of the relay's publish span (the message's
    // traceparent): the handler's queries and the events it writes belong to it.
    return inSpan(`event.handle ${handler.contract.subject}`, this.spanOptions(m, handler, headers), async (span) => {
      try {
        const outcome = await this.processWith(m, handler, headers, span, prepared);
        span.setAttribute('stac.outcome', outcome);
        return outcome;
      } catch (e) {
        span.setAttribute('stac.outcome', isInfrastructureFailure(e) ? 'paused' : 'retry');
        throw e;
      }
    });
  }

  private spanOptions(m: JsMsg, handler: RegisteredHandler, headers: Partial<EventHeaders>) {
    return {
      kind: SpanKind.CONSUMER,
      remoteParent: traceparentFrom(headers.traceparent),
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.destination.name': handler.contract.subject,
        'messaging.consumer.group.name': this.o.consumer,
        'stac.consumer': this.o.consumer,
        'stac.event.type': handler.contract.eventType,
        'stac.delivery': m.info.deliveryCount,
      },
    };
  }

  private async processWith(
    m: JsMsg,
    handler: RegisteredHandler,
    headers: Partial<EventHeaders>,
    span: Span,
    prepared?: Prepared,
  ): Promise<Outcome> {
    const raw = prepared ? prepared.raw : parseJson(m.data);
    const eventId = eventIdOf(raw);
    if (eventId) span.setAttributes({ 'messaging.message.id': eventId, 'stac.event.id': eventId });
    if (raw === undefined) return this.deadLetterOrHold(m, 'malformed: not UTF-8 JSON');
    const result = prepared?.result ?? (await validateEvent(raw, handler.contract));
    if (!result.ok)
      return this.deadLetterOrHold(
        m,
        `invalid ${handler.contract.subject}: ${result.problems.join('; ')}`,
        raw,
      );

    const { envelope } = result;
    let outcome: 'ok' | 'duplicate';
    try {
      outcome = await this.o.dataSource.transaction(async (manager) => {
        const inserted: unknown[] = await manager.query(
          'INSERT INTO inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id',
          [this.o.consumer, envelope.id],
        );
        if (inserted.length === 0) return 'duplicate' as const;
        const appends = new WriteBatch(manager).collectAppends();
        await handler.handle(envelope.additionalInformation as object, {
          manager,
          envelope,
          correlationId: headers.correlationId ?? envelope.id,
          causationId: envelope.id,
          // This handler's span, so the events it writes continue the trace (the message's own when tracing is off).
          traceparent: traceparentOf(span) ?? headers.traceparent,
        });
        await appends.flush();
        return 'ok' as const;
      });
    } catch (e) {
      if (!(e instanceof PermanentEventError) && isInfrastructureFailure(e)) throw e;
      return this.failed(m, envelope.id, raw, e);
    }
    // Outside the try: the effect is committed, so a failing ack must never count as a handler
    // failure. A lost ack means a redelivery that the inbox turns into a duplicate.
    m.ack();
    return outcome;
  }

  /** A failure of the message itself (handler or database): dead letter when it can never succeed or has no delivery left, else nak with backoff. */
  private async failed(m: JsMsg, eventId: string, raw: unknown, e: unknown): Promise<Outcome> {
    const kind = (e as Error)?.name ?? 'Error';
    if (e instanceof PermanentEventError) return this.deadLetterOrHold(m, `rejected by handler: ${e.message}`, raw);
    if (isPermanentDatabaseError(e)) {
      // The code, not the message: database messages can quote the offending values.
      return this.deadLetterOrHold(m, `rejected by the database (SQLSTATE ${databaseErrorCode(e)})`, raw);
    }
    if (m.info.deliveryCount >= this.o.maxDeliver) {
      return this.deadLetterOrHold(
        m,
        `failed ${m.info.deliveryCount} deliveries (max_deliver ${this.o.maxDeliver}); last error ${kind}`,
        raw,
      );
    }
    const delay = this.delayFor(m.info.deliveryCount);
    this.o.logger.warn(
      { subject: m.subject, eventId, delivery: m.info.deliveryCount, delayMs: delay, err: { type: kind } },
      'event handler failed; will redeliver',
    );
    m.nak(delay);
    return 'retry';
  }

  private delayFor(deliveryCount: number): number {
    return redeliveryDelayMs(deliveryCount, this.o.redeliveryBaseMs, this.o.redeliveryMaxMs);
  }

  /** Records a dead letter, then terminates the message; when NATS cannot take it, the message stays held (paused). */
  private async deadLetterOrHold(m: JsMsg, reason: string, raw?: unknown): Promise<Outcome> {
    const eventId = eventIdOf(raw);
    const letter = {
      consumer: this.o.consumer,
      stream: m.info.stream,
      streamSeq: m.seq,
      subject: m.subject,
      reason,
      deliveries: m.info.deliveryCount,
      eventId,
      data: m.data,
      headers: m.headers,
    };
    try {
      await publishDeadLetter(this.o.js, letter, this.o.namespace);
    } catch {
      try {
        // The dead-letter stream may have been deleted under us: create it again, once.
        await ensureDeadLetterStream(
          this.o.jsm,
          this.o.namespace,
          this.o.deadLetterLimits ?? DEFAULT_DEAD_LETTER_LIMITS,
          { update: false },
        );
        await publishDeadLetter(this.o.js, letter, this.o.namespace);
      } catch (e) {
        // Kept, never lost (REL-03): NATS could not store it now, so wait for it like any outage.
        throw Object.assign(new Error('dead letter not stored'), { name: 'ConnectionError', cause: e });
      }
    }
    // No reason argument: servers before 2.10 ignore a `+TERM` that carries one.
    m.term();
    this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer });
    this.o.logger.error(
      { subject: m.subject, streamSeq: m.seq, eventId, deliveries: m.info.deliveryCount },
      'event dead-lettered',
    );
    void this.refreshStats();
    return 'dead_letter';
  }

  /**
   * Pauses every stream of this consumer until the database and NATS answer again; concurrent
   * callers share one pause. Resolves with the number of probes that failed (0 = healthy at once).
   */
  private async waitForDependencies(failure: unknown, stream: string): Promise<number> {
    if (this.pause) {
      await this.pause.resumed;
      return 1;
    }
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    const reason = (failure as Error)?.name ?? 'Error';
    const pause: Pause = { since: Date.now(), reason, resumed, resume };
    this.pause = pause;
    this.o.metrics?.consumerPaused.set({ consumer: this.o.consumer }, 1);
    this.o.logger.warn(
      { consumer: this.o.consumer, stream, err: { type: reason, code: databaseErrorCode(failure) } },
      'event consumer paused: a dependency is unavailable',
    );
    const sleeper = new WakeableSleep();
    const onStop = pause.resumed.then(() => sleeper.wake());
    let failed = 0;
    let wait = this.o.probeMinMs ?? 250;
    // A first probe at once: a single dropped connection should cost no more than one round trip.
    while (!this.stopping) {
      try {
        await withTimeout(this.o.dataSource.query('SELECT 1'), 3000, 'database probe');
        await withTimeout(this.o.nc.flush(), 3000, 'NATS probe');
        break;
      } catch {
        failed++;
        await sleeper.sleep(wait);
        wait = Math.min(this.o.probeMaxMs ?? 5000, wait * 2);
      }
    }
    this.pause = undefined;
    pause.resume();
    await onStop;
    this.o.metrics?.consumerPaused.set({ consumer: this.o.consumer }, 0);
    if (failed > 0) {
      this.o.logger.info(
        { consumer: this.o.consumer, pausedMs: Date.now() - pause.since },
        'event consumer resumed',
      );
    }
    return failed;
  }

  private async refreshStats(): Promise<void> {
    try {
      this.stats = await deadLetterStats(this.o.jsm, {
        namespace: this.o.namespace,
        consumer: this.o.consumer,
      });
      this.o.metrics?.deadLetterCount.set({ consumer: this.o.consumer }, this.stats.count);
      this.o.metrics?.deadLetterOldestAge.set({ consumer: this.o.consumer }, this.stats.oldestAgeSeconds);
      for (const r of this.readers) await this.measureLag(r.stream);
    } catch {
      // NATS unavailable: the last figures stand; readiness reports NATS itself.
    }
  }

  /**
   * How close the oldest unacknowledged message of a stream is to the stream's max age, as a
   * ratio (1 = about to be removed unread). Half-way raises a warning (and the metric an alert).
   */
  private async measureLag(stream: string): Promise<void> {
    const [ci, si] = await Promise.all([
      this.o.jsm.consumers.info(stream, this.o.consumer),
      this.o.jsm.streams.info(stream),
    ]);
    let ratio = 0;
    if (ci.num_pending + ci.num_ack_pending > 0 && si.config.max_age > 0) {
      const oldest = await this.o.jsm.streams
        .getMessage(stream, { seq: ci.ack_floor.stream_seq + 1 })
        .catch(() => null);
      if (oldest) ratio = (Date.now() - oldest.time.getTime()) / (si.config.max_age / 1e6);
    }
    this.o.metrics?.consumerLagRetentionRatio.set({ consumer: this.o.consumer, stream }, ratio);
    if (ratio >= 0.5) {
      this.o.logger.warn(
        { consumer: this.o.consumer, stream, ratio: Number(ratio.toFixed(2)) },
        'event consumer lagging towards the stream retention limit',
      );
    }
  }

  /**
   * A message that exhausted max_deliver without our code seeing its last delivery (an instance
   * crashed or hung past the ack wait) becomes a dead letter too, with the stored message when the
   * stream still has it. A queue group per consuming service: one record however many instances run.
   */
  private watchMaxDeliveries(stream: string): void {
    const sub = this.o.nc.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.${this.o.consumer}`,
      {
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
          void this.recordMaxDeliveries(stream, seq, deliveries);
        },
      },
    );
    this.advisories.push(sub);
  }

  private async recordMaxDeliveries(
    stream: string,
    seq: number | null,
    deliveries: number | null,
  ): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        const stored =
          seq !== null ? await this.o.jsm.streams.getMessage(stream, { seq }).catch(() => null) : null;
        await publishDeadLetter(
          this.o.js,
          {
            consumer: this.o.consumer,
            stream,
            streamSeq: seq,
            subject: stored?.subject ?? '',
            reason: `max deliveries reached (server advisory${deliveries ? `, ${deliveries} deliveries` : ''})`,
            deliveries,
            eventId: stored ? eventIdOf(parseJson(stored.data)) : null,
            data: stored?.data ?? new Uint8Array(),
            headers: stored?.header,
          },
          this.o.namespace,
        );
        this.o.metrics?.deadLetters.inc({ consumer: this.o.consumer });
        this.o.logger.error(
          { stream, streamSeq: seq, deliveries },
          'event dead-lettered after max deliveries',
        );
        void this.refreshStats();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
    this.o.logger.error({ stream, streamSeq: seq }, 'could not record max-deliveries advisory');
  }
}
