import { Global, Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { NatsConnection } from '@nats-io/nats-core';
import { DataSource } from 'typeorm';
import { LOGGER, ServiceMetrics } from '@stac/observability';
import { eventually, TEST_NATS_URL } from '@stac/testing';
import { MessagingModule, NATS_CONNECTION } from './messaging.module';
import { OnEvent, type EventContext } from './on-event.decorator';
import { Outbox } from './outbox';
import { MessagingHarness, newWidget, silentLogger, type WidgetCreated } from './testing/messaging-harness';

// Jest's `testTimeout` is a global option, ignored inside `projects`: set it here.
jest.setTimeout(30_000);

describe('MessagingModule (Nest, Postgres + JetStream)', () => {
  const h = new MessagingHarness();

  beforeAll(async () => {
    await h.connect();
  });

  afterAll(async () => {
    await h.close();
  });

  it('REL-02: discovers @OnEvent handlers at boot, delivers an event enqueued through the injected Outbox, and closes cleanly', async () => {
    const s = await h.newStream();
    const db = await h.db('nest');
    const service = s.producer; // this service produces the test stream, so it also runs the relay
    const metrics = new ServiceMetrics(service);

    @Global()
    @Module({
      providers: [
        { provide: LOGGER, useValue: silentLogger },
        { provide: ServiceMetrics, useValue: metrics },
      ],
      exports: [LOGGER, ServiceMetrics],
    })
    class TestObservabilityModule {}

    @Injectable()
    class WidgetProjection {
      readonly seen: { event: WidgetCreated; correlationId: string; producer: string }[] = [];

      @OnEvent(s.Contract)
      async onWidgetCreated(event: WidgetCreated, ctx: EventContext): Promise<void> {
        await ctx.manager.query(
          `INSERT INTO widget_effect (consumer, event_id, widget_id, size, correlation) VALUES ($1, $2, $3, $4, $5)`,
          [service, ctx.envelope.id, event.widgetId, event.size, ctx.correlationId],
        );
        this.seen.push({ event, correlationId: ctx.correlationId, producer: ctx.envelope.producer });
      }

      /** Not a handler: discovery must only pick decorated methods. */
      async unrelated(): Promise<void> {}
    }

    const app: TestingModule = await Test.createTestingModule({
      imports: [
        TestObservabilityModule,
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, synchronize: false, logging: false, retryAttempts: 0 }),
        MessagingModule.forService({
          service,
          natsUrl: TEST_NATS_URL,
          databaseUrl: db.url,
          outboxPollMs: 100,
          maxDeliver: 3,
          streams: [s.stream],
        }),
      ],
      providers: [WidgetProjection],
    }).compile();

    let closed = false;
    try {
      await app.init();
      const nc = app.get<NatsConnection>(NATS_CONNECTION);
      const ds = app.get(DataSource);
      const outbox = app.get(Outbox);
      const projection = app.get(WidgetProjection);

      // Boot created this service's durable on the stream it handles.
      const ci = await h.jsm.consumers.info(s.stream.name, service);
      expect(ci.config.max_deliver).toBe(3);

      const w = newWidget();
      const envelope = await ds.transaction(async (manager) => {
        await manager.query(`INSERT INTO widget (id, size) VALUES ($1, $2)`, [w.widgetId, w.size]);
        return outbox.enqueue(manager, s.Contract, { aggregateVersion: 1, additionalInformation: w }, { correlationId: 'corr-nest' });
      });
      expect(envelope.producer).toBe(service);

      await eventually(async () => projection.seen.length > 0, { what: 'the @OnEvent handler to run' });
      await eventually(() => h.consumerSettled(s.stream.name, service, 1), { what: 'the ack' });
      expect(projection.seen).toEqual([{ event: expect.objectContaining(w), correlationId: 'corr-nest', producer: service }]);
      expect(await h.effects(db, service)).toEqual([
        { consumer: service, event_id: envelope.id, widget_id: w.widgetId, size: w.size, correlation: 'corr-nest' },
      ]);
      const [row] = await ds.query(`SELECT published_at FROM outbox WHERE id = $1`, [envelope.id]);
      expect(row.published_at).not.toBeNull();

      await app.close();
      closed = true;
      expect(nc.isClosed()).toBe(true);
      expect(ds.isInitialized).toBe(false);
      // The relay's own connection (and its advisory lock) is gone too.
      const [relays] = await db.ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2`,
        [db.db.name, `${service}-outbox-relay`],
      );
      expect(relays.n).toBe(0);
    } finally {
      if (!closed) await app.close();
    }
  });
});
