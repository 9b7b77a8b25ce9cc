import { randomUUID } from 'node:crypto';

/** Header names for tracing a request across the gateway, services and events. Never personal data. */
export const CORRELATION_HEADER = 'x-correlation-id';
export const CAUSATION_HEADER = 'x-causation-id';
export const TRACEPARENT_HEADER = 'traceparent';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Accepts a caller's correlation id only when it is a plain token; otherwise mints one. */
export function correlationIdFrom(value: unknown): string {
  return typeof value === 'string' && SAFE_ID.test(value) ? value : randomUUID();
}

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
export function traceparentFrom(value: unknown): string | undefined {
  return typeof value === 'string' && TRACEPARENT.test(value) ? value : undefined;
}
