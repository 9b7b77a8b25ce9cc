import { Writable } from 'node:stream';
import { context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  NodeTracerProvider,
  SamplingDecision,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { createLogger } from './logger';
import { inSpan, SpanKind, traceparentOf } from './spans';
import { contextFromTraceparent } from './spans';
import { platformSampler, RedactingSpanExporter, tracingConfig, withoutLiterals } from './tracing';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('tracing off (no SDK started)', () => {
  it('passes a remote traceparent through unchanged, and makes none up', async () => {
    const through = await inSpan('x', { kind: SpanKind.CONSUMER, remoteParent: PARENT }, async (span) =>
      traceparentOf(span),
    );
    expect(through).toBe(PARENT);
    const none = await inSpan('x', { kind: SpanKind.CONSUMER, remoteParent: undefined }, async (span) =>
      traceparentOf(span),
    );
    expect(none).toBeUndefined();
    expect(await inSpan('x', { kind: SpanKind.INTERNAL }, async () => traceparentOf())).toBeUndefined();
  });

  it('is the default: no endpoint, no tracing; an invalid setting leaves it off rather than failing here', () => {
    expect(tracingConfig({})).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_TRACES_SAMPLER_ARG: '1',
      OTEL_BSP_SCHEDULE_DELAY: 5000,
    });
    expect(tracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' })).toBeUndefined();
    expect(tracingConfig({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).toBeUndefined();
  });
});

describe('spans as exported', () => {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(new RedactingSpanExporter(exported))],
  });
  const tracer = provider.getTracer('test');

  afterEach(() => exported.reset());

  it('DP-01: keep ids, codes, routes and statements; drop addresses, user agents, query strings, header values and SQL parameters', () => {
    const span = tracer.startSpan('POST /api/v1/referrals', {
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/api/v1/referrals',
        'http.response.status_code': 201,
        'url.path': '/api/v1/people/CANARY-PATH',
        'url.query': 'name=CANARY-QUERY',
        'url.full': 'http://x/?q=CANARY-FULL',
        'client.address': '203.0.113.9',
        'network.peer.address': '203.0.113.9',
        'user_agent.original': 'CANARY-UA',
        'http.request.header.authorization': ['Bearer CANARY-TOKEN'],
        'db.postgresql.values': ['CANARY-VALUE'],
        'db.query.parameter.0': 'CANARY-PARAM',
        'db.query.text':
          "SELECT id FROM person WHERE name = 'CANARY-LITERAL' AND note = $$CANARY-DOLLAR$$ AND id = $1",
        'stac.event.id': '7b0e2a1c-0000-4000-8000-000000000001',
        'messaging.destination.name': 'intake.case.referred.v1',
        'rpc.method': 'rpc.intake.referral.create',
      },
    });
    span.recordException(
      Object.assign(new Error('invalid input syntax for type uuid: "CANARY-ERROR"'), {
        name: 'QueryFailedError',
      }),
    );
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'duplicate key (name)=(CANARY-STATUS)' });
    span.end();
    const [out] = exported.getFinishedSpans();
    expect(JSON.stringify({ a: out.attributes, s: out.status, e: out.events })).not.toMatch(
      /CANARY|203\.0\.113/,
    );
    expect(out.attributes).toEqual({
      'http.request.method': 'POST',
      'http.route': '/api/v1/referrals',
      'http.response.status_code': 201,
      'db.query.text': "SELECT id FROM person WHERE name = '?' AND note = '?' AND id = $1",
      'stac.event.id': '7b0e2a1c-0000-4000-8000-000000000001',
      'messaging.destination.name': 'intake.case.referred.v1',
      'rpc.method': 'rpc.intake.referral.create',
    });
    expect(out.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(out.events.map((e) => [e.name, e.attributes])).toEqual([
      ['exception', { 'exception.type': 'QueryFailedError' }],
    ]);
    // Everything else about the span is intact.
    expect(out.name).toBe('POST /api/v1/referrals');
    expect(out.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('strips every literal from a statement, quotes doubled inside included', () => {
    expect(withoutLiterals("UPDATE t SET a = 'O''Brien', b = E'x', c = $tag$y$tag$ WHERE d = 5")).toBe(
      "UPDATE t SET a = '?', b = E'?', c = '?' WHERE d = 5",
    );
  });
});

describe('tracing on', () => {
  const exported = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exported)] });
  beforeAll(() => trace.setGlobalTracerProvider(provider));
  afterAll(() => trace.disable());

  it('continues the remote parent in a span of its own and hands on that span’s traceparent', async () => {
    const out = await inSpan(
      'event.handle x',
      { kind: SpanKind.CONSUMER, remoteParent: PARENT },
      async (span) => traceparentOf(span),
    );
    const [span] = exported.getFinishedSpans();
    expect(span.spanContext().traceId).toBe(PARENT.split('-')[1]);
    expect(span.parentSpanContext?.spanId).toBe(PARENT.split('-')[2]);
    expect(out).toBe(`00-${PARENT.split('-')[1]}-${span.spanContext().spanId}-01`);
  });

  it('marks a failed span with the error type, never its message, and rethrows', async () => {
    exported.reset();
    await expect(
      inSpan('rpc.handle x', { kind: SpanKind.SERVER, remoteParent: undefined }, async () => {
        throw Object.assign(new Error('CANARY message'), { code: '23505' });
      }),
    ).rejects.toThrow('CANARY message');
    const [span] = exported.getFinishedSpans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.attributes).toEqual({ 'error.type': '23505' });
  });
});

describe('logs inside a traced span', () => {
  it('name the trace and span, and nothing else about it', async () => {
    // register(): the global provider and the AsyncLocalStorage context manager, as startTracing does.
    new NodeTracerProvider().register();
    const lines: string[] = [];
    const log = createLogger(
      'test',
      'info',
      new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }),
    );
    try {
      log.info('outside');
      const ids = await inSpan('x', { kind: SpanKind.INTERNAL }, async (span) => {
        log.info('inside');
        return span.spanContext();
      });
      const [outside, inside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(outside.traceId).toBeUndefined();
      expect(inside).toMatchObject({ msg: 'inside', traceId: ids.traceId, spanId: ids.spanId });
    } finally {
      trace.disable();
      context.disable();
      propagation.disable();
    }
  });
});

describe('sampling', () => {
  const decide = (ratio: number, edge: boolean, traceparent?: string) =>
    platformSampler(ratio, edge).shouldSample(
      contextFromTraceparent(traceparent),
      PARENT.split('-')[1],
      'x',
      SpanKind.SERVER,
      {},
      [],
    ).decision;

  it("inside the platform follows the caller's decision; at the edge only the ratio decides", () => {
    const { RECORD_AND_SAMPLED: yes, NOT_RECORD: no } = SamplingDecision;
    expect(decide(0, false, PARENT)).toBe(yes);
    expect(decide(0, true, PARENT)).toBe(no);
    expect(decide(1, true, PARENT.replace(/-01$/, '-00'))).toBe(yes);
    expect(decide(0, false)).toBe(no);
    expect(decide(1, false)).toBe(yes);
  });
});
