import { connect, type NatsConnection } from '@nats-io/transport-node';

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

export function natsProbe(nc: NatsConnection) {
  return {
    key: 'nats',
    async check() {
      if (nc.isClosed()) throw new Error('connection closed');
      await nc.flush();
    },
  };
}
