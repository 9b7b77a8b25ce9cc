import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { percentile } from './report';

/** What one load run measured. Latencies in ms; `rate` counts 2xx answers only. */
export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts (no answer at all). */
  readonly errors: number;
  readonly durationS: number;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

export interface LoadTarget {
  /** Server base URL, e.g. http://127.0.0.1:4300. */
  readonly url: string;
  /** The path, or a fresh one for every request (a case view over many cases). */
  readonly path: string | (() => string);
  /** POST (default) with a fresh JSON body for every request, or GET without a body. */
  readonly method?: 'POST' | 'GET';
  readonly body?: () => string;
  /** Sent with every request (e.g. authorization), or fresh ones per request (many users). */
  readonly headers?: Readonly<Record<string, string>> | (() => Readonly<Record<string, string>>);
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Method, path, headers and body of the next request of a target. */
function nextRequest(t: LoadTarget): { method: 'POST' | 'GET'; path: string; headers: Record<string, string>; body?: string } {
  const method = t.method ?? 'POST';
  const headers = typeof t.headers === 'function' ? t.headers() : (t.headers ?? {});
  return {
    method,
    path: typeof t.path === 'function' ? t.path() : t.path,
    headers: method === 'POST' ? { ...JSON_HEADERS, ...headers } : { ...headers },
    body: method === 'POST' ? t.body?.() : undefined,
  };
}

/**
 * Closed loop: `connections` connections each sending the next request as soon as the previous one
 * is answered, for `duration` seconds; or, with `overallRate`, at most that many requests per second
 * (autocannon sends each second's share back to back at the start of the second).
 */
export async function autocannonLoad(
  t: LoadTarget,
  o: { connections: number; duration: number; overallRate?: number },
): Promise<LoadResult> {
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: t.url,
        connections: o.overallRate ? Math.min(o.connections, o.overallRate) : o.connections,
        duration: o.duration,
        overallRate: o.overallRate,
        requests: [
          {
            method: t.method ?? 'POST',
            setupRequest: (req) => {
              const next = nextRequest(t);
              return { ...req, method: next.method, path: next.path, headers: next.headers, body: next.body };
            },
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
  );
  return {
    sent: r.requests.sent,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    durationS: r.duration,
    rate: r.duration > 0 ? r['2xx'] / r.duration : 0,
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    statusCodes,
  };
}

/**
 * Open loop at a fixed offered rate: one request every 1/rate s for `duration` s, whatever the
 * answers do (a slow server gets more requests in flight, up to `maxInFlight` sockets), then waits
 * for every answer. `rate` is 2xx answers over the time from the first request to the last answer.
 */
export async function pacedLoad(
  t: LoadTarget,
  o: { rate: number; duration: number; maxInFlight?: number; timeoutMs?: number },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.maxInFlight ?? 256 });
  const total = Math.round(o.rate * o.duration);
  const interval = 1000 / o.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let sent = 0;
  let lastAnswer = 0;

  const one = () =>
    new Promise<void>((resolve) => {
      const next = nextRequest(t);
      const body = next.body ?? '';
      const began = performance.now();
      const req = request(
        new URL(next.path, t.url),
        {
          method: next.method,
          agent,
          headers: { ...next.headers, ...(next.body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
          timeout: o.timeoutMs ?? 10_000,
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            const code = res.statusCode ?? 0;
            lastAnswer = performance.now();
            latencies.push(lastAnswer - began);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (code >= 200 && code < 300) ok += 1;
            resolve();
          });
        },
      );
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', () => {
        errors += 1;
        resolve();
      });
      req.end(next.body);
    });

  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        inFlight.push(one());
        sent += 1;
      }
      if (sent >= total) return done();
      setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  agent.destroy();
  const durationS = (Math.max(lastAnswer, start) - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    sent,
    ok,
    non2xx: latencies.length - ok,
    errors,
    durationS,
    rate: durationS > 0 ? ok / durationS : 0,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    statusCodes,
  };
}

/** Sends one request and throws unless it is answered 2xx, so a broken setup fails before the load. */
export async function checkOnce(t: LoadTarget): Promise<void> {
  const next = nextRequest(t);
  const res = await fetch(new URL(next.path, t.url), {
    method: next.method,
    headers: next.headers,
    body: next.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299) {
    throw new Error(`${next.method} ${next.path} answered ${res.status} to a valid request: ${text.slice(0, 500)}`);
  }
}
