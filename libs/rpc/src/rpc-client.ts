import { NatsRecordBuilder, type ClientProxy } from '@nestjs/microservices';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { isProblem, type Problem, type RpcRequest } from '@stac/contracts';
import { TRACEPARENT_HEADER, traceparentFrom } from '@stac/observability';
import { problem, ProblemException } from './rpc-problem';

/** Thrown by `callService`; carries the problem the gateway should answer with. */
export class RpcCallError extends ProblemException {
  constructor(problem: Problem) {
    super(problem);
    this.name = 'RpcCallError';
  }
}

/**
 * One request to a service over NATS with a deadline. Timeouts become 504, no responder or a broken
 * bus 503, a problem from the service keeps its status; anything else is a 502 with no detail.
 */
export async function callService<T>(
  client: Pick<ClientProxy, 'send'>,
  pattern: string,
  request: RpcRequest<unknown>,
  timeoutMs: number,
  service: string,
): Promise<T> {
  // The W3C trace context travels in the NATS headers, where the service's transport reads it.
  const traceparent = traceparentFrom(request.traceparent);
  const headers = natsHeaders();
  if (traceparent) headers.set(TRACEPARENT_HEADER, traceparent);
  const message = new NatsRecordBuilder(request).setHeaders(headers).build();
  try {
    return await firstValueFrom(client.send<T>(pattern, message).pipe(timeout(timeoutMs)));
  } catch (e) {
    if (e instanceof TimeoutError) {
      throw new RpcCallError(problem(504, 'service-timeout', `The ${service} service did not answer in time`));
    }
    if (isProblem(e)) throw new RpcCallError(e);
    if (/Empty response|no responders|503/i.test(String((e as Error)?.message ?? e))) {
      throw new RpcCallError(problem(503, 'service-unavailable', `The ${service} service is unavailable`));
    }
    const name = (e as Error)?.name ?? '';
    if (/Connection|Closed|Draining|Disconnect/i.test(name) || /connection|closed|disconnect/i.test(String((e as Error)?.message))) {
      throw new RpcCallError(problem(503, 'bus-unavailable', 'The message bus is unavailable'));
    }
    throw new RpcCallError(problem(502, 'service-error', `The ${service} service failed to answer`));
  }
}
