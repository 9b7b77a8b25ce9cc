import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import pino from 'pino';
import { eventually } from '@stac/testing';
import { toNatsHeaders } from './headers';
import { Outbox } from './outbox';
import { OUTBOX_PICK } from './outbox-relay';
import {
  createWidget,
  MessagingHarness,
  newWidget,
  sleep,
  type TestDb,
} from './testing/messaging-harness';
import { SilentProxy } from './testing/silent-proxy';

// Jest's `testTimeout` is a global option, ignored inside `projects`: set it here.
jest.setTimeout(30_000);

/**
 * The producing half of the backbone against real Postgres and JetStream: outbox in the state
 * change's transaction, the relay (NOTIFY + poll, advisory lock, msgID = event id) and delivery to
 * every consuming service.
 */
describe('outbox relay (Postgres + JetStream)', () => {
  const h = new MessagingHarness();

  beforeAll(async () => {
    await h.connect();
  });

  afterAll(async () => {
    await h.close();
  });

  async function outboxRows(db: TestDb) {
    return db.ds.query<{ id: string; subject: string; envelope: string; headers: object; published_at: Date | null }[]>(
      `SELECT id, subject, envelope::text AS envelope, headers, published_at FROM outbox ORDER BY seq`,
    );
  }

  it('REL-02: an event committed with its state change reaches every consuming service exactly once; a rolled-back one publishes nothing', async () => {
    const s = await h.newStream();
    const [producerDb, billingDb, auditDb] = await Promise.all([h.db('rel_producer'), h.db('rel_billing'), h.db('rel_audit')]);
    const outbox = new Outbox(s.producer);
    const billing = `billing-${s.tok}`;
    const audit = `audit-${s.tok}`;
    await h.consumer(billingDb, s, billing).start();
    await h.consumer(auditDb, s, audit).start();
    h.relay(producerDb, s).start();

    const w1 = newWidget();
    const e1 = await createWidget(producerDb, s, outbox, w1);

    const w2 = newWidget();
    await expect(
      producerDb.ds.transaction(async (manager) => {
        await manager.query(`INSERT INTO widget (id, size) VALUES ($1, $2)`, [w2.widgetId, w2.size]);
        await outbox.enqueue(manager, s.Contract, { aggregateVersion: 1, additionalInformation: w2 }, { correlationId: 'c' });
        throw new Error('business rule failed after enqueue');
      }),
    ).rejects.toThrow('business rule failed after enqueue');

    const w3 = newWidget();
    const e3 = await createWidget(producerDb, s, outbox, w3);

    for (const [db, name] of [
      [billingDb, billing],
      [auditDb, audit],
    ] as const) {
      await eventually(() => h.consumerSettled(s.stream.name, name, 2), { what: `${name} to ack both events` });
      const effects = await h.effects(db, name);
      expect(effects).toEqual([
        { consumer: name, event_id: e1.id, widget_id: w1.widgetId, size: w1.size, correlation: `corr-${w1.widgetId}` },
        { consumer: name, event_id: e3.id, widget_id: w3.widgetId, size: w3.size, correlation: `corr-${w3.widgetId}` },
      ]);
    }

    // The rolled-back change left neither its row nor its event anywhere.
    expect(await producerDb.ds.query(`SELECT id FROM widget WHERE id = $1`, [w2.widgetId])).toEqual([]);
    const rows = await outboxRows(producerDb);
    expect(rows.map((r) => r.id)).toEqual([e1.id, e3.id]);
    expect(rows.every((r) => r.published_at !== null)).toBe(true);
    expect(await h.streamMessages(s.stream.name)).toBe(2);
  });

  it('Outbox.enqueue refuses to run outside the transaction of a state change', async () => {
    const s = await h.newStream();
    const db = await h.db('rel_notx');
    await expect(
      new Outbox(s.producer).enqueue(db.ds.manager, s.Contract, { aggregateVersion: 1, additionalInformation: newWidget() }, { correlationId: 'c' }),
    ).rejects.toThrow(/inside the transaction/);
    expect(await outboxRows(db)).toEqual([]);
  });

  it('REL-04: a relay restarted between publish and marking re-publishes, marks the row, and the effect happens once', async () => {
    const s = await h.newStream();
    const [producerDb, consumerDb] = await Promise.all([h.db('rel_crash_p'), h.db('rel_crash_c')]);
    const name = `svc-${s.tok}`;
    await h.consumer(consumerDb, s, name).start();
    const w = newWidget();
    const e = await createWidget(producerDb, s, new Outbox(s.producer), w);

    // What a relay that crashed after its publish but before its UPDATE left behind.
    const [row] = await outboxRows(producerDb);
    const first = await h.js.publish(row.subject, row.envelope, { msgID: row.id, headers: toNatsHeaders(row.headers) });
    expect(first.duplicate).toBe(false);
    await eventually(() => h.consumerSettled(s.stream.name, name, first.seq), { what: 'the consumer to handle the first publish' });
    expect((await outboxRows(producerDb))[0].published_at).toBeNull();

    // The restarted relay.
    h.relay(producerDb, s).start();
    await eventually(async () => (await outboxRows(producerDb))[0].published_at !== null, { what: 'the row to be marked published' });

    // JetStream dropped the re-publish (same msgID inside the duplicate window): still one message.
    expect(await h.streamMessages(s.stream.name)).toBe(1);
    await eventually(() => h.consumerSettled(s.stream.name, name, 1));
    expect(await h.effects(consumerDb, name)).toEqual([
      { consumer: name, event_id: e.id, widget_id: w.widgetId, size: w.size, correlation: `corr-${w.widgetId}` },
    ]);
    expect(await consumerDb.ds.query(`SELECT event_id FROM inbox WHERE consumer = $1`, [name])).toEqual([{ event_id: e.id }]);
  });

  it('REL-02: only one relay per database is active (advisory lock); stopping it lets the other take over', async () => {
    const s = await h.newStream();
    const db = await h.db('rel_lock');
    const outbox = new Outbox(s.producer);
    const a = h.relay(db, s, { pollMs: 50 });
    const b = h.relay(db, s, { pollMs: 50 });
    a.start();
    await eventually(async () => a.isActive, { what: 'relay A to take the lock' });
    b.start();

    let bothActive = false;
    const watch = setInterval(() => {
      if (a.isActive && b.isActive) bothActive = true;
    }, 5);
    try {
      // A positive fact first: B has asked for the lock on its own connection and been refused (its last
      // statement is the try-lock, and it holds no advisory lock), so B's inactivity below means something.
      await eventually(
        async () =>
          (
            await db.ds.query<{ n: number }[]>(
              `SELECT count(*)::int AS n FROM pg_stat_activity a
                WHERE a.datname = $1 AND a.query LIKE 'SELECT pg_try_advisory_lock%'
                  AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)`,
              [db.db.name],
            )
          )[0].n >= 1,
        { what: 'relay B to be refused the lock' },
      );
      expect(b.isActive).toBe(false);
      const heldLocks = async () =>
        (
          await db.ds.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`,
            [db.db.name],
          )
        )[0].n;
      expect(await heldLocks()).toBe(1);

      const first = [];
      for (let i = 0; i < 5; i++) first.push(await createWidget(db, s, outbox, newWidget()));
      await eventually(async () => (await outboxRows(db)).every((r) => r.published_at !== null), { what: 'A to publish' });

      await a.stop();
      expect(a.isActive).toBe(false);
      await eventually(async () => b.isActive, { what: 'relay B to take over' });
      expect(await heldLocks()).toBe(1);

      const second = [];
      for (let i = 0; i < 5; i++) second.push(await createWidget(db, s, outbox, newWidget()));
      await eventually(async () => (await outboxRows(db)).every((r) => r.published_at !== null), { what: 'B to publish' });

      // Every event once, in outbox order.
      const ids = [...first, ...second].map((e) => e.id);
      expect(await h.streamMessages(s.stream.name)).toBe(ids.length);
      for (let seq = 1; seq <= ids.length; seq++) {
        const m = await h.jsm.streams.getMessage(s.stream.name, { seq });
        expect((m!.json() as { id: string }).id).toBe(ids[seq - 1]);
      }
    } finally {
      clearInterval(watch);
    }
    expect(bothActive).toBe(false);
  });

  it('REL-07: when the active relay\'s connection is killed, its advisory lock goes with it and relaying resumes', async () => {
    const s = await h.newStream();
    const db = await h.db('rel_kill');
    const outbox = new Outbox(s.producer);
    const a = h.relay(db, s);
    a.start();
    await eventually(async () => a.isActive, { what: 'relay A to take the lock' });
    const b = h.relay(db, s);
    b.start();

    const [{ n }] = await db.ds.query<{ n: number }[]>(
      `SELECT count(pg_terminate_backend(l.pid))::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
    );
    expect(n).toBe(1);
    const e = await createWidget(db, s, outbox, newWidget());

    await eventually(async () => (await outboxRows(db)).every((r) => r.published_at !== null), {
      what: 'the event to be published after the kill',
      timeoutMs: 15_000,
    });
    expect([a.isActive, b.isActive].filter(Boolean)).toHaveLength(1);
    const stored = await h.jsm.streams.getMessage(s.stream.name, { last_by_subj: s.Contract.subject });
    expect(JSON.parse(new TextDecoder().decode(stored!.data)).id).toBe(e.id);
  });

  it("REL-07: when the active relay's connection goes silent (half-open), it gives the session up within its query timeout, ends its own stale session to free the lock, and relaying resumes", async () => {
    const s = await h.newStream();
    const db = await h.db('rel_silent');
    const outbox = new Outbox(s.producer);
    const proxy = SilentProxy.forUrl(db.url);
    await proxy.start();
    try {
      const relay = h.relay(db, s, { databaseUrl: proxy.rewrite(db.url), statementTimeoutMs: 1000 });
      relay.start();
      await eventually(async () => relay.isActive, { what: 'the relay to take the lock' });
      const lockHolder = async () =>
        (
          await db.ds.query<{ pid: number }[]>(
            `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
              WHERE l.locktype = 'advisory' AND l.granted AND d.datname = current_database()`,
          )
        )[0]?.pid;
      const stale = await lockHolder();
      expect(stale).toBeDefined();

      expect(proxy.silence()).toBe(1);
      const silencedAt = Date.now();
      const e = await createWidget(db, s, outbox, newWidget());
      // The server never hears of it: the silent session keeps its lock until the relay ends it.
      await eventually(async () => (await outboxRows(db)).every((r) => r.published_at !== null), {
        what: 'the event to be published on a new session',
        timeoutMs: 20_000,
      });
      // Query timeout (statement timeout 1 s + 2 s), a bounded end of the dead client, a new session.
      expect(Date.now() - silencedAt).toBeLessThan(10_000);
      expect(await lockHolder()).not.toBe(stale);
      const stored = await h.jsm.streams.getMessage(s.stream.name, { last_by_subj: s.Contract.subject });
      expect(JSON.parse(new TextDecoder().decode(stored!.data)).id).toBe(e.id);

      // A stop never waits on a silent connection either.
      proxy.silence();
      await sleep(200);
      const stopping = Date.now();
      await relay.stop();
      expect(Date.now() - stopping).toBeLessThan(3_000);
    } finally {
      await proxy.close();
    }
  });

  it('REL-07: an unreachable database is retried with a growing pause, not in a tight loop, and stop() ends the wait', async () => {
    const s = await h.newStream();
    let warnings = 0;
    const logger = pino({ level: 'warn' }, { write: () => void warnings++ });
    // Nothing listens on port 1: every connection is refused at once (and the client reports its end).
    const relay = h.relay({ url: 'postgres://postgres@127.0.0.1:1/none' } as TestDb, s, { pollMs: 100, logger });
    const connect = jest.spyOn(Client.prototype, 'connect');
    try {
      relay.start();
      await sleep(3_000);
      const stopping = Date.now();
      await relay.stop();
      expect(Date.now() - stopping).toBeLessThan(500);
      // 100, 200, 400, 800, 1600 ms: about six attempts in three seconds, one warning.
      expect(connect.mock.calls.length).toBeGreaterThanOrEqual(4);
      expect(connect.mock.calls.length).toBeLessThanOrEqual(8);
      expect(warnings).toBe(1);
    } finally {
      connect.mockRestore();
    }
  });

  it('REL-02: the relay wakes on NOTIFY, not only on its poll', async () => {
    const s = await h.newStream();
    const db = await h.db('rel_notify');
    const relay = h.relay(db, s, { pollMs: 60_000 });
    relay.start();
    await eventually(async () => relay.isActive);
    await sleep(100); // let it finish its first (empty) batch and go to sleep
    const started = Date.now();
    const e = await createWidget(db, s, new Outbox(s.producer), newWidget());
    await eventually(async () => (await outboxRows(db))[0].published_at !== null, { timeoutMs: 5_000, what: 'NOTIFY-driven publish' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const m = await h.jsm.streams.getMessage(s.stream.name, { seq: 1 });
    expect((m!.json() as { id: string }).id).toBe(e.id);
    // Stopping cuts the 60 s sleep short.
    const stopping = Date.now();
    await relay.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);
  });

  it('REL-04: an outbox row with missing or unusable headers is still published and does not block the rows behind it', async () => {
    const s = await h.newStream();
    const [producerDb, consumerDb] = await Promise.all([h.db('rel_hdr_p'), h.db('rel_hdr_c')]);
    const outbox = new Outbox(s.producer);
    const name = `svc-${s.tok}`;
    const events = [];
    for (let i = 0; i < 3; i++) events.push(await createWidget(producerDb, s, outbox, newWidget()));
    await producerDb.ds.query(`UPDATE outbox SET headers = '{}'::jsonb WHERE id = $1`, [events[0].id]);
    await producerDb.ds.query(`UPDATE outbox SET headers = $2::jsonb WHERE id = $1`, [
      events[1].id,
      JSON.stringify({ correlationId: 'bad\r\nheader', traceparent: 42 }),
    ]);
    await h.consumer(consumerDb, s, name).start();
    h.relay(producerDb, s).start();

    await eventually(async () => (await outboxRows(producerDb)).every((r) => r.published_at !== null), { what: 'all rows published' });
    await eventually(() => h.consumerSettled(s.stream.name, name, 3));
    const effects = await h.effects(consumerDb, name);
    expect(effects.map((e) => e.event_id)).toEqual(events.map((e) => e.id));
    // Without a correlation header the handler correlates by the event id.
    expect(effects[0].correlation).toBe(events[0].id);
    expect(effects[1].correlation).toBe(events[1].id);
    expect(effects[2].correlation).toBe(`corr-${events[2].additionalInformation.widgetId}`);
  });

  it('REL-02: the pick reads only unpublished rows, through the partial index, with thousands already published and no statistics', async () => {
    const db = await h.db('rel_pick');
    await db.ds.query(
      `INSERT INTO outbox (id, subject, envelope, published_at)
       SELECT gen_random_uuid(), 'x.y', '{"eventType":"x"}'::jsonb, CASE WHEN n <= 20000 THEN now() END FROM generate_series(1, 20010) AS n`,
    );
    const plan: { 'QUERY PLAN': string }[] = await db.ds.query(`EXPLAIN ${OUTBOX_PICK.replace('$1', '256')}`);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan (using|on) outbox_unpublished/);
    expect(text).not.toMatch(/Seq Scan/);
  });

  it('unique ids: the relay publishes each outbox row with msgID = event id', async () => {
    const s = await h.newStream();
    const db = await h.db('rel_msgid');
    const e = await createWidget(db, s, new Outbox(s.producer), newWidget());
    h.relay(db, s).start();
    await eventually(async () => (await outboxRows(db))[0].published_at !== null);
    // A second publish with the event id as msgID is recognised by the server as the same message.
    const again = await h.js.publish(s.Contract.subject, JSON.stringify({ id: e.id }), { msgID: e.id });
    expect(again.duplicate).toBe(true);
    const other = await h.js.publish(`${s.tok}.other.thing.v1`, '{}', { msgID: randomUUID() });
    expect(other.duplicate).toBe(false);
  });
});
