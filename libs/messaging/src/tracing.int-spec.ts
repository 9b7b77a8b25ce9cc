import { context, propagation, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { inSpan, SpanKind, traceparentOf } from '@stac/observability';
import { eventually } from '@stac/testing';
import { Outbox } from './outbox';
import { createWidget, MessagingHarness, newWidget } from './testing/messaging-harness';

jest.setTimeout(30_000);

/**
 * The trace context across the event backbone, against real Postgres and JetStream: the outbox row
 * keeps the span it was written in, the relay's publish span continues it, and every consumer's
 * handler span is a child of the publication (docs/operations.md "Tracing").
 */
describe('tracing across the outbox, the relay and the consumers', () => {
  const h = new MessagingHarness();
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).register();
    await h.connect();
  });

  afterAll(async () => {
    await h.close();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('REL-02: one trace from the writing span through the publication to each consumer, event id and type on the spans', async () => {
    const s = await h.newStream();
    const [producerDb, aDb, bDb] = await Promise.all([h.db('trc_producer'), h.db('trc_a'), h.db('trc_b')]);
    const handedOn = new Map<string, string | undefined>();
    const names = [`a-${s.tok}`, `b-${s.tok}`];
    for (const [db, name] of [
      [aDb, names[0]],
      [bDb, names[1]],
    ] as const) {
      await h
        .consumer(db, s, name, {
          onHandle: (_e, ctx) => {
            handedOn.set(name, ctx.traceparent);
          },
        })
        .start();
    }
    h.relay(producerDb, s).start();

    // The request that changes state and writes the event (what rpc.handle is in a service).
    const { event, writer } = await inSpan(
      'rpc.handle test.widget.create',
      { kind: SpanKind.SERVER, remoteParent: undefined },
      async (span) => ({
        event: await createWidget(producerDb, s, new Outbox(s.producer), newWidget()),
        writer: span.spanContext(),
      }),
    );
    const [row] = await producerDb.ds.query<{ headers: { traceparent?: string } }[]>(
      `SELECT headers FROM outbox WHERE id = $1`,
      [event.id],
    );
    expect(row.headers.traceparent).toBe(`00-${writer.traceId}-${writer.spanId}-01`);

    const handled = await eventually(
      async () => {
        const found = spans.getFinishedSpans().filter((x) => x.name === `event.handle ${s.Contract.subject}`);
        return found.length === 2 ? found : undefined;
      },
      { what: 'both consumers to handle the event' },
    );
    const publish = spans.getFinishedSpans().filter((x) => x.name === `event.publish ${s.Contract.subject}`);
    expect(publish).toHaveLength(1);
    const p = publish[0];
    expect(p.kind).toBe(SpanKind.PRODUCER);
    expect(p.spanContext().traceId).toBe(writer.traceId);
    expect(p.parentSpanContext?.spanId).toBe(writer.spanId);
    expect(p.attributes).toMatchObject({
      'stac.event.id': event.id,
      'stac.event.type': s.Contract.eventType,
      'messaging.message.id': event.id,
    });

    const byConsumer = new Map<string, ReadableSpan>(
      handled.map((x) => [String(x.attributes['stac.consumer']), x]),
    );
    expect([...byConsumer.keys()].sort()).toEqual([...names].sort());
    for (const name of names) {
      const c = byConsumer.get(name)!;
      expect(c.kind).toBe(SpanKind.CONSUMER);
      expect(c.spanContext().traceId).toBe(writer.traceId);
      expect(c.parentSpanContext?.spanId).toBe(p.spanContext().spanId);
      expect(c.attributes).toMatchObject({
        'stac.event.id': event.id,
        'stac.event.type': s.Contract.eventType,
        'stac.outcome': 'ok',
      });
      // The handler's context names its own span: the events it writes continue the trace from there.
      expect(handedOn.get(name)).toBe(traceparentOf(trace.wrapSpanContext(c.spanContext())));
    }
  });
});
