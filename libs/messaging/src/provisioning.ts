import {
  AckPolicy,
  DeliverPolicy,
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

/** Creates or updates a producer's stream; safe to call from every service at every start. */
export async function ensureStream(jsm: JetStreamManager, s: StreamDefinition, namespace = ''): Promise<void> {
  const name = streamName(s, namespace);
  const config = {
    name,
    subjects: [wireSubject(`${s.subjectPrefix}.>`, namespace)],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    // Re-publishing the same outbox row inside this window is dropped by the server (msgID = event id).
    duplicate_window: nanos(10 * 60 * 1000),
    max_age: nanos(30 * 24 * 3600 * 1000),
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
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
