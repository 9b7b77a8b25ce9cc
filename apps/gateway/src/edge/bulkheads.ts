import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  handleWhen,
  IsolatedCircuitError,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { problem } from '@stac/contracts';
import { RpcCallError } from '@stac/rpc';

export interface BulkheadSettings {
  /** Calls in flight to one service at once (SERVICE_CONCURRENCY). */
  concurrency: number;
  /** Calls waiting for a slot beyond that (SERVICE_QUEUE); more are refused at once. */
  queue: number;
  /** Consecutive infrastructure failures (timeout, unavailable, failed) that open a service's circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one trial call is let through. */
  halfOpenAfterMs: number;
}

/** A failure of the service or the bus, not of the request: what counts towards opening the circuit. */
function infrastructureFailure(e: Error): boolean {
  return e instanceof RpcCallError && e.problem.status >= 502;
}

/**
 * One bulkhead and one circuit breaker per service (REL-05): a slow service fills only its own slots, so
 * calls to the others go on; a failing one is refused fast (503 with Retry-After) instead of every
 * request waiting out the timeout, and a trial call after `halfOpenAfterMs` closes it again.
 */
export class ServiceBulkheads {
  private readonly policies = new Map<string, { policy: IPolicy; breaker: CircuitBreakerPolicy; openedAt: number }>();

  constructor(private readonly s: BulkheadSettings) {}

  async run<T>(service: string, call: () => Promise<T>): Promise<T> {
    const p = this.policyFor(service);
    try {
      return await p.policy.execute(call);
    } catch (e) {
      if (e instanceof BulkheadRejectedError) {
        throw new RpcCallError(
          problem(503, 'service-busy', `The ${service} service is answering as many requests as it may; try again shortly`, { retryAfterSeconds: 1 }),
        );
      }
      if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
        const left = Math.max(1, Math.ceil((p.openedAt + this.s.halfOpenAfterMs - Date.now()) / 1000));
        throw new RpcCallError(
          problem(503, 'service-circuit-open', `The ${service} service is failing; calls to it are paused`, { retryAfterSeconds: left }),
        );
      }
      throw e;
    }
  }

  /** Each called service's circuit: Closed, Open, HalfOpen or Isolated. */
  states(): Record<string, string> {
    return Object.fromEntries([...this.policies].map(([service, p]) => [service, CircuitState[p.breaker.state]]));
  }

  private policyFor(service: string) {
    let p = this.policies.get(service);
    if (!p) {
      const breaker = circuitBreaker(handleWhen(infrastructureFailure), {
        halfOpenAfter: this.s.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.s.failureThreshold),
      });
      const entry = { policy: wrap(bulkhead(this.s.concurrency, this.s.queue), breaker), breaker, openedAt: 0 };
      breaker.onBreak(() => {
        entry.openedAt = Date.now();
      });
      p = entry;
      this.policies.set(service, p);
    }
    return p;
  }
}
