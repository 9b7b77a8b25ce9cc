import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { getRPCMetadata, RPCType, W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * Spans of the platform's own hops (request/reply over NATS, outbox publication, event handling) and
 * the W3C trace context they carry in `traceparent` strings (RpcRequest, NATS headers, outbox rows).
 *
 * Written against the OpenTelemetry API only: with tracing off (no SDK started, see tracing.ts) every
 * span is a non-recording one that keeps its parent's context, so a `traceparent` that came in goes
 * out unchanged, exactly as before tracing existed.
 *
 * Attribute rules (docs/operations.md "Tracing"): ids, codes, subjects, names of operations and
 * consumers only; never a person's data, a body, a header value or an SQL parameter (DP-01).
 */
export { SpanKind, type Context, type Span } from '@opentelemetry/api';

export const TRACER_NAME = '@stac/platform';
const w3c = new W3CTraceContextPropagator();

const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => (carrier[key] = value),
};
const getter: TextMapGetter<Record<string, string | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The `traceparent` of a span (or of the active span): undefined when it has no valid context. */
export function traceparentOf(span: Span | undefined = trace.getActiveSpan()): string | undefined {
  if (!span) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
  return carrier.traceparent;
}

/** A context whose parent is the remote span named by `traceparent` (a fresh root when it names none). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? w3c.extract(ROOT_CONTEXT, { traceparent }, getter) : ROOT_CONTEXT;
}

export interface SpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /**
   * Present (even undefined): the span continues the trace of this `traceparent` — a message's remote
   * parent — or starts a new trace; the ambient context is ignored. Absent: a child of the active span.
   */
  remoteParent?: string | undefined;
  /** Whether a throw marks the span failed (default: always); e.g. a 4xx answer is the caller's fault, not ours. */
  isFailure?: (e: unknown) => boolean;
}

/**
 * Runs `fn` inside a new span made active for everything it awaits (pg queries, nested spans). A throw
 * marks the span as failed with the error's type (never its message) and is rethrown.
 */
export async function inSpan<T>(name: string, o: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = 'remoteParent' in o ? contextFromTraceparent(o.remoteParent) : context.active();
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(name, { kind: o.kind, attributes: o.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (e) {
    if (o.isFailure?.(e) ?? true) failSpan(span, e);
    throw e;
  } finally {
    span.end();
  }
}

/** Starts a span the caller ends itself (for hooks that open and close it in different places). */
export function startSpan(name: string, o: SpanOptions): { span: Span; context: Context } {
  const parent = 'remoteParent' in o ? contextFromTraceparent(o.remoteParent) : context.active();
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(name, { kind: o.kind, attributes: o.attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** Runs `fn` with `ctx` (from startSpan) as the active context. */
export function runWithin<T>(ctx: Context, fn: () => T): T {
  return context.with(ctx, fn);
}

/** Marks a span failed: status ERROR and `error.type` = the error's class or code, never its message. */
export function failSpan(span: Span, e: unknown): void {
  const err = e as { name?: string; code?: unknown };
  span.setAttribute('error.type', typeof err?.code === 'string' ? err.code : (err?.name ?? 'Error'));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Sets attributes on the active span, if any (e.g. the problem a request ended with). */
export function annotateActiveSpan(attributes: Attributes, failed = false): void {
  const span = trace.getActiveSpan();
  if (!span) return;
  span.setAttributes(attributes);
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * Names the active HTTP server span after the route template (`POST /api/v1/referrals`, never the
 * concrete path with its ids): the HTTP instrumentation reads it when the response ends.
 */
export function setHttpRoute(route: string | undefined): void {
  if (!route) return;
  const meta = getRPCMetadata(context.active());
  if (meta?.type === RPCType.HTTP) meta.route = route;
}

let flusher: (() => Promise<void>) | undefined;

/** Set by startTracing: how to send what is buffered at shutdown. */
export function registerTracingFlush(flush: (() => Promise<void>) | undefined): void {
  flusher = flush;
}

/** Sends buffered spans and stops tracing (the last step of a graceful shutdown); no-op when tracing is off. */
export async function flushTracing(timeoutMs = 2000): Promise<void> {
  if (!flusher) return;
  // Bounded: a collector that is away must not hold the process past its shutdown grace period.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    flusher().catch(() => undefined),
    new Promise<void>((r) => {
      timer = setTimeout(r, timeoutMs);
      timer.unref();
    }),
  ]);
  clearTimeout(timer);
}
