import { Client } from 'pg';
import { eventually } from '@stac/testing';
import { Outbox } from './outbox';
import { ensureStream } from './provisioning';
import { reconcileOutbox } from './reconcile';
import { pruneMessagingTables } from './retention';
import { createWidget, MessagingHarness, newWidget } from './testing/messaging-harness';

jest.setTimeout(60_000);

describe('outbox/inbox retention and outbox re-publication', () => {
  const h = new MessagingHarness();

  beforeAll(async () => {
    await h.connect();
  });

  afterAll(async () => {
    await h.close();
  });

  it('prunes published outbox rows and inbox rows past retention, never an unpublished outbox row', async () => {
    const db = await h.db('prune');
    await db.ds.query(`
      INSERT INTO outbox (id, subject, envelope, published_at, created_at) VALUES
        (gen_random_uuid(), 'x.y.z.v1', '{}', now() - interval '40 days', now() - interval '40 days'),
        (gen_random_uuid(), 'x.y.z.v1', '{}', now() - interval '2 days', now() - interval '2 days'),
        (gen_random_uuid(), 'x.y.z.v1', '{}', NULL, now() - interval '90 days')`);
    await db.ds.query(`
      INSERT INTO inbox (consumer, event_id, handled_at) VALUES
        ('c', gen_random_uuid(), now() - interval '70 days'),
        ('c', gen_random_uuid(), now() - interval '10 days')`);

    expect(await pruneMessagingTables(db.ds, { outboxRetentionDays: 30, inboxRetentionDays: 60, batchSize: 1 })).toEqual({
      outbox: 1,
      inbox: 1,
    });
    const outbox = await db.ds.query(`SELECT published_at IS NULL AS unpublished FROM outbox ORDER BY seq`);
    expect(outbox).toEqual([{ unpublished: false }, { unpublished: true }]);
    expect(await db.ds.query(`SELECT count(*)::int AS n FROM inbox`)).toEqual([{ n: 1 }]);
  });

  it('REL-02: a deleted stream is rebuilt from the outbox; running reconcile twice has no second effect', async () => {
    const s = await h.newStream();
    const [producer, consumerDb] = await Promise.all([h.db('reconcile_p'), h.db('reconcile_c')]);
    const outbox = new Outbox(s.producer);
    const name = `svc-${s.tok}`;
    const events = [];
    for (let i = 0; i < 4; i++) events.push(await createWidget(producer, s, outbox, newWidget()));
    // One row published long ago and lost with the stream, three never published.
    await producer.ds.query(`UPDATE outbox SET published_at = now() WHERE id = $1`, [events[0].id]);

    await h.jsm.streams.delete(s.stream.name);
    await ensureStream(h.jsm, s.stream);
    const client = new Client({ connectionString: producer.url });
    await client.connect();
    try {
      expect(await reconcileOutbox(client, h.js)).toEqual({ read: 4, published: 4, duplicates: 0 });
      expect(await reconcileOutbox(client, h.js)).toEqual({ read: 4, published: 0, duplicates: 4 });
    } finally {
      await client.end();
    }
    expect(await h.streamMessages(s.stream.name)).toBe(4);
    expect(await producer.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).toEqual([{ n: 0 }]);

    await h.consumer(consumerDb, s, name).start();
    await eventually(() => h.consumerSettled(s.stream.name, name, 4), { what: 'the rebuilt stream to be consumed' });
    expect((await h.effects(consumerDb, name)).map((e) => e.event_id)).toEqual(events.map((e) => e.id));
  });
});
