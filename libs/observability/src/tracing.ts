import { diag, DiagLogLevel, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ConfigError, loadConfig, TRACING_ENV, type Config } from '@stac/config';
import { registerTracingFlush } from './spans';

/**
 * Starts OpenTelemetry tracing for one deployable, when configured (OTEL_EXPORTER_OTLP_ENDPOINT);
 * off by default. Import it first in the process (`apps/<svc>/src/tracing.ts`, the first import of
 * main.ts): the HTTP and pg instrumentations patch those modules as they are loaded, so anything
 * loaded before it is not traced.
 *
 * What is recorded, and what never is (DP-01), is written in docs/operations.md ("Tracing"); every
 * span passes through `redactSpan` before it leaves the process, whatever an instrumentation set.
 */

export type TracingConfig = Config<typeof TRACING_ENV>;

export interface TracingHandle {
  /** Sends what is buffered now. */
  forceFlush(): Promise<void>;
  /** Sends what is buffered and stops; call once, at the very end of shutdown. */
  shutdown(): Promise<void>;
}

let active: { provider: NodeTracerProvider; handle: TracingHandle } | undefined;

/** Reads the tracing variables only; an invalid one leaves tracing off (the service's own config load reports it). */
export function tracingConfig(env: NodeJS.ProcessEnv = process.env): TracingConfig | undefined {
  try {
    return loadConfig(TRACING_ENV, env);
  } catch (e) {
    if (e instanceof ConfigError) return undefined;
    throw e;
  }
}

export interface StartTracingOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the OTLP exporter (tests: an InMemorySpanExporter); tracing then starts whatever the env says. */
  exporter?: SpanExporter;
  /**
   * The public edge (the gateway): a caller's `traceparent` is continued, but its sampled flag does not
   * decide; the edge samples by its own ratio, so no client can force (or suppress) recording.
   */
  edge?: boolean;
}

export function startTracing(service: string, o: StartTracingOptions = {}): TracingHandle | undefined {
  if (active) return active.handle;
  const config = tracingConfig(o.env);
  if (!o.exporter && !config?.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  diag.setLogger(diagToStderr(service), DiagLogLevel.WARN);
  const exporter =
    o.exporter ??
    new OTLPTraceExporter({
      url: `${String(config?.OTEL_EXPORTER_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`,
    });
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.name': service, 'service.namespace': 'stac' }),
    ),
    sampler: platformSampler(Number(config?.OTEL_TRACES_SAMPLER_ARG ?? 1), o.edge ?? false),
    spanProcessors: [
      new BatchSpanProcessor(new RedactingSpanExporter(exporter), {
        scheduledDelayMillis: Number(config?.OTEL_BSP_SCHEDULE_DELAY ?? 5000),
      }),
    ],
  });
  // W3C trace context only: `traceparent` in HTTP and NATS headers; no baggage (it could carry anything).
  provider.register({ propagator: new W3CTraceContextPropagator() });
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes are not requests anyone follows; outgoing calls only inside a trace.
        ignoreIncomingRequestHook: (req) => /^\/(health\/|metrics(\?|$))/.test(req.url ?? ''),
        requireParentforOutgoingSpans: true,
        headersToSpanAttributes: {},
      }),
      new PgInstrumentation({
        // Statements as written ($1 placeholders), never the parameter values.
        enhancedDatabaseReporting: false,
        addSqlCommenterCommentToQueries: false,
        // Only queries inside a traced request or event: no trace per relay poll or probe.
        requireParentSpan: true,
        ignoreConnectSpans: true,
      }),
    ],
  });
  const handle: TracingHandle = {
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      if (active?.handle !== handle) return;
      active = undefined;
      registerTracingFlush(undefined);
      await provider.shutdown().catch(() => undefined);
    },
  };
  active = { provider, handle };
  registerTracingFlush(handle.shutdown);
  return handle;
}

/**
 * New traces by ratio; inside the platform a span follows its parent's decision (a remote parent is
 * another of our services), at the edge a caller's decision counts for nothing.
 */
export function platformSampler(ratio: number, edge: boolean) {
  const byRatio = new TraceIdRatioBasedSampler(ratio);
  return new ParentBasedSampler(
    edge
      ? { root: byRatio, remoteParentSampled: byRatio, remoteParentNotSampled: byRatio }
      : { root: byRatio },
  );
}

/** Flushes and stops tracing if it was started (no-op otherwise). */
export async function shutdownTracing(): Promise<void> {
  await active?.handle.shutdown();
}

/** Export failures and SDK warnings as one JSON line on stderr: the message only, never the objects passed with it. */
function diagToStderr(service: string) {
  const write = (level: string) => (message: string) =>
    process.stderr.write(
      `${JSON.stringify({ level, service, component: 'tracing', time: new Date().toISOString(), msg: String(message).slice(0, 300) })}\n`,
    );
  return {
    error: write('error'),
    warn: write('warn'),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
}

/**
 * Attributes a span may keep: ids, codes, route templates, subjects, database names and statements.
 * Anything else an instrumentation records (client addresses, user agents, query strings, concrete
 * paths, header values, statement parameters) is dropped before export.
 */
const KEPT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'http.request.method',
  'http.request.method_original',
  'http.response.status_code',
  'http.route',
  'url.scheme',
  'server.address',
  'server.port',
  'network.protocol.version',
  'error.type',
  'db.system.name',
  'db.system',
  'db.namespace',
  'db.name',
  'db.query.text',
  'db.statement',
  'db.operation.name',
  'db.collection.name',
]);
const KEPT_PREFIXES = ['stac.', 'messaging.', 'rpc.'];
const STATEMENT_ATTRIBUTES = new Set(['db.query.text', 'db.statement']);

/** A statement's literals replaced by '?': values belong in parameters, and a literal could still be personal. */
export function withoutLiterals(sql: string): string {
  return sql.replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "'?'").replace(/'(?:[^']|'')*'/g, "'?'");
}

export function redactAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!KEPT_ATTRIBUTES.has(key) && !KEPT_PREFIXES.some((p) => key.startsWith(p))) continue;
    out[key] =
      STATEMENT_ATTRIBUTES.has(key) && typeof value === 'string'
        ? withoutLiterals(value)
        : (value as AttributeValue);
  }
  return out;
}

/**
 * The span as it may leave the process: kept attributes only, status without its message (a database
 * error's message can quote a value), events reduced to their name and exception type.
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const events = span.events.map((e) => ({
    ...e,
    attributes:
      e.attributes?.['exception.type'] !== undefined
        ? { 'exception.type': e.attributes['exception.type'] }
        : {},
  }));
  return Object.create(span, {
    attributes: { value: redactAttributes(span.attributes), enumerable: true },
    status: { value: { code: span.status.code }, enumerable: true },
    events: { value: events, enumerable: true },
    links: { value: span.links.map((l) => ({ context: l.context })), enumerable: true },
  }) as ReadableSpan;
}

/** Wraps an exporter so that only redacted spans reach it. */
export class RedactingSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.inner.export(spans.map(redactSpan), done);
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
