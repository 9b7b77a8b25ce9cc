/**
 * What the gateway sends with every request to a service. Identity is re-verified by the service from
 * the forwarded token (AC-13), never taken from these fields alone.
 */
export interface RpcRequest<T> {
  correlationId: string;
  traceparent?: string;
  /** The caller's bearer token, forwarded so the service can decide for itself. */
  token?: string;
  /** Purpose of use the caller declared (X-Purpose-Of-Use), checked against the policy and agreements (AC-04). */
  purpose?: string;
  /** Present on commands that create: the same key with the same body replays the first answer. */
  idempotencyKey?: string;
  body: T;
}

/** Request/reply patterns live under `rpc.` so no event stream (`intake.>`, `risk.>`...) ever captures them. */
export const RPC_PREFIX = 'rpc';
