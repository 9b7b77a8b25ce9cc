import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { StreamDefinition } from '@stac/contracts';

function isNotFound(e: unknown): boolean {
  return e instanceof JetStreamApiError && (e.status === 404 || /not found/i.test(e.message));
}

/**
 * An isolated copy of the platform's streams (NATS_NAMESPACE): its own stream names and a subject
 * prefix, so a test stack, a benchmark and a developer's stack can share one NATS server.
 */
export function streamName(s: StreamDefinition, namespace = ''): string {
  return namespace ? `${namespace.toUpperCase()}_${s.name}` : s.name;
}
export function wireSubject(subject: string, namespace = ''): string {
  return namespace ? `${namespace}.${subject}` : subject;
}
export function localSubject(subject: string, namespace = ''): string {
  return namespace && subject.startsWith(`${namespace}.`) ? subject.slice(namespace.length + 1) : subject;
}

/** How big a stream may grow and what happens at the limit (design.md §3: sized on purpose). */
export interface StreamLimits {
  /** Copies in the cluster: 3 in production (R3), 1 on a single server. */
  replicas: number;
  maxAgeMs: number;
  /** -1 = unlimited. */
  maxBytes: number;
  /**
   * `new`: a full stream refuses publishes, so the outbox keeps the events and retries (nothing
   * lost, back-pressure instead). `old`: the oldest messages are dropped to make room.
   */
  discard: 'old' | 'new';
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  replicas: 1,
  maxAgeMs: 30 * 24 * 3600 * 1000,
  maxBytes: 1024 * 1024 * 1024,
  discard: 'new',
};

/**
 * Creates or updates a stream with the given subjects and limits; safe to call from every service at every
 * start. `update: false` only creates a missing stream and leaves an existing one as it is: what a reader
 * of another service's stream may do (BUS-01: only the producer's user may update its stream).
 */
export async function ensureStreamConfig(
  jsm: JetStreamManager,
  name: string,
  subjects: string[],
  limits: StreamLimits,
  duplicateWindowMs: number,
  { update = true }: { update?: boolean } = {},
): Promise<void> {
  const config = {
    name,
    subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: nanos(Math.min(duplicateWindowMs, limits.maxAgeMs)),
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    discard: limits.discard === 'new' ? DiscardPolicy.New : DiscardPolicy.Old,
    num_replicas: limits.replicas,
  };
  try {
    await jsm.streams.info(name);
    if (update) await jsm.streams.update(name, config);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    try {
      await jsm.streams.add(config);
    } catch (e2) {
      // Another service created it between our info and add.
      if (!(e2 instanceof JetStreamApiError && /already in use|exists/i.test(e2.message))) throw e2;
    }
  }
}

/**
 * Creates or updates a producer's stream; safe to call from every service at every start. Readers of the
 * stream pass `update: false` (create it if missing, never change it).
 */
export async function ensureStream(
  jsm: JetStreamManager,
  s: StreamDefinition,
  namespace = '',
  limits: StreamLimits = DEFAULT_STREAM_LIMITS,
  opts: { update?: boolean } = {},
): Promise<void> {
  // Re-publishing the same outbox row inside this window is dropped by the server (msgID = event id).
  await ensureStreamConfig(
    jsm,
    streamName(s, namespace),
    [wireSubject(`${s.subjectPrefix}.>`, namespace)],
    limits,
    10 * 60 * 1000,
    opts,
  );
}

export interface DurableOptions {
  stream: string;
  durable: string;
  maxDeliver: number;
  ackWaitMs: number;
}

/** One durable pull consumer per (consuming service, stream); explicit ack after commit. */
export async function ensureDurable(jsm: JetStreamManager, o: DurableOptions): Promise<void> {
  const config = {
    durable_name: o.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    max_deliver: o.maxDeliver,
    ack_wait: nanos(o.ackWaitMs),
    max_ack_pending: 1000,
  };
  try {
    await jsm.consumers.info(o.stream, o.durable);
    await jsm.consumers.update(o.stream, o.durable, {
      max_deliver: config.max_deliver,
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
    });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await jsm.consumers.add(o.stream, config);
  }
}
