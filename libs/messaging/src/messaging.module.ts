import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { STREAMS, type EventContract, type StreamDefinition } from '@stac/contracts';
import { LOGGER, ServiceMetrics } from '@stac/observability';
import { EventConsumer, type RegisteredHandler } from './event-consumer';
import { connectNats, natsProbe } from './nats';
import { ON_EVENT, type EventHandlerFn } from './on-event.decorator';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { ensureStream, streamName } from './provisioning';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_PROBE = Symbol('NATS_PROBE');

export interface MessagingOptions {
  service: string;
  natsUrl: string;
  databaseUrl: string;
  outboxPollMs: number;
  maxDeliver: number;
  ackWaitMs?: number;
  /** First redelivery delay after a transient handler failure (doubles per delivery); default 250 ms. */
  redeliveryBaseMs?: number;
  /** Messages held ahead of the (sequential) handlers per stream; default 32. Keep prefetch x handler time << ack wait. */
  prefetch?: number;
  /** NATS_NAMESPACE: an isolated copy of the streams on a shared NATS (tests, benchmarks); empty in production. */
  namespace?: string;
  /** Defaults to the platform's streams; tests pass their own. */
  streams?: readonly StreamDefinition[];
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private relay?: OutboxRelay;
  private consumer?: EventConsumer;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly o: MessagingOptions,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
    private readonly dataSource: DataSource,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const streams = this.o.streams ?? STREAMS;
    const jsm = await jetstreamManager(this.nc);
    const js = jetstream(this.nc);
    const own = streams.find((s) => s.producer === this.o.service);
    if (own) {
      await ensureStream(jsm, own, this.o.namespace);
      this.relay = new OutboxRelay({
        databaseUrl: this.o.databaseUrl,
        js,
        service: this.o.service,
        stream: streamName(own, this.o.namespace),
        namespace: this.o.namespace,
        pollMs: this.o.outboxPollMs,
        logger: this.logger,
        metrics: this.metrics,
      });
      this.relay.start();
    }
    const handlers = this.discoverHandlers();
    if (handlers.length) {
      this.consumer = new EventConsumer({
        consumer: this.o.service,
        nc: this.nc,
        js,
        jsm,
        dataSource: this.dataSource,
        handlers,
        maxDeliver: this.o.maxDeliver,
        ackWaitMs: this.o.ackWaitMs,
        redeliveryBaseMs: this.o.redeliveryBaseMs,
        prefetch: this.o.prefetch,
        streams,
        namespace: this.o.namespace,
        logger: this.logger,
        metrics: this.metrics,
      });
      await this.consumer.start();
    }
    this.logger.info({ handlers: handlers.map((h) => h.contract.subject), relay: !!own }, 'messaging started');
  }

  private discoverHandlers(): RegisteredHandler[] {
    const found: RegisteredHandler[] = [];
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const w of wrappers) {
      const instance = w.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const proto = Object.getPrototypeOf(instance);
      if (!proto) continue;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const fn = instance[name];
        if (typeof fn !== 'function') continue;
        const contract = this.reflector.get<EventContract | undefined>(ON_EVENT, fn as () => void);
        if (contract) found.push({ contract, handle: (fn as EventHandlerFn<object>).bind(instance) });
      }
    }
    return found;
  }

  /** Stop taking work before the pools close: in-flight handlers finish and ack first. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.relay?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => undefined);
  }
}

/** JetStream outbox relay, discovered `@OnEvent` consumers and the NATS connection for one service. */
@Module({})
export class MessagingModule {
  static forService(o: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: o },
        { provide: NATS_CONNECTION, useFactory: () => connectNats(o.natsUrl, o.service) },
        { provide: NATS_PROBE, useFactory: (nc: NatsConnection) => natsProbe(nc), inject: [NATS_CONNECTION] },
        { provide: Outbox, useValue: new Outbox(o.service) },
        MessagingLifecycle,
      ],
      exports: [NATS_CONNECTION, NATS_PROBE, Outbox],
    };
  }
}
