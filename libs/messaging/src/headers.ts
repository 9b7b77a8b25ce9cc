import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import { CAUSATION_HEADER, CORRELATION_HEADER, TRACEPARENT_HEADER } from '@stac/observability';

/** The only headers an event carries: ids for tracing, never personal values (DP-01). */
export interface EventHeaders {
  correlationId: string;
  causationId?: string;
  traceparent?: string;
}

export function toNatsHeaders(h: EventHeaders): MsgHdrs {
  const out = natsHeaders();
  out.set(CORRELATION_HEADER, h.correlationId);
  if (h.causationId) out.set(CAUSATION_HEADER, h.causationId);
  if (h.traceparent) out.set(TRACEPARENT_HEADER, h.traceparent);
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
