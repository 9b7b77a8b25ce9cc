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
import { STREAMS, streamForSubject, type EventContract, type StreamDefinition } from '@stac/contracts';
import { LOGGER, ServiceMetrics } from '@stac/observability';
import { EventConsumer, type RegisteredHandler } from './event-consumer';
import { connectNats, natsProbe, type MessagingState } from './nats';
import type { BusCredentials, BusDomainService } from '@stac/rpc/bus';
import { CONSUMED_STREAMS } from './bus-permissions';
import { MessagingPruner } from './retention';
import { ON_EVENT, type EventHandlerFn } from './on-event.decorator';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { DEFAULT_DEAD_LETTER_LIMITS } from './dead-letters';
import { DEFAULT_STREAM_LIMITS, ensureStream, streamName, type StreamLimits } from './provisioning';

export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
export const NATS_PROBE = Symbol('NATS_PROBE');
export const MESSAGING_STATE = Symbol('MESSAGING_STATE');

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
  /** NATS_USER, NATS_PASSWORD, NATS_TLS_CA (BUS-01): the service's own bus user. */
  credentials?: BusCredentials;
  /** Defaults to the platform's streams; tests pass their own. */
  streams?: readonly StreamDefinition[];
  /** Replicas, max age, max bytes and discard policy of the event streams (EVENT_STREAM_*). */
  streamLimits?: StreamLimits;
  /** The same for the dead-letter stream (DEAD_LETTER_*). */
  deadLetterLimits?: StreamLimits;
  /** How long a pull request stays open (CONSUMER_PULL_EXPIRY_MS); short so shutdown leaves none behind. */
  pullExpiryMs?: number;
  /** Outbox/inbox pruning (OUTBOX_RETENTION_DAYS, INBOX_RETENTION_DAYS, PRUNE_INTERVAL_MINUTES; 0 = never). */
  retention?: { outboxRetentionDays: number; inboxRetentionDays: number; intervalMs: number };
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private relay?: OutboxRelay;
  private consumer?: EventConsumer;
  private pruner?: MessagingPruner;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly o: MessagingOptions,
    @Inject(MESSAGING_STATE) private readonly state: MessagingState,
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
      await ensureStream(jsm, own, this.o.namespace, this.o.streamLimits ?? DEFAULT_STREAM_LIMITS);
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
    if (!this.o.streams) assertConsumedStreamsGranted(this.o.service, handlers, streams);
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
        pullExpiryMs: this.o.pullExpiryMs,
        streamLimits: this.o.streamLimits ?? DEFAULT_STREAM_LIMITS,
        deadLetterLimits: this.o.deadLetterLimits ?? DEFAULT_DEAD_LETTER_LIMITS,
        streams,
        namespace: this.o.namespace,
        logger: this.logger,
        metrics: this.metrics,
      });
      await this.consumer.start();
      this.state.consumer = this.consumer;
    }
    if (this.o.retention && this.o.retention.intervalMs > 0) {
      this.pruner = new MessagingPruner(this.dataSource, { ...this.o.retention, logger: this.logger });
      this.pruner.start();
    }
    this.logger.info(
      { handlers: handlers.map((h) => h.contract.subject), relay: !!own },
      'messaging started',
    );
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

  /**
   * Stop taking work before the pools close: readiness turns not-ready first, then the consumer
   * stops pulling, hands back what it buffered and finishes the message in hand, while the relay
   * finishes its batch (both at once).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.state.shuttingDown = true;
    await Promise.all([this.consumer?.stop(), this.relay?.stop(), this.pruner?.stop()]);
  }

  /** A drain cannot hang the shutdown while NATS is away: bounded, then the connection is closed. */
  async onApplicationShutdown(): Promise<void> {
    if (this.nc.isClosed()) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      this.nc.drain().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5000))),
    ]);
    clearTimeout(timer);
    if (!drained && !this.nc.isClosed()) await this.nc.close().catch(() => undefined);
  }
}

/**
 * A handler on a stream its service's bus user may not read (CONSUMED_STREAMS, bus-permissions.ts) fails
 * at start with a message saying so, rather than as a permission error from NATS at run time.
 */
export function assertConsumedStreamsGranted(
  service: string,
  handlers: readonly RegisteredHandler[],
  streams: readonly StreamDefinition[],
): void {
  const granted = CONSUMED_STREAMS[service as BusDomainService];
  if (!granted) return;
  for (const h of handlers) {
    const s = streamForSubject(h.contract.subject, streams);
    if (!granted.includes(s.name))
      throw new Error(
        `${service} handles ${h.contract.subject} from stream ${s.name}, which CONSUMED_STREAMS (libs/messaging/src/bus-permissions.ts) does not grant it; add it there and run pnpm run nats:conf`,
      );
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
        {
          provide: NATS_CONNECTION,
          useFactory: () => connectNats(o.natsUrl, o.service, { user: o.service, namespace: o.namespace, credentials: o.credentials }),
        },
        { provide: MESSAGING_STATE, useFactory: (): MessagingState => ({ shuttingDown: false }) },
        {
          provide: NATS_PROBE,
          useFactory: (nc: NatsConnection, state: MessagingState) => natsProbe(nc, state),
          inject: [NATS_CONNECTION, MESSAGING_STATE],
        },
        { provide: Outbox, useValue: new Outbox(o.service) },
        MessagingLifecycle,
      ],
      exports: [NATS_CONNECTION, NATS_PROBE, MESSAGING_STATE, Outbox],
    };
  }
}

/** The sizing and retention part of MessagingOptions, from a domain service's configuration (env-spec.ts). */
export function messagingLimits(c: {
  CONSUMER_PULL_EXPIRY_MS: number;
  EVENT_STREAM_REPLICAS: number;
  EVENT_STREAM_MAX_AGE_DAYS: number;
  EVENT_STREAM_MAX_MB: number;
  EVENT_STREAM_DISCARD: string;
  DEAD_LETTER_MAX_AGE_DAYS: number;
  OUTBOX_RETENTION_DAYS: number;
  INBOX_RETENTION_DAYS: number;
  MESSAGING_PRUNE_INTERVAL_MINUTES: number;
}): Pick<MessagingOptions, 'streamLimits' | 'deadLetterLimits' | 'pullExpiryMs' | 'retention'> {
  const day = 24 * 3600 * 1000;
  return {
    pullExpiryMs: c.CONSUMER_PULL_EXPIRY_MS,
    streamLimits: {
      replicas: c.EVENT_STREAM_REPLICAS,
      maxAgeMs: c.EVENT_STREAM_MAX_AGE_DAYS * day,
      maxBytes: c.EVENT_STREAM_MAX_MB > 0 ? c.EVENT_STREAM_MAX_MB * 1024 * 1024 : -1,
      discard: c.EVENT_STREAM_DISCARD === 'old' ? 'old' : 'new',
    },
    deadLetterLimits: {
      replicas: c.EVENT_STREAM_REPLICAS,
      maxAgeMs: c.DEAD_LETTER_MAX_AGE_DAYS * day,
      maxBytes: -1,
      discard: 'new',
    },
    retention: {
      outboxRetentionDays: c.OUTBOX_RETENTION_DAYS,
      inboxRetentionDays: c.INBOX_RETENTION_DAYS,
      intervalMs: c.MESSAGING_PRUNE_INTERVAL_MINUTES * 60_000,
    },
  };
}
