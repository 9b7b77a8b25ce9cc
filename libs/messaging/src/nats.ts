import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { DeadLetterStats } from './dead-letters';

export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    // Keep trying while NATS restarts; the readiness probe reports the outage meanwhile.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 3000,
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
