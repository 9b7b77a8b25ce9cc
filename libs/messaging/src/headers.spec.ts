import { CAUSATION_HEADER, CORRELATION_HEADER, TRACEPARENT_HEADER } from '@stac/observability';
import { fromNatsHeaders, toNatsHeaders } from './headers';
import { redeliveryDelayMs } from './event-consumer';

describe('event headers', () => {
  it('round-trip the tracing ids', () => {
    const h = { correlationId: 'c-1', causationId: 'e-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const n = toNatsHeaders(h);
    expect(n.get(CORRELATION_HEADER)).toBe('c-1');
    expect(n.get(CAUSATION_HEADER)).toBe('e-1');
    expect(n.get(TRACEPARENT_HEADER)).toBe(h.traceparent);
    expect(fromNatsHeaders(n)).toEqual(h);
  });

  it('leave out missing or unusable values instead of throwing (an outbox row must never wedge the relay)', () => {
    expect(() => toNatsHeaders({} as never)).not.toThrow();
    expect(() => toNatsHeaders(null)).not.toThrow();
    const n = toNatsHeaders({ correlationId: 'a\r\nInjected: yes', causationId: 42 as never, traceparent: '  ' });
    expect(fromNatsHeaders(n)).toEqual({ correlationId: undefined, causationId: undefined, traceparent: undefined });
    expect(n.has('Injected')).toBe(false);
  });

  it('fromNatsHeaders of a message without headers is empty', () => {
    expect(fromNatsHeaders(undefined)).toEqual({});
  });
});

describe('redeliveryDelayMs', () => {
  it('doubles from the base per delivery and is capped', () => {
    expect([1, 2, 3, 4].map((n) => redeliveryDelayMs(n))).toEqual([250, 500, 1000, 2000]);
    expect(redeliveryDelayMs(20)).toBe(30_000);
    expect(redeliveryDelayMs(0)).toBe(250);
    expect([1, 2, 3].map((n) => redeliveryDelayMs(n, 20, 50))).toEqual([20, 40, 50]);
  });
});
