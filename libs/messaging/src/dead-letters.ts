import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { ensureStreamConfig, type StreamLimits, wireSubject } from './provisioning';

/**
 * Dead letters live in their own JetStream stream, never in the service database: the failure that
 * produced them (a database outage) must not also lose them (REL-08). One subject per consuming
 * service and source stream: `deadletter.<consumer>.<stream>`. The message keeps the original bytes
 * and headers; `Stac-Dlq-*` headers add why, from where and after how many deliveries.
 */
export const DEAD_LETTER_STREAM = 'DEAD_LETTERS';
export const DEAD_LETTER_PREFIX = 'deadletter';

export const DLQ_HEADER = {
  reason: 'Stac-Dlq-Reason',
  subject: 'Stac-Dlq-Subject',
  stream: 'Stac-Dlq-Stream',
  streamSeq: 'Stac-Dlq-Stream-Seq',
  deliveries: 'Stac-Dlq-Deliveries',
  consumer: 'Stac-Dlq-Consumer',
  eventId: 'Stac-Dlq-Event-Id',
  at: 'Stac-Dlq-At',
} as const;

export function deadLetterStreamName(namespace = ''): string {
  return namespace ? `${namespace.toUpperCase()}_${DEAD_LETTER_STREAM}` : DEAD_LETTER_STREAM;
}

