import type { NatsConnection } from '@nats-io/nats-core';
import { natsProbe, type MessagingState } from './nats';

function fakeConnection(o: { closed?: boolean; flush?: () => Promise<void> } = {}): NatsConnection {
  return { isClosed: () => o.closed ?? false, flush: o.flush ?? (async () => undefined) } as unknown as NatsConnection;
}

describe('NATS readiness probe', () => {
  it('REL-08: ready shows the dead-letter count, the oldest one\'s age and whether the consumer is paused', async () => {
    const state: MessagingState = {
      shuttingDown: false,
      consumer: { paused: true, deadLetters: { count: 3, oldestAgeSeconds: 125.6 } },
    };
    await expect(natsProbe(fakeConnection(), state).check()).resolves.toEqual({
      deadLetters: 3,
      oldestDeadLetterAgeSeconds: 126,
      consumerPaused: true,
    });
  });

  it('REL-05: turns not-ready as soon as shutdown begins, before NATS itself is touched', async () => {
    const flush = jest.fn(async () => undefined);
    const state: MessagingState = { shuttingDown: true };
    await expect(natsProbe(fakeConnection({ flush }), state).check()).rejects.toThrow('shutting down');
    expect(flush).not.toHaveBeenCalled();
  });

  it('REL-05: not ready while NATS does not answer or the connection is closed', async () => {
    await expect(natsProbe(fakeConnection({ closed: true })).check()).rejects.toThrow('connection closed');
    const down = fakeConnection({ flush: () => Promise.reject(new Error('disconnected')) });
    await expect(natsProbe(down).check()).rejects.toThrow('disconnected');
  });
});
