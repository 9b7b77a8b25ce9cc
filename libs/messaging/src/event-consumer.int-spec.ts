import { eventually } from '@stac/testing';
import { ServiceMetrics } from '@stac/observability';
import { ensureDurable } from './provisioning';
import type { Logger } from 'typeorm';
import { PermanentEventError } from './on-event.decorator';
import { Outbox } from './outbox';
import {
  MessagingHarness,
  newWidget,
  publishEnvelope,
  publishRaw,
  sleep,
  widgetEnvelope,
  type TestDb,
} from './testing/messaging-harness';

// Jest's `testTimeout` is a global option, ignored inside `projects`: set it here.
jest.setTimeout(30_000);

/**
 * The consuming half of the backbone against real Postgres and JetStream: inbox dedup, nak with
 * backoff, dead letters, durable catch-up and the MAX_DELIVERIES advisory.
 */
describe('event consumer (Postgres + JetStream)', () => {
  const h = new MessagingHarness();
  let db: TestDb;

  beforeAll(async () => {
    await h.connect();
    db = await h.db('consumer');
  });

  // Stops every consumer the tests started, one after another (each within its pull expiry).
  afterAll(async () => {
    await h.close();
  }, 90_000);

  async function inboxCount(consumer: string): Promise<number> {
    const [r] = await db.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbox WHERE consumer = $1`, [consumer]);
    return r.n;
  }

  async function handled(metrics: ServiceMetrics, consumer: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const v of (await metrics.eventsHandled.get()).values) {
      if (v.labels.consumer === consumer) out[String(v.labels.outcome)] = v.value;
    }
    return out;
  }

  it('REL-04: the same event delivered twice has exactly one effect (inbox dedup)', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    await h.consumer(db, s, name, { metrics }).start();

    const w = newWidget();
    const env = widgetEnvelope(s, w);
    const first = await publishEnvelope(h, s, env);
    // Same msgID inside the duplicate window: JetStream itself drops it.
    expect((await publishEnvelope(h, s, env)).duplicate).toBe(true);
    // A different msgID (e.g. re-published from the outbox after the window): stored and delivered again.
    const second = await publishEnvelope(h, s, env, `${env.id}-again`);
    expect(second.duplicate).toBe(false);
    expect(second.seq).toBe(first.seq + 1);

    await eventually(() => h.consumerSettled(s.stream.name, name, second.seq), { what: 'both deliveries acked' });
    expect(await h.effects(db, name)).toEqual([
      { consumer: name, event_id: env.id, widget_id: w.widgetId, size: w.size, correlation: `corr-${env.id}` },
    ]);
    expect(await inboxCount(name)).toBe(1);
    expect(await handled(metrics, name)).toEqual({ ok: 1, duplicate: 1 });
    expect(await h.deadLetters(name)).toEqual([]);
  });

  it('REL-04: a transient handler failure is nak-ed with backoff, redelivered, and takes effect once', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    const attempts: number[] = [];
    await h
      .consumer(db, s, name, {
        metrics,
        maxDeliver: 5,
        redeliveryBaseMs: 150,
        onHandle: () => {
          attempts.push(Date.now());
          // The effect row is already written in this transaction; throwing must roll it back.
          if (attempts.length < 3) throw new Error('connection reset');
        },
      })
      .start();

    const w = newWidget({ mode: 'fail-twice' });
    const env = widgetEnvelope(s, w);
    const ack = await publishEnvelope(h, s, env);

    await eventually(() => h.consumerSettled(s.stream.name, name, ack.seq), { what: 'the event to be handled' });
    expect(attempts).toHaveLength(3);
    // Backoff: 150 ms after the first failure, 300 ms after the second (allow for timer slack).
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(130);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(270);
    expect(await h.effects(db, name)).toEqual([
      { consumer: name, event_id: env.id, widget_id: w.widgetId, size: w.size, correlation: `corr-${env.id}` },
    ]);
    expect(await inboxCount(name)).toBe(1);
    expect(await handled(metrics, name)).toEqual({ retry: 2, ok: 1 });
    expect(await h.deadLetters(name)).toEqual([]);
  });

  it('REL-03: a message that is not JSON is dead-lettered with the reason and terminated; later messages keep flowing', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    await h.consumer(db, s, name).start();

    const notJson = await publishRaw(h, s, 'this is {not json');
    const badUtf8 = await publishRaw(h, s, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    const w = newWidget();
    const env = widgetEnvelope(s, w);
    const good = await publishEnvelope(h, s, env);

    await eventually(() => h.consumerSettled(s.stream.name, name, good.seq), { what: 'all three settled' });
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([env.id]);
    const dl = await h.deadLetters(name);
    expect(dl).toHaveLength(2);
    expect(dl[0]).toMatchObject({
      stream: s.stream.name,
      stream_seq: String(notJson.seq),
      subject: s.Contract.subject,
      event_id: null,
      reason: expect.stringMatching(/malformed: not UTF-8 JSON/),
    });
    expect(dl[0].payload!.toString('utf8')).toBe('this is {not json');
    expect(dl[1]).toMatchObject({ stream_seq: String(badUtf8.seq), reason: expect.stringMatching(/malformed/) });
    expect([...dl[1].payload!]).toEqual([0x7b, 0xff, 0xfe, 0x7d]);

    // Terminated, not left to redeliver: the server counts both as done (the ack floor passes them and
    // nothing is pending), so no further delivery, and no second dead letter, can follow.
    await eventually(() => h.consumerSettled(s.stream.name, name, badUtf8.seq), { what: 'both terminated' });
    const ci = await h.jsm.consumers.info(s.stream.name, name);
    expect(ci.num_redelivered).toBe(0);
    expect(await h.deadLetters(name)).toHaveLength(2);
  });

  it('REL-03: valid JSON failing the contract is dead-lettered naming the field and rule (never the value)', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const handledIds: string[] = [];
    await h.consumer(db, s, name, { onHandle: (_e, ctx) => void handledIds.push(ctx.envelope.id) }).start();

    const badInfo = widgetEnvelope(s, { widgetId: 'SECRET-VALUE-not-a-uuid', size: 5000 });
    const badEnvelope = widgetEnvelope(s, newWidget(), { occurredAt: 'yesterday', version: 2 });
    const notObject = [1, 2, 3];
    const a1 = await publishEnvelope(h, s, badInfo);
    const a2 = await publishEnvelope(h, s, badEnvelope);
    await publishRaw(h, s, JSON.stringify(notObject));
    const good = widgetEnvelope(s, newWidget());
    const last = await publishEnvelope(h, s, good);

    await eventually(() => h.consumerSettled(s.stream.name, name, last.seq), { what: 'all settled' });
    expect(handledIds).toEqual([good.id]);
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([good.id]);

    const dl = await h.deadLetters(name);
    expect(dl).toHaveLength(3);
    expect(dl[0]).toMatchObject({ stream_seq: String(a1.seq), event_id: badInfo.id });
    expect(dl[0].reason).toMatch(new RegExp(`^invalid ${s.Contract.subject.replace(/\./g, '\\.')}:`));
    expect(dl[0].reason).toMatch(/additionalInformation\.widgetId: isUuid/);
    expect(dl[0].reason).toMatch(/additionalInformation\.size: max/);
    expect(dl[0].reason).not.toMatch(/SECRET/);
    expect(dl[1]).toMatchObject({ stream_seq: String(a2.seq), event_id: badEnvelope.id });
    expect(dl[1].reason).toMatch(/occurredAt: isIso8601/);
    expect(dl[1].reason).toMatch(/version: expected 1/);
    expect(dl[2].reason).toMatch(/envelope: not an object/);
  });

  it('REL-03: a handler throwing PermanentEventError dead-letters at once, with no effect', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    let attempts = 0;
    await h
      .consumer(db, s, name, {
        maxDeliver: 5,
        onHandle: (e) => {
          if (e.mode === 'reject') {
            attempts++;
            throw new PermanentEventError('widget refers to an unknown batch');
          }
        },
      })
      .start();

    const rejected = widgetEnvelope(s, newWidget({ mode: 'reject' }));
    const a = await publishEnvelope(h, s, rejected);
    const good = widgetEnvelope(s, newWidget());
    const last = await publishEnvelope(h, s, good);

    await eventually(() => h.consumerSettled(s.stream.name, name, last.seq));
    expect(attempts).toBe(1);
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([good.id]);
    expect(await h.deadLetters(name)).toEqual([
      expect.objectContaining({
        stream_seq: String(a.seq),
        event_id: rejected.id,
        subject: s.Contract.subject,
        reason: 'rejected by handler: widget refers to an unknown batch',
      }),
    ]);
    // The rolled-back handler transaction took its inbox row with it.
    expect(await db.ds.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2`, [name, rejected.id])).toEqual([]);
  });

  it('REL-03: exhausting max_deliver dead-letters with a reason while other messages keep flowing', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    let attempts = 0;
    await h
      .consumer(db, s, name, {
        maxDeliver: 3,
        redeliveryBaseMs: 100,
        onHandle: (e) => {
          if (e.mode === 'always-fail') {
            attempts++;
            throw new TypeError('cannot read properties of undefined');
          }
        },
      })
      .start();

    const poison = widgetEnvelope(s, newWidget({ mode: 'always-fail' }));
    const p = await publishEnvelope(h, s, poison);
    const good = widgetEnvelope(s, newWidget());
    const last = await publishEnvelope(h, s, good);

    // The good event does not wait for the poison one's retries.
    await eventually(async () => (await h.effects(db, name)).length === 1, { what: 'the good event' });
    expect(await h.deadLetters(name)).toEqual([]);

    await eventually(() => h.consumerSettled(s.stream.name, name, last.seq), { what: 'the poison event to be settled' });
    expect(attempts).toBe(3);
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([good.id]);
    const dl = await h.deadLetters(name);
    expect(dl).toEqual([
      expect.objectContaining({ stream_seq: String(p.seq), event_id: poison.id, subject: s.Contract.subject }),
    ]);
    expect(dl[0].reason).toMatch(/failed 3 deliveries/);
    expect(dl[0].reason).toMatch(/TypeError/);
    // Terminated by us on the last delivery: the server counts it as done (ack floor past it, nothing
    // pending), so it never attempts a fourth delivery and raises no MAX_DELIVERIES advisory on top.
    await eventually(() => h.consumerSettled(s.stream.name, name, p.seq), { what: 'the poison terminated' });
    expect(await h.deadLetters(name)).toHaveLength(1);
  });

  it('REL-03: a message that exhausts max_deliver unseen (instances crashed mid-handler) is dead-lettered from the server advisory, once', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const opts = { maxDeliver: 2, ackWaitMs: 400 };
    await ensureDurable(h.jsm, { stream: s.stream.name, durable: name, ...opts });
    const env = widgetEnvelope(s, newWidget());
    const pub = await publishEnvelope(h, s, env);

    // Two deliveries to instances that die before acking.
    const crashed = await h.js.consumers.get(s.stream.name, name);
    for (let i = 1; i <= 2; i++) {
      const got: number[] = [];
      for await (const m of await crashed.fetch({ max_messages: 1, expires: 2_000 })) got.push(m.info.deliveryCount);
      expect(got).toEqual([i]);
    }

    // Every advisory the server raises for this consumer, seen outside the service's queue group.
    const advisories: unknown[] = [];
    const watch = h.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${s.stream.name}.${name}`, {
      callback: (_e, m) => {
        advisories.push(m.json());
      },
    });
    await h.nc.flush();

    // Two replicas of the service come up: the server's next attempt exceeds max_deliver.
    let calls = 0;
    await h.consumer(db, s, name, { ...opts, onHandle: () => void calls++ }).start();
    await h.consumer(db, s, name, { ...opts, onHandle: () => void calls++ }).start();

    await eventually(async () => (await h.deadLetters(name)).length > 0, { what: 'the advisory dead letter' });
    // The consumer has moved past the poison: a later event is handled (by then the server is done with
    // the exhausted message and will not raise its advisory again).
    const later = widgetEnvelope(s, newWidget());
    await publishEnvelope(h, s, later);
    await eventually(async () => (await h.effects(db, name)).length === 1, { what: 'the later event' });
    watch.unsubscribe();
    expect(advisories).toHaveLength(1); // one advisory: two replicas in one queue group record it once
    const dl = await h.deadLetters(name);
    expect(dl).toHaveLength(1);
    expect(dl[0]).toMatchObject({
      stream: s.stream.name,
      stream_seq: String(pub.seq),
      subject: s.Contract.subject,
      event_id: env.id,
      reason: expect.stringMatching(/max deliveries reached \(server advisory/),
    });
    expect(JSON.parse(dl[0].payload!.toString('utf8')).id).toBe(env.id);
    expect(calls).toBe(1); // only the later event reached a handler
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([later.id]);
  });

  it('REL-02: a consumer started after events were published catches up on all of them; a restarted one resumes without replay', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const early = [];
    for (let i = 0; i < 5; i++) {
      const env = widgetEnvelope(s, newWidget());
      await publishEnvelope(h, s, env);
      early.push(env.id);
    }
    expect(await h.streamMessages(s.stream.name)).toBe(5);

    const first = h.consumer(db, s, name);
    await first.start();
    await eventually(() => h.consumerSettled(s.stream.name, name, 5), { what: 'catch-up' });
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual(early);
    await first.stop();

    const late = [];
    for (let i = 0; i < 3; i++) {
      const env = widgetEnvelope(s, newWidget());
      await publishEnvelope(h, s, env);
      late.push(env.id);
    }
    await h.consumer(db, s, name).start();
    await eventually(() => h.consumerSettled(s.stream.name, name, 8), { what: 'resume' });
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([...early, ...late]);
    expect(await inboxCount(name)).toBe(8);
  });

  it('REL-04: a handler slower than the ack wait is kept in progress, not redelivered behind its back', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    await h.consumer(db, s, name, { metrics, ackWaitMs: 500, onHandle: () => sleep(1_600) }).start();
    const env = widgetEnvelope(s, newWidget());
    const ack = await publishEnvelope(h, s, env);

    // The handler ran for three ack waits: had it not been kept in progress, the server would have
    // redelivered during it, and num_redelivered (counted by the server) would show it.
    await eventually(() => h.consumerSettled(s.stream.name, name, ack.seq), { what: 'the slow event' });
    const ci = await h.jsm.consumers.info(s.stream.name, name);
    expect(ci.num_redelivered).toBe(0);
    expect(ci.delivered.consumer_seq).toBe(1);
    expect(await handled(metrics, name)).toEqual({ ok: 1 });
    expect((await h.effects(db, name)).map((e) => e.event_id)).toEqual([env.id]);
  });

  it('consumers ack events of their streams that they have no handler for', async () => {
    const s = await h.newStream();
    const name = `svc-${s.tok}`;
    const metrics = new ServiceMetrics('test');
    await h.consumer(db, s, name, { metrics }).start();
    const other = await h.js.publish(`${s.tok}.gadget.created.v1`, JSON.stringify({ anything: true }));
    const v2 = await h.js.publish(`${s.tok}.widget.created.v2`, 'not even json');
    await eventually(() => h.consumerSettled(s.stream.name, name, Math.max(other.seq, v2.seq)));
    expect(await handled(metrics, name)).toEqual({ ignored: 2 });
    expect(await h.deadLetters(name)).toEqual([]);
  });

  /**
   * Several events waiting together are handled in one transaction (issue #14). Each test holds the
   * consumer in a first "gate" event's handler until the server has delivered the rest to the open
   * pull and this process has read them (a NATS round trip on the same connection), so the batch is
   * exactly what the test published. The inbox and effect rows record their transaction id.
   */
  describe('batches', () => {
    const PULL_EXPIRY_MS = 4_000;
    let bdb: TestDb;

    beforeAll(async () => {
      bdb = await h.db('batch');
      for (const t of ['inbox', 'widget_effect', 'outbox']) {
        await bdb.ds.query(`ALTER TABLE ${t} ADD COLUMN tx xid8 NOT NULL DEFAULT pg_current_xact_id()`);
      }
    });

    async function transactionsOf(consumer: string, eventIds: string[]): Promise<number> {
      const [r] = await bdb.ds.query<{ n: number }[]>(
        `SELECT count(DISTINCT tx)::int AS n FROM (
           SELECT tx FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])
           UNION ALL SELECT tx FROM widget_effect WHERE consumer = $1 AND event_id = ANY($2::uuid[])) t`,
        [consumer, eventIds],
      );
      return r.n;
    }

    /** A consumer whose handler waits at the gate event until `open()`; `onHandle` sees every other event. */
    async function gated(
      s: Awaited<ReturnType<MessagingHarness['newStream']>>,
      name: string,
      o: Parameters<MessagingHarness['consumer']>[3] = {},
    ) {
      let open!: () => void;
      const opened = new Promise<void>((res) => (open = res));
      let atGate = false;
      const gate = widgetEnvelope(s, newWidget());
      const consumer = h.consumer(bdb, s, name, {
        prefetch: 32,
        // Long enough for the test to publish the batch into the pull the gate event came with.
        pullExpiryMs: PULL_EXPIRY_MS,
        ...o,
        onHandle: async (e, ctx) => {
          if (ctx.envelope.id === gate.id) {
            atGate = true;
            await opened;
            return;
          }
          await o.onHandle?.(e, ctx);
        },
      });
      await consumer.start();
      await publishEnvelope(h, s, gate);
      await eventually(async () => atGate, { what: 'the gate event in its handler' });
      return {
        consumer,
        gate,
        /** Releases the gate once the server has delivered `count` messages after it and this process has read them. */
        async release(count: number) {
          await eventually(async () => (await h.jsm.consumers.info(s.stream.name, name)).num_ack_pending === count + 1, {
            what: 'the batch delivered to the open pull',
          });
          await h.nc.flush();
          open();
        },
      };
    }

    it('REL-04: a batch of events waiting together commits in one transaction, every effect exactly once and in stream order, acked after commit', async () => {
      const s = await h.newStream();
      const name = `svc-${s.tok}`;
      const metrics = new ServiceMetrics('test');
      const g = await gated(s, name, { metrics });
      const batch = Array.from({ length: 12 }, () => widgetEnvelope(s, newWidget()));
      let last = 0;
      for (const env of batch) last = (await publishEnvelope(h, s, env)).seq;
      await g.release(batch.length);

      await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the batch acked' });
      expect((await h.effects(bdb, name)).map((e) => e.event_id)).toEqual([g.gate.id, ...batch.map((e) => e.id)]);
      expect((await h.effects(bdb, name)).map((e) => e.correlation)).toEqual([g.gate.id, ...batch.map((e) => e.id)].map((id) => `corr-${id}`));
      const ids = batch.map((e) => e.id);
      expect(await transactionsOf(name, ids)).toBe(1);
      expect(await transactionsOf(name, [g.gate.id, ...ids])).toBe(2);
      expect(await handled(metrics, name)).toEqual({ ok: 13 });
      const ci = await h.jsm.consumers.info(s.stream.name, name);
      expect(ci.num_redelivered).toBe(0);
      expect(await h.deadLetters(name)).toEqual([]);
    });

    it('REL-04: a failing event in the middle of a batch leaves the others applied once, and is itself retried or dead-lettered as on its own, its handler not run twice for one delivery', async () => {
      const s = await h.newStream();
      const name = `svc-${s.tok}`;
      const metrics = new ServiceMetrics('test');
      const calls = new Map<string, number>();
      const g = await gated(s, name, {
        metrics,
        maxDeliver: 5,
        redeliveryBaseMs: 100,
        onHandle: (e, ctx) => {
          const n = (calls.get(ctx.envelope.id) ?? 0) + 1;
          calls.set(ctx.envelope.id, n);
          if (e.mode === 'fail-twice' && n === 1) throw new Error('connection reset by peer (of a partner service)');
          if (e.mode === 'reject') throw new PermanentEventError('widget refers to an unknown batch');
        },
      });
      const modes = ['ok', 'ok', 'fail-twice', 'ok', 'reject', 'ok', 'ok'] as const;
      const batch = modes.map((mode) => widgetEnvelope(s, newWidget({ mode })));
      let last = 0;
      const seqs: number[] = [];
      for (const env of batch) seqs.push((last = (await publishEnvelope(h, s, env)).seq));
      await g.release(batch.length);

      await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the batch settled' });
      const [ok0, ok1, transient, ok3, rejected, ok5, ok6] = batch.map((e) => e.id);
      // Every other event once, in stream order; the transient one once, after its redelivery.
      expect((await h.effects(bdb, name)).map((e) => e.event_id)).toEqual([g.gate.id, ok0, ok1, ok3, ok5, ok6, transient]);
      expect(await h.deadLetters(name)).toEqual([
        expect.objectContaining({
          stream_seq: String(seqs[4]),
          event_id: rejected,
          reason: 'rejected by handler: widget refers to an unknown batch',
        }),
      ]);
      expect(await bdb.ds.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND event_id = $2`, [name, rejected])).toEqual([]);
      // The failing handlers ran once per delivery: the rolled-back batch's error decided their outcome.
      expect(calls.get(transient)).toBe(2);
      expect(calls.get(rejected)).toBe(1);
      expect(await handled(metrics, name)).toEqual({ ok: 7, retry: 1, dead_letter: 1 });
    });

    it('REL-04: the outbox rows the handlers of a batch write go with the batch in one statement, in stream order; a rejected event leaves none', async () => {
      const s = await h.newStream();
      const name = `svc-${s.tok}`;
      const outbox = new Outbox(name);
      const inserts: string[] = [];
      const logger = bdb.ds.logger;
      const logQuery = logger.logQuery.bind(logger);
      (logger as Logger).logQuery = (query, parameters, runner) => {
        if (/INSERT INTO outbox/.test(query)) inserts.push(query);
        return logQuery(query, parameters, runner);
      };
      try {
        const g = await gated(s, name, {
          maxDeliver: 1,
          onHandle: async (e, ctx) => {
            await outbox.enqueue(ctx.manager, s.Contract, { aggregateVersion: 1, additionalInformation: e }, { correlationId: ctx.correlationId, causationId: ctx.causationId });
            if (e.mode === 'reject') throw new PermanentEventError('widget refers to an unknown batch');
          },
        });
        const modes = ['ok', 'ok', 'ok', 'reject', 'ok', 'ok'] as const;
        const batch = modes.map((mode) => widgetEnvelope(s, newWidget({ mode })));
        let last = 0;
        for (const env of batch) last = (await publishEnvelope(h, s, env)).seq;
        const before = inserts.length;
        await g.release(batch.length);
        await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the batch settled' });

        const rows = await bdb.ds.query<{ widget: string; tx: string }[]>(
          `SELECT envelope->'additionalInformation'->>'widgetId' AS widget, tx::text FROM outbox WHERE subject = $1 ORDER BY seq`,
          [s.Contract.subject],
        );
        // The gate event's handler writes nothing; the rejected event's row went with its rolled-back batch.
        const expected = batch.filter((_, i) => modes[i] !== 'reject').map((e) => (e.additionalInformation as { widgetId: string }).widgetId);
        expect(rows.map((r) => r.widget)).toEqual(expected);
        // The events before the rejected one ran again as a batch, the events after it as another: two
        // transactions, each writing its outbox rows in one statement of several rows.
        expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
        const sent = inserts.slice(before);
        expect(sent).toHaveLength(2);
        for (const q of sent) expect(q).toMatch(/VALUES \(\$1, \$2, \$3, \$4\), \(\$5/);
        // Stopped here, not in the suite's teardown, which stops every consumer one after another.
        await g.consumer.stop();
      } finally {
        logger.logQuery = logQuery;
      }
    });

    it('REL-04: the same event twice in one batch, and an event already handled, take effect once', async () => {
      const s = await h.newStream();
      const name = `svc-${s.tok}`;
      const metrics = new ServiceMetrics('test');
      const g = await gated(s, name, { metrics });
      const a = widgetEnvelope(s, newWidget());
      const b = widgetEnvelope(s, newWidget());
      await publishEnvelope(h, s, a);
      // Re-published under other message ids (as events:reconcile may, after the dedup window).
      await publishEnvelope(h, s, a, `${a.id}-again`);
      await publishEnvelope(h, s, { ...a, id: a.id.toUpperCase() }, `${a.id}-upper`);
      await publishEnvelope(h, s, b);
      const last = (await publishEnvelope(h, s, g.gate, `${g.gate.id}-again`)).seq;
      await g.release(5);

      await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the batch acked' });
      expect((await h.effects(bdb, name)).map((e) => e.event_id)).toEqual([g.gate.id, a.id, b.id]);
      expect(await transactionsOf(name, [a.id, b.id])).toBe(1);
      expect(await handled(metrics, name)).toEqual({ ok: 3, duplicate: 3 });
      const [n] = await bdb.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbox WHERE consumer = $1`, [name]);
      expect(n.n).toBe(3);
    });

    it('REL-04: stop() during a batch commits and acks the events handled so far and hands back the rest (without their inbox rows) to be taken over at once', async () => {
      const s = await h.newStream();
      const name = `svc-${s.tok}`;
      const ackWaitMs = 30_000;
      let handledInBatch = 0;
      const g = await gated(s, name, {
        ackWaitMs,
        onHandle: async () => {
          handledInBatch++;
          await sleep(150);
        },
      });
      const batch = Array.from({ length: 10 }, () => widgetEnvelope(s, newWidget()));
      let last = 0;
      for (const env of batch) last = (await publishEnvelope(h, s, env)).seq;
      await g.release(batch.length);
      await eventually(async () => handledInBatch >= 3, { what: 'the batch under way' });
      const stopAt = Date.now();
      await g.consumer.stop();
      // The handler in hand (150 ms) and at most what is left of the open pull's expiry.
      expect(Date.now() - stopAt).toBeLessThan(PULL_EXPIRY_MS + 2_000);
      const byFirst = handledInBatch;
      expect(byFirst).toBeLessThan(batch.length);
      // What the first instance handled is committed; nothing else is in the inbox.
      const committed = (await h.effects(bdb, name)).map((e) => e.event_id);
      expect(committed).toEqual([g.gate.id, ...batch.slice(0, byFirst).map((e) => e.id)]);
      const [n] = await bdb.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM inbox WHERE consumer = $1`, [name]);
      expect(n.n).toBe(byFirst + 1);

      await h.consumer(bdb, s, name, { ackWaitMs }).start();
      await eventually(() => h.consumerSettled(s.stream.name, name, last), { what: 'the rest, taken over', timeoutMs: ackWaitMs + 15_000 });
      expect(Date.now() - stopAt).toBeLessThan(ackWaitMs / 3);
      expect((await h.effects(bdb, name)).map((e) => e.event_id)).toEqual([g.gate.id, ...batch.map((e) => e.id)]);
    }, 60_000);
  });
});