/** Subject tokens may not hold dots, spaces or wildcards. */
function token(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

export function deadLetterSubject(consumer: string, stream: string, namespace = ''): string {
  return wireSubject(`${DEAD_LETTER_PREFIX}.${token(consumer)}.${token(stream)}`, namespace);
}

export function deadLetterFilter(consumer?: string, namespace = ''): string {
  return wireSubject(
    consumer ? `${DEAD_LETTER_PREFIX}.${token(consumer)}.>` : `${DEAD_LETTER_PREFIX}.>`,
    namespace,
  );
}

/** Dead letters are kept a long time by default and never silently pushed out: a full stream refuses new ones. */
export const DEFAULT_DEAD_LETTER_LIMITS: StreamLimits = {
  replicas: 1,
  maxAgeMs: 90 * 24 * 3600 * 1000,
  maxBytes: -1,
  discard: 'new',
};

/**
 * Creates the dead-letter stream if missing. The services and `pnpm dlq` pass `update: false`: their bus
 * users may create it but never change it (BUS-01), so none can shorten how long dead letters are kept.
 */
export async function ensureDeadLetterStream(
  jsm: JetStreamManager,
  namespace = '',
  limits: StreamLimits = DEFAULT_DEAD_LETTER_LIMITS,
  opts: { update?: boolean } = {},
) {
  await ensureStreamConfig(
    jsm,
    deadLetterStreamName(namespace),
    [deadLetterFilter(undefined, namespace)],
    limits,
    2 * 60 * 1000,
    opts,
  );
}

export interface DeadLetterInput {
  consumer: string;
  /** The stream the message was read from, and its sequence there (null when unknown). */
  stream: string;
  streamSeq: number | null;
  /** The subject the message was published on (on the wire, namespace included). */
  subject: string;
  reason: string;
  deliveries: number | null;
  eventId: string | null;
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** A header value NATS accepts: one line, bounded. */
function oneLine(v: string, max = 1000): string {
  return v.replace(/[\r\n]+/g, ' ').slice(0, max);
}

/**
 * Publishes one dead letter and waits for the server to store it. The message id makes a second
 * record of the same source message (our own last delivery and the server's MAX_DELIVERIES
 * advisory, or two instances) a duplicate the server drops.
 */
export async function publishDeadLetter(
  js: JetStreamClient,
  d: DeadLetterInput,
  namespace = '',
): Promise<void> {
  const h = natsHeaders();
  if (d.headers)
    for (const [k, vs] of d.headers)
      for (const v of vs) if (!k.startsWith('Stac-Dlq-') && !k.startsWith('Nats-')) h.append(k, v);
  h.set(DLQ_HEADER.reason, oneLine(d.reason) || 'unknown');
  h.set(DLQ_HEADER.subject, oneLine(d.subject));
  h.set(DLQ_HEADER.stream, oneLine(d.stream));
  if (d.streamSeq !== null) h.set(DLQ_HEADER.streamSeq, String(d.streamSeq));
  if (d.deliveries !== null) h.set(DLQ_HEADER.deliveries, String(d.deliveries));
  h.set(DLQ_HEADER.consumer, oneLine(d.consumer));
  if (d.eventId) h.set(DLQ_HEADER.eventId, oneLine(d.eventId, 64));
  h.set(DLQ_HEADER.at, new Date().toISOString());
  const msgID = d.streamSeq !== null ? `dlq:${d.consumer}:${d.stream}:${d.streamSeq}` : undefined;
  await js.publish(deadLetterSubject(d.consumer, d.stream, namespace), d.data, {
    headers: h,
    msgID,
    timeout: 5000,
  });
}

export interface DeadLetter {
  /** Sequence in the dead-letter stream: what `dlq replay|discard` take. */
  seq: number;
  at: Date;
  consumer: string;
  stream: string;
  streamSeq: number | null;
  subject: string;
  deliveries: number | null;
  eventId: string | null;
  reason: string;
  data: Uint8Array;
  headers: MsgHdrs | undefined;
}

function toDeadLetter(m: StoredMsg): DeadLetter {
  const g = (k: string) => m.header?.get(k) || '';
  const num = (k: string) => (g(k) ? Number(g(k)) : null);
  return {
    seq: m.seq,
    at: m.time,
    consumer: g(DLQ_HEADER.consumer),
    stream: g(DLQ_HEADER.stream),
    streamSeq: num(DLQ_HEADER.streamSeq),
    subject: g(DLQ_HEADER.subject),
    deliveries: num(DLQ_HEADER.deliveries),
    eventId: g(DLQ_HEADER.eventId) || null,
    reason: g(DLQ_HEADER.reason),
    data: m.data,
    headers: m.header,
  };
}

/** Reads dead letters in stream order (oldest first), optionally of one consumer; bounded by `limit`. */
export async function listDeadLetters(
  jsm: JetStreamManager,
  o: { namespace?: string; consumer?: string; limit?: number } = {},
): Promise<DeadLetter[]> {
  const name = deadLetterStreamName(o.namespace);
  const filter = deadLetterFilter(o.consumer, o.namespace);
  const out: DeadLetter[] = [];
  let seq = 0;
  const limit = o.limit ?? 1000;
  while (out.length < limit) {
    // next_by_subj is a server feature (2.9+) the client's type does not list for this call.
    const m = await jsm.streams.getMessage(name, { seq, next_by_subj: filter } as never);
    if (!m) break;
    out.push(toDeadLetter(m));
    seq = m.seq + 1;
  }
  return out;
}

export async function getDeadLetter(
  jsm: JetStreamManager,
  seq: number,
  namespace = '',
): Promise<DeadLetter | null> {
  const m = await jsm.streams.getMessage(deadLetterStreamName(namespace), { seq });
  return m && m.subject.startsWith(wireSubject(`${DEAD_LETTER_PREFIX}.`, namespace)) ? toDeadLetter(m) : null;
}

export interface DeadLetterStats {
  count: number;
  /** Age of the oldest dead letter in seconds; 0 when there is none. */
  oldestAgeSeconds: number;
}

/** How many dead letters (of one consumer, or all) are waiting, and how old the oldest is. */
export async function deadLetterStats(
  jsm: JetStreamManager,
  o: { namespace?: string; consumer?: string } = {},
): Promise<DeadLetterStats> {
  const name = deadLetterStreamName(o.namespace);
  const filter = deadLetterFilter(o.consumer, o.namespace);
  const info = await jsm.streams.info(name, { subjects_filter: filter });
  const subjects = (info.state as { subjects?: Record<string, number> }).subjects ?? {};
  const count = Object.values(subjects).reduce((a, b) => a + b, 0);
  if (count === 0) return { count: 0, oldestAgeSeconds: 0 };
  const first = await jsm.streams.getMessage(name, { seq: 0, next_by_subj: filter } as never);
  return { count, oldestAgeSeconds: first ? Math.max(0, (Date.now() - first.time.getTime()) / 1000) : 0 };
}

/**
 * Puts a dead letter's original message back on its original subject, so every consumer of that
 * stream sees it once more (their inboxes make that harmless for those that had handled it), then
 * removes it from the dead-letter stream. A new message id: the original one may still sit in the
 * source stream's duplicate window.
 */
export async function replayDeadLetter(
  js: JetStreamClient,
  jsm: JetStreamManager,
  d: DeadLetter,
  namespace = '',
): Promise<number> {
  if (!d.subject) throw new Error(`dead letter ${d.seq} has no original subject`);
  const h = natsHeaders();
  if (d.headers)
    for (const [k, vs] of d.headers)
      for (const v of vs) if (!k.startsWith('Stac-Dlq-') && !k.startsWith('Nats-')) h.append(k, v);
  const ack = await js.publish(d.subject, d.data, {
    headers: h,
    msgID: `replay:${deadLetterStreamName(namespace)}:${d.seq}`,
    timeout: 5000,
  });
  await jsm.streams.deleteMessage(deadLetterStreamName(namespace), d.seq, false);
  return ack.seq;
}

export async function discardDeadLetter(jsm: JetStreamManager, d: DeadLetter, namespace = ''): Promise<void> {
  await jsm.streams.deleteMessage(deadLetterStreamName(namespace), d.seq, false);
}
