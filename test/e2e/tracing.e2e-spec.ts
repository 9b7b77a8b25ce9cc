import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { handled, syntheticReferral } from './builders';
import { canariesIn } from './canary';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { SERVICES } from '../../tools/stack/src/stack-env';

jest.setTimeout(90_000);

/**
 * OpenTelemetry across the whole platform, as deployed: every service exports OTLP/HTTP (JSON) to a
 * tiny collector started by this test, and one referral must make ONE trace that runs from the
 * gateway's HTTP span through the request to intake, the relay's publication of the event and every
 * consumer's handling of it, carrying event ids and types and no personal data (DP-01).
 */

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: OtlpValue }[];
}
interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** OTLP JSON ids are hex; some encoders send base64: either way, hex here. */
function hexId(id: string | undefined): string | undefined {
  if (!id) return undefined;
  return /^[0-9a-f]+$/i.test(id) && (id.length === 32 || id.length === 16)
    ? id.toLowerCase()
    : Buffer.from(id, 'base64').toString('hex');
}
function valueOf(v: OtlpValue): unknown {
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));
}

/** An OTLP/HTTP receiver: POST /v1/traces with JSON, every span kept with its service name; raw bodies kept for the DP-01 scan. */
class OtlpReceiver {
  readonly spans: CollectedSpan[] = [];
  readonly bodies: string[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (req.method === 'POST' && req.url === '/v1/traces') {
          this.bodies.push(text);
          this.collect(JSON.parse(text) as { resourceSpans?: unknown[] });
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private collect(body: { resourceSpans?: unknown[] }): void {
    for (const rs of (body.resourceSpans ?? []) as {
      resource?: { attributes?: { key: string; value: OtlpValue }[] };
      scopeSpans?: { spans?: OtlpSpan[] }[];
    }[]) {
      const service = String(
        valueOf(rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value ?? {}) ?? '?',
      );
      for (const ss of rs.scopeSpans ?? [])
        for (const s of ss.spans ?? [])
          this.spans.push({
            service,
            traceId: hexId(s.traceId)!,
            spanId: hexId(s.spanId)!,
            parentSpanId: hexId(s.parentSpanId) || undefined,
            name: s.name,
            kind: s.kind,
            attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
          });
    }
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The trace as an indented tree, `service: span name`, for the failure message and the log. */
function tree(spans: CollectedSpan[]): string {
  const children = new Map<string | undefined, CollectedSpan[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const s of spans) {
    const parent = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of children.get(parent) ?? []) {
      lines.push(`${'  '.repeat(depth)}${s.service}: ${s.name}`);
      walk(s.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

const receiver = new OtlpReceiver();
let stack: Stack;
const CONSUMERS = ['risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;

beforeAll(async () => {
  const endpoint = await receiver.start();
  const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' };
  stack = await startStack({ overrides: Object.fromEntries(SERVICES.map((s) => [s, tracing])) });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
  await receiver.stop();
}, 60_000);

describe('tracing: one trace across the gateway, request/reply and events', () => {
  it('REL-02/DP-01: a referral makes one trace: gateway HTTP -> rpc call -> intake handler -> relay publish -> every consumer, with event ids and no personal data', async () => {
    // The caller's own trace context: the platform continues it, so the test knows the trace id.
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const canary = `Tracecanary${randomBytes(3).toString('hex').replace(/\d/g, 'x')}`;
    const referral = syntheticReferral('TRACE', {
      victim: { givenName: canary, familyName: 'Personvalue', dateOfBirth: '1987-06-05' },
    });
    const token = await tokenFor('police', ['stac-screener'], 'e2e-tracing');
    const res = await request(stack.gatewayUrl)
      .post('/api/v1/referrals')
      .set('authorization', `Bearer ${token}`)
      .set('x-purpose-of-use', 'safeguarding')
      .set('traceparent', `00-${traceId}-${callerSpan}-01`)
      .send(referral)
      .expect(201);
    const caseId = res.body.caseId as string;
    for (const consumer of CONSUMERS) await handled(stack, consumer, caseId, 'intake.case.referred');

    // Spans arrive in batches (every 100 ms here): wait for every consumer's handler span of the event,
    // intake's own included (it is asserted below like the others).
    const trace = await eventually(
      async () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId);
        const handledBy = new Set(
          spans.filter((s) => s.name === 'event.handle intake.case.referred.v1').map((s) => s.service),
        );
        return [...CONSUMERS, 'intake'].every((c) => handledBy.has(c)) ? spans : undefined;
      },
      { timeoutMs: 20_000, what: 'the consumers’ spans of the referral’s trace' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n${tree(receiver.spans.filter((s) => s.traceId === traceId))}`);
    });
    process.stdout.write(`trace ${traceId}\n${tree(trace)}\n`);

    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const one = (service: string, name: string, parent?: CollectedSpan) => {
      const found = trace.filter(
        (s) => s.service === service && s.name === name && (!parent || s.parentSpanId === parent.spanId),
      );
      expect({ service, name, count: found.length }).toEqual({ service, name, count: 1 });
      return found[0];
    };

    // gateway: the HTTP server span continues the caller's span, named by the route template.
    const http = one('gateway', 'POST /api/v1/referrals');
    expect(http.parentSpanId).toBe(callerSpan);
    expect(http.kind).toBe(2); // SERVER
    expect(http.attributes).toMatchObject({
      'http.route': '/api/v1/referrals',
      'http.response.status_code': 201,
    });
    const call = trace.find(
      (s) => s.service === 'gateway' && s.name.startsWith('rpc.call ') && s.parentSpanId === http.spanId,
    );
    expect(call).toBeDefined();
    expect(call!.kind).toBe(3); // CLIENT
    expect(call!.attributes).toMatchObject({ 'rpc.system': 'nats', 'rpc.service': 'intake' });

    // intake: the request's handler span, its queries, and the relay's publication of the event.
    const pattern = String(call!.attributes['rpc.method']);
    const handler = one('intake', `rpc.handle ${pattern}`, call);
    expect(handler.kind).toBe(2); // SERVER (OTLP numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer)
    expect(
      trace.some(
        (s) => s.service === 'intake' && s.parentSpanId === handler.spanId && s.name.startsWith('pg.query:'),
      ),
    ).toBe(true);
    const publish = one('intake', 'event.publish intake.case.referred.v1', handler);
    expect(publish.kind).toBe(4); // PRODUCER
    const eventId = publish.attributes['stac.event.id'];
    expect(eventId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(publish.attributes).toMatchObject({
      'messaging.message.id': eventId,
      'stac.event.type': 'intake.case.referred',
      'messaging.system': 'nats',
    });

    // Every consumer's handler span is a child of that publication, with the same event id.
    for (const consumer of [...CONSUMERS, 'intake']) {
      const h = one(consumer, 'event.handle intake.case.referred.v1', publish);
      expect(h.kind).toBe(5); // CONSUMER
      expect(h.attributes).toMatchObject({
        'stac.event.id': eventId,
        'stac.event.type': 'intake.case.referred',
        'stac.consumer': consumer,
        'stac.outcome': 'ok',
      });
      expect(
        trace.some(
          (s) => s.service === consumer && s.parentSpanId === h.spanId && s.name.startsWith('pg.query:'),
        ),
      ).toBe(true);
    }
    // One trace: every span of it hangs off the caller's span through parents that are in it.
    for (const s of trace) {
      let at: CollectedSpan | undefined = s;
      while (at && at.parentSpanId && at.parentSpanId !== callerSpan) at = byId.get(at.parentSpanId);
      expect({ span: `${s.service}: ${s.name}`, reachesCaller: at?.parentSpanId === callerSpan }).toEqual({
        span: `${s.service}: ${s.name}`,
        reachesCaller: true,
      });
    }

    // DP-01: nothing the caller sent about people, nor the token, reaches the collector.
    const personal = [
      canary,
      'Personvalue',
      '1987-06-05',
      String(referral.crimeReference),
      token.slice(-24),
      'Synthetic',
    ];
    expect(
      receiver.bodies.flatMap((b, i) => canariesIn(b, personal).map((c) => `${c} in export #${i}`)),
    ).toEqual([]);
    const keys = new Set(receiver.spans.flatMap((s) => Object.keys(s.attributes)));
    for (const k of [
      'url.query',
      'url.full',
      'url.path',
      'client.address',
      'user_agent.original',
      'db.postgresql.values',
    ])
      expect({ [k]: keys.has(k) }).toEqual({ [k]: false });
    expect(
      [...keys].filter((k) => k.startsWith('http.request.header.') || k.startsWith('db.query.parameter.')),
    ).toEqual([]);
  });
});
