import { ClientNats, NatsContext, ServerNats, type NatsOptions, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { MsgHdrs, Msg, NatsConnection } from '@nats-io/transport-node';
import { runWithin, SpanKind, startSpan, TRACEPARENT_HEADER, traceparentFrom, type Span } from '@stac/observability';

type NatsClientLike = Parameters<ServerNats['bindEvents']>[0];
type NatsMsgLike = Parameters<ServerNats['handleMessage']>[1];
interface Subscription {
  drain(): Promise<void>;
}
interface Connection {
  flush(): Promise<void>;
  isClosed(): boolean;
}

/** Default bound on answering the requests in flight when the server closes. */
export const RPC_CLOSE_GRACE_MS = 10_000;
/**
 * How long the client keeps a request's reply slot open. The caller gives up sooner (callService's timeout,
 * RPC_TIMEOUT_MS) and ignores a late answer; this only bounds how long such a slot lingers.
 */
export const RPC_REPLY_SLOT_MS = 120_000;

function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.catch(() => undefined),
    new Promise<undefined>((res) => (timer = setTimeout(() => res(undefined), ms))),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The request/reply server of a service. Under NATS_NAMESPACE a test stack, a benchmark and a developer's
 * stack can share one NATS server without answering each other's requests (empty namespace = the plain
 * subjects).
 *
 * It closes gracefully: first it stops taking requests (its queue-group subscriptions are drained, so what
 * NATS already routed to it is still handled and new requests go to another instance), then it answers
 * every request in flight (bounded by `closeGraceMs`), flushes the replies and only then closes the
 * connection. Nest's own close drops the connection at once, and the callers of a request in flight
 * waited out their timeout (a 504 at the gateway).
 */
export class NamespacedNatsServer extends ServerNats {
  private readonly subs: Subscription[] = [];
  private connection?: Connection;
  private readonly inFlight = new Set<object>();
  private readonly tokens = new WeakMap<object, object>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    options: NatsOptions['options'],
    private readonly namespace: string,
    private readonly closeGraceMs = RPC_CLOSE_GRACE_MS,
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

  /** Requests received and not answered yet. */
  get requestsInFlight(): number {
    return this.inFlight.size;
  }

  override async createNatsClient(): Promise<NatsClientLike> {
    const client = await super.createNatsClient();
    this.connection = client as Connection;
    return client;
  }

  override bindEvents(client: NatsClientLike): void {
    const ns = this.namespace;
    const tracking = {
      subscribe: (subject: string, opts: Parameters<NatsClientLike['subscribe']>[1]) => {
        const sub = client.subscribe(ns ? `${ns}.${subject}` : subject, opts);
        this.subs.push(sub as Subscription);
        return sub;
      },
    } as unknown as NatsClientLike;
    super.bindEvents(tracking);
  }

  /**
   * Our patterns are plain subjects (`rpc.intake.person.search`). Nest's default first tries JSON.parse on
   * every message's pattern, which throws, and builds a stack trace, for each of them.
   */
  protected override getRouteFromPattern(pattern: string): string {
    const first = pattern.charCodeAt(0);
    return first === 0x7b || first === 0x22 ? super.getRouteFromPattern(pattern) : this.normalizePattern(pattern);
  }

  override async handleMessage(channel: string, natsMsg: NatsMsgLike): Promise<unknown> {
    const token = {};
    this.inFlight.add(token);
    this.tokens.set(natsMsg as object, token);
    try {
      return await super.handleMessage(channel, natsMsg);
    } catch (e) {
      this.settle(token);
      throw e;
    } finally {
      // An event (no reply subject) is done when its handler is; a request when its reply is out.
      if (!(natsMsg as { reply?: string }).reply) this.settle(token);
    }
  }

  override getPublisher(natsMsg: NatsMsgLike, id: string, ctx: Parameters<ServerNats['getPublisher']>[2]) {
    type Packet = { isDisposed?: boolean; err?: unknown };
    const publish = super.getPublisher(natsMsg, id, ctx) as (response: Packet) => unknown;
    const token = this.tokens.get(natsMsg as object);
    return (response: Packet) => {
      try {
        return publish(response);
      } finally {
        // The last packet of a reply is disposed; an error (no handler, a failed stream) ends it too.
        const last = response?.isDisposed || (response?.err !== undefined && response?.err !== null);
        if (last && token) this.settle(token);
      }
    };
  }

  override async close(): Promise<void> {
    if (this.connection && !this.connection.isClosed()) {
      // Bounded: a drain waits for a round trip, which never comes while NATS is away.
      await within(Promise.all(this.subs.map((s) => s.drain())), 2000);
      await this.whenIdle(this.closeGraceMs);
      if (this.inFlight.size > 0) {
        this.logger.warn?.(`closing with ${this.inFlight.size} request(s) still in flight after ${this.closeGraceMs} ms`);
      }
      await within(this.connection.flush(), 2000);
    }
    this.subs.length = 0;
    await super.close();
  }

  private settle(token: object): void {
    if (!this.inFlight.delete(token) || this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    // Nest publishes a reply on the next tick after the handler settles; let it go out first.
    setImmediate(() => waiters.forEach((w) => w()));
  }

  private whenIdle(ms: number): Promise<void> {
    if (this.inFlight.size === 0) return new Promise((r) => setImmediate(r));
    return within(new Promise<void>((r) => this.idleWaiters.push(r)), ms).then(() => undefined);
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

  /**
   * A request over the connection's one shared reply subscription (the client's request/reply). Nest's own
   * publish subscribes a new inbox for every request and unsubscribes it after the answer: a SUB, a PUB and
   * an UNSUB, two socket writes, where this sends one PUB. Socket writes are the gateway's largest cost per
   * request. The answer is read exactly as Nest reads it (createSubscriptionHandler), under the same inbox
   * prefix (BUS-01), with the same headers (the trace context).
   */
  protected override publish(partialPacket: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let wanted = true;
    try {
      const packet = this.assignPacketId(partialPacket);
      const serialized = this.serializer.serialize(packet) as { data: Uint8Array; headers?: MsgHdrs };
      const answer = this.createSubscriptionHandler(packet, (p) => {
        if (wanted) callback(p);
      });
      (this.natsClient as unknown as NatsConnection)
        .request(this.normalizePattern(partialPacket.pattern), serialized.data, {
          timeout: RPC_REPLY_SLOT_MS,
          headers: this.mergeHeaders(serialized.headers),
        })
        .then(
          (msg: Msg) => answer(null, msg as never),
          (err: Error) => answer(err, undefined as never),
        );
    } catch (err) {
      callback({ err });
    }
    return () => {
      wanted = false;
    };
  }
}
