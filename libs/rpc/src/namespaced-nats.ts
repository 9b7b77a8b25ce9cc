import { ClientNats, NatsContext, ServerNats, type NatsOptions } from '@nestjs/microservices';
import type { MsgHdrs } from '@nats-io/transport-node';
import { runWithin, SpanKind, startSpan, TRACEPARENT_HEADER, traceparentFrom, type Span } from '@stac/observability';

type NatsClientLike = Parameters<ServerNats['bindEvents']>[0];

/**
 * Request/reply under NATS_NAMESPACE: a test stack, a benchmark and a developer's stack can share one
 * NATS server without answering each other's requests. Empty namespace = the plain subjects.
 */
export class NamespacedNatsServer extends ServerNats {
  constructor(
    options: NatsOptions['options'],
    private readonly namespace: string,
  ) {
    super(options ?? {});
    this.traceRequests();
  }

  /**
   * One SERVER span per request handled (`rpc.handle <subject>`), continuing the caller's trace from
   * the `traceparent` NATS header and active around the handler, so its queries, the events it
   * writes to the outbox and the problem it answers with belong to it.
   */
  private traceRequests(): void {
    const open = new WeakMap<object, Span>();
    this.setOnProcessingStartHook((_transport, ctx, done) => {
      if (!(ctx instanceof NatsContext)) return done();
      const wire = ctx.getSubject();
      const subject = this.namespace && wire.startsWith(`${this.namespace}.`) ? wire.slice(this.namespace.length + 1) : wire;
      const headers = ctx.getHeaders() as MsgHdrs | undefined;
      const { span, context: spanContext } = startSpan(`rpc.handle ${subject}`, {
        kind: SpanKind.SERVER,
        remoteParent: traceparentFrom(headers?.get(TRACEPARENT_HEADER)),
        attributes: { 'rpc.system': 'nats', 'rpc.method': subject },
      });
      open.set(ctx, span);
      return runWithin(spanContext, done);
    });
    this.setOnProcessingEndHook((_transport, ctx) => {
      const span = open.get(ctx as object);
      open.delete(ctx as object);
      span?.end();
    });
  }

  override bindEvents(client: NatsClientLike): void {
    if (!this.namespace) return super.bindEvents(client);
    const ns = this.namespace;
    const prefixed = {
      subscribe: (subject: string, opts: Parameters<NatsClientLike['subscribe']>[1]) => client.subscribe(`${ns}.${subject}`, opts),
    } as unknown as NatsClientLike;
    super.bindEvents(prefixed);
  }
}

export class NamespacedNatsClient extends ClientNats {
  constructor(
    options: NatsOptions['options'],
    private readonly namespace: string,
  ) {
    super(options ?? {});
  }

  protected override normalizePattern(pattern: Parameters<ClientNats['normalizePattern']>[0]): string {
    const subject = super.normalizePattern(pattern);
    return this.namespace ? `${this.namespace}.${subject}` : subject;
  }
}
