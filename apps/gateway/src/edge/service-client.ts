import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Operation, RpcRequest } from '@stac/contracts';
import { inSpan, SpanKind, traceparentOf } from '@stac/observability';
import { callService, ProblemException } from '@stac/rpc';

import { ServiceBulkheads } from './bulkheads';

export const SERVICES_CLIENT = Symbol('SERVICES_CLIENT');
export const RPC_TIMEOUT_MS = Symbol('RPC_TIMEOUT_MS');

/** Request/reply to the services over NATS; every call has a deadline and goes through its service's bulkhead. */
@Injectable()
export class ServiceClient implements OnApplicationBootstrap {
  constructor(
    @Inject(SERVICES_CLIENT) private readonly client: ClientProxy,
    @Inject(RPC_TIMEOUT_MS) private readonly timeoutMs: number,
    private readonly bulkheads: ServiceBulkheads,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.client.connect();
  }

  call<T>(service: string, pattern: string, request: RpcRequest<unknown> & { roles?: unknown }): Promise<T> {
    // Only the token travels as identity: services verify it and decide for themselves (AC-13).
    const { roles: _edgeOnly, ...forwarded } = request;
    // A CLIENT span per call (bulkhead wait included); the service continues the trace from its
    // traceparent, taken here and not from the ambient context, which a queued call does not keep.
    return inSpan(
      `rpc.call ${pattern}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'nats', 'rpc.method': pattern, 'rpc.service': service },
        // A 4xx answer is the service doing its job; timeouts, busy and unavailable services are failures.
        isFailure: (e) => !(e instanceof ProblemException) || e.problem.status >= 500,
      },
      async (span) => {
        const traced = { ...forwarded, traceparent: traceparentOf(span) ?? forwarded.traceparent };
        try {
          return await this.bulkheads.run(service, () => callService<T>(this.client, pattern, traced, this.timeoutMs, service));
        } catch (e) {
          if (e instanceof ProblemException) span.setAttributes({ 'stac.problem.status': e.problem.status, 'stac.problem.code': e.problem.code });
          throw e;
        }
      },
    );
  }

  /** One typed operation: the request and the reply are the operation's own types, checked by the compiler. */
  send<Req extends object, Rep>(op: Operation<Req, Rep>, request: RpcRequest<Req | Record<string, unknown>> & { roles?: unknown }): Promise<Rep> {
    return this.call<Rep>(op.service, op.subject, request);
  }

  /** The connection under the client (the shared rate limit's store, API-08). */
  connection(): NatsConnection {
    return this.client.unwrap<NatsConnection>();
  }

  /** Readiness: the bus answers a round trip. */
  probe() {
    return {
      key: 'nats',
      check: async () => {
        const nc = this.client.unwrap<NatsConnection>();
        if (nc.isClosed()) throw new Error('connection closed');
        await nc.flush();
      },
    };
  }
}
