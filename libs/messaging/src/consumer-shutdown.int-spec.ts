import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { eventually, TEST_NATS_URL } from '@stac/testing';
import { connectNats } from './nats';
import { MessagingHarness, newWidget, publishEnvelope, sleep, widgetEnvelope, type TestDb } from './testing/messaging-harness';

jest.setTimeout(60_000);

/** Blocks the event loop: what the server sends meanwhile waits, unread, in the socket. */
function busy(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* spin */
  }
}

/** Shutdown that loses no time: the message in hand finishes, buffered ones go straight back. */
describe('event consumer shutdown', () => {
  const h = new MessagingHarness();
  let db: TestDb;
  let publisher: NatsConnection;

  beforeAll(async () => {
    await h.connect();
    db = await h.db('shutdown');
    // A second connection, as another service instance publishing would be.
    publisher = await connectNats(TEST_NATS_URL, 'shutdown-publisher');
  });

  afterAll(async () => {
    await publisher?.drain().catch(() => undefined);
    await h.close();
  });

  it('REL-04: stop() finishes the handler in flight and hands back what was buffered, so another instance takes it within seconds, not after the ack wait', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const ackWaitMs = 30_000;
    let started = 0;
    let finished = 0;
    const first = h.consumer(db, s, name, {
      ackWaitMs,
      prefetch: 10,
      onHandle: async () => {
        started++;
        await sleep(400);
        finished++;
      },
    });
    await first.start();
    const ids: string[] = [];
    let last = 0;
    for (let i = 0; i < 10; i++) {
      const env = widgetEnvelope(s, newWidget());
      ids.push(env.id);
      last = (await publishEnvelope(h, s, env)).seq;
    }
    await eventually(async () => started >= 1, { what: 'the first handler to start' });

    const stopAt = Date.now();
    await first.stop();
    const stopMs = Date.now() - stopAt;
    // The handler in flight completed (and committed) before stop() resolved.
    expect(finished).toBe(started);
    const handledByFirst = started;

    const second = h.consumer(db, s, name, { ackWaitMs, prefetch: 10 });
    await second.start();
    await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the rest, taken over', timeoutMs: ackWaitMs + 15_000 });
    // The handler in hand (400 ms) and at most one pull expiry (2 s); the rest is taken over at once.
    expect(stopMs).toBeLessThan(4_000);
    expect(Date.now() - stopAt).toBeLessThan(ackWaitMs / 3);
    expect(handledByFirst).toBeLessThan(10);
    const effects = (await h.effects(db, name)).map((e) => e.event_id);
    expect([...effects].sort()).toEqual([...ids].sort());
    expect(new Set(effects).size).toBe(10);
  }, 90_000);

  it('REL-04: a message the server delivered to the open pull just before stop() (still unread in the socket) is handed back too, not left to the ack wait', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const ackWaitMs = 30_000;
    const js = jetstream(publisher);
    const ids: string[] = [];
    let last = 0;
    let stoppedAt = 0;
    for (let round = 0; round < 3; round++) {
      const c = h.consumer(db, s, name, { ackWaitMs, prefetch: 32 });
      await c.start();
      // Idle with its pull request open on the server.
      await eventually(async () => (await h.jsm.consumers.info(s.stream.name, name)).num_waiting > 0, {
        what: 'an open pull request',
      });
      const env = widgetEnvelope(s, newWidget());
      ids.push(env.id);
      last = (await js.publish(s.Contract.subject, JSON.stringify(env), { msgID: env.id })).seq;
      // The server delivers it to the open pull while this process is busy; stop() begins before the
      // socket is read, exactly as a SIGTERM handled in the same turn would.
      busy(200);
      const stopping = c.stop();
      const t = Date.now();
      await stopping;
      expect(Date.now() - t).toBeLessThan(4_000);
      stoppedAt = Date.now();
    }
    const successor = h.consumer(db, s, name, { ackWaitMs });
    await successor.start();
    await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'every message, taken over', timeoutMs: ackWaitMs + 15_000 });
    // Well inside one ack wait: each was nak-ed by the instance that received it, none waited out the 30 s.
    expect(Date.now() - stoppedAt).toBeLessThan(ackWaitMs / 3);
    const effects = (await h.effects(db, name)).map((e) => e.event_id);
    expect([...effects].sort()).toEqual([...ids].sort());
  }, 120_000);
});
