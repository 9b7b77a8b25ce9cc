import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { CAUSATION_HEADER, CORRELATION_HEADER, TRACEPARENT_HEADER } from '@stac/observability';

/** The only headers an event carries: ids for tracing, never personal values (DP-01). */
export interface EventHeaders {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

/** A header value NATS accepts: a non-empty string on one line (nats-core throws on anything else). */
function usable(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && !/[\r\n]/.test(v);
}

/**
 * Builds the NATS headers of an event. Outbox rows store headers as JSON, so a row may lack a
 * value (or carry an unusable one); such a value is left out rather than thrown on, because a
 * throw here would stop the relay on that row forever.
 */
export function toNatsHeaders(h: Partial<EventHeaders> | null | undefined): MsgHdrs {
  const out = natsHeaders();
  if (usable(h?.correlationId)) out.set(CORRELATION_HEADER, h.correlationId);
  if (usable(h?.causationId)) out.set(CAUSATION_HEADER, h.causationId);
  if (usable(h?.traceparent)) out.set(TRACEPARENT_HEADER, h.traceparent);
  return out;
}

export function fromNatsHeaders(h: MsgHdrs | undefined): Partial<EventHeaders> {
  if (!h) return {};
  return {
    correlationId: h.get(CORRELATION_HEADER) || undefined,
    causationId: h.get(CAUSATION_HEADER) || undefined,
    traceparent: h.get(TRACEPARENT_HEADER) || undefined,
  };
}
