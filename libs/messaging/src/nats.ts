import { connect, type NatsConnection } from '@nats-io/transport-node';
import { busConnectionOptions, isBusUser, type BusCredentials } from '@stac/rpc/bus';
import type { DeadLetterStats } from './dead-letters';

/** Who connects: the bus user (its inbox prefix and, with credentials, its permissions; BUS-01). */
export interface BusIdentity {
  user: string;
  namespace?: string;
  credentials?: BusCredentials;
}

/**
 * Connects to NATS. With `bus`, as that bus user: its credentials and TLS (from configuration) and its own
 * inbox prefix, the only one its permissions let it read replies on.
 */
export async function connectNats(url: string, name: string, bus?: BusIdentity): Promise<NatsConnection> {
  const servers = url.split(',').map((s) => s.trim());
  return connect({
    ...(bus && isBusUser(bus.user) ? busConnectionOptions(url, bus.user, bus.namespace, bus.credentials) : {}),
    ...(bus && !isBusUser(bus.user) && bus.credentials?.user ? { user: bus.credentials.user, pass: bus.credentials.password } : {}),
    servers,
    name,
    // No Error (stack trace) built for every request and publish acknowledgement (see busConnectionOptions).
    noAsyncTraces: true,
    // Keep trying while NATS restarts; the readiness probe reports the outage meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    // The TLS handshake of a process starting beside many others (a stack booting on two cores) can take
    // seconds; a first connection that times out stops the service.
    timeout: 10_000,
  });
}

/** What the messaging layer tells readiness: shutting down, and the consumer's dead letters. */
export interface MessagingState {
  shuttingDown: boolean;
  consumer?: { readonly paused: boolean; readonly deadLetters: DeadLetterStats };
}

/**
 * Readiness of the bus: not ready once shutdown begins (before anything stops) or while NATS does
 * not answer; when ready, the details carry the dead-letter count, the oldest one's age and
 * whether the consumer is waiting out an outage.
 */
export function natsProbe(nc: NatsConnection, state: MessagingState = { shuttingDown: false }) {
  return {
    key: 'nats',
    async check(): Promise<Record<string, unknown>> {
      if (state.shuttingDown) throw new Error('shutting down');
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
      if (!state.consumer) return {};
      const { count, oldestAgeSeconds } = state.consumer.deadLetters;
      return {
        deadLetters: count,
        oldestDeadLetterAgeSeconds: Math.round(oldestAgeSeconds),
        consumerPaused: state.consumer.paused,
      };
    },
  };
}
