import { ClientNats, ServerNats, type NatsOptions } from '@nestjs/microservices';

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
