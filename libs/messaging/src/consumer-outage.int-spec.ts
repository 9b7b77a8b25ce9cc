import { Client } from 'pg';
import { eventually, TEST_PG_BASE } from '@stac/testing';
import { ServiceMetrics } from '@stac/observability';
import { MessagingHarness, newWidget, publishEnvelope, sleep, widgetEnvelope, type TestDb } from './testing/messaging-harness';

jest.setTimeout(60_000);

/**
 * REL-07 on the shared Postgres without stopping it: the consumer's own test database refuses
 * connections (ALLOW_CONNECTIONS false, its sessions ended) while events arrive.
 */
describe('event consumer through an outage of its database', () => {
  const h = new MessagingHarness();
  let db: TestDb;
  let admin: Client;

  beforeAll(async () => {
    await h.connect();
    db = await h.db('outage');
    admin = new Client({ connectionString: TEST_PG_BASE });
    await admin.connect();
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${db.db.name}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await h.close();
  });

  async function refuseConnections(refuse: boolean) {
    await admin.query(`ALTER DATABASE "${db.db.name}" ALLOW_CONNECTIONS ${refuse ? 'false' : 'true'}`);
    if (refuse) await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [db.db.name]);
  }

  it('REL-07: the consumer pauses instead of spending deliveries, then handles every event exactly once with no dead letter', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    // Three deliveries 20 ms apart would be gone in well under a second of outage, were they spent.
    const consumer = h.consumer(db, s, name, { metrics, maxDeliver: 3, redeliveryBaseMs: 20, probeMaxMs: 500 });
    await consumer.start();

    const before = widgetEnvelope(s, newWidget());
    const first = await publishEnvelope(h, s, before);
    await eventually(() => h.consumerSettled(s.stream.name, name, first.seq), { what: 'the first event' });

    await refuseConnections(true);
    const during: string[] = [];
    let last = first.seq;
    for (let i = 0; i < 10; i++) {
      const env = widgetEnvelope(s, newWidget());
      last = (await publishEnvelope(h, s, env)).seq;
      during.push(env.id);
    }
    await eventually(async () => consumer.paused, { what: 'the consumer to pause' });
    const paused = (await metrics.consumerPaused.get()).values.find((v) => v.labels.consumer === name);
    expect(paused?.value).toBe(1);
    await sleep(3_000); // the outage lasts: many times what three deliveries would take
    expect(consumer.paused).toBe(true);
    await refuseConnections(false);

    await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'catch-up after the outage', timeoutMs: 20_000 });
    const effects = (await h.effects(db, name)).map((e) => e.event_id);
    expect(effects).toEqual([before.id, ...during]);
    expect(await h.deadLetters(name)).toEqual([]);
    const ci = await h.jsm.consumers.info(s.stream.name, name);
    expect(ci.num_redelivered).toBe(0);
    expect(consumer.paused).toBe(false);
    expect((await metrics.consumerPaused.get()).values.find((v) => v.labels.consumer === name)?.value).toBe(0);
  });

  it('REL-07: an outage in the middle of a batch (the connection killed under its transaction) pauses the consumer; every event of the batch then takes effect once, in order, with no delivery spent', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    const events = Array.from({ length: 12 }, () => widgetEnvelope(s, newWidget()));
    let last = 0;
    for (const env of events) last = (await publishEnvelope(h, s, env)).seq;
    let struck = false;
    const consumer = h.consumer(db, s, name, {
      metrics,
      maxDeliver: 3,
      redeliveryBaseMs: 20,
      probeMaxMs: 500,
      prefetch: 32,
      onHandle: async (_e, ctx) => {
        // A backlog is handled in batches; the outage strikes inside one, after this event's write.
        if (ctx.envelope.id === events[4].id && !struck) {
          struck = true;
          await refuseConnections(true);
        }
      },
    });
    await consumer.start();
    await eventually(async () => consumer.paused, { what: 'the consumer to pause' });
    await sleep(1_500);
    expect(consumer.paused).toBe(true);
    await refuseConnections(false);

    await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'catch-up after the outage', timeoutMs: 20_000 });
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual(events.map((e) => e.id));
    expect(await h.deadLetters(name)).toEqual([]);
    const ci = await h.jsm.consumers.info(s.stream.name, name);
    expect(ci.num_redelivered).toBe(0);
    const handled = (await metrics.eventsHandled.get()).values.filter((v) => v.labels.consumer === name);
    expect(handled.find((v) => v.labels.outcome === 'ok')?.value).toBe(events.length);
    expect(handled.find((v) => v.labels.outcome === 'retry')).toBeUndefined();
  });
});
