import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process. Labels are route templates, codes and names of things — never ids of
 * people or free text (DP-01).
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly rpcDuration: Histogram<'pattern' | 'outcome'>;
  readonly eventsPublished: Counter<'stream'>;
  readonly eventsHandled: Counter<'consumer' | 'outcome'>;
  readonly deadLetters: Counter<'consumer'>;
  readonly securityAlerts: Counter<'kind'>;
  readonly deadLetterCount: Gauge<'consumer'>;
  readonly deadLetterOldestAge: Gauge<'consumer'>;
  readonly consumerPaused: Gauge<'consumer'>;
  readonly consumerLagRetentionRatio: Gauge<'consumer' | 'stream'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'stac_http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.rpcDuration = new Histogram({
      name: 'stac_rpc_duration_seconds',
      help: 'Request/reply duration by message pattern',
      labelNames: ['pattern', 'outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [this.registry],
    });
    this.eventsPublished = new Counter({
      name: 'stac_events_published_total',
      help: 'Outbox events published to JetStream',
      labelNames: ['stream'],
      registers: [this.registry],
    });
    this.eventsHandled = new Counter({
      name: 'stac_events_handled_total',
      help: 'Events handled by consumer and outcome (ok, duplicate, ignored, retry, dead_letter; paused = held through an outage, no delivery spent)',
      labelNames: ['consumer', 'outcome'],
      registers: [this.registry],
    });
    this.deadLetters = new Counter({
      name: 'stac_dead_letters_total',
      help: 'Messages moved to the dead-letter stream; any increase should alert',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    this.deadLetterCount = new Gauge({
      name: 'stac_dead_letters',
      help: 'Dead letters of this consumer waiting in the dead-letter stream (list, replay or discard with pnpm dlq)',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    this.deadLetterOldestAge = new Gauge({
      name: 'stac_dead_letter_oldest_age_seconds',
      help: 'Age of the oldest dead letter of this consumer; 0 when there is none',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    this.consumerPaused = new Gauge({
      name: 'stac_event_consumer_paused',
      help: '1 while the event consumer waits out an outage of its database or NATS',
      labelNames: ['consumer'],
      registers: [this.registry],
    });
    this.consumerLagRetentionRatio = new Gauge({
      name: 'stac_event_consumer_lag_retention_ratio',
      help: "Age of the oldest unacknowledged event over the stream's max age; alert at 0.5 (1 = events expire unread)",
      labelNames: ['consumer', 'stream'],
      registers: [this.registry],
    });
    this.securityAlerts = new Counter({
      name: 'stac_security_alerts_total',
      help: 'Security alerts raised (e.g. case-id probing); any increase should page',
      labelNames: ['kind'],
      registers: [this.registry],
    });
  }
}
