import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { TEST_NATS_URL, uniqueToken } from '@stac/testing';
import { rateLimitStreamName, SharedRateLimiter } from './shared-rate-limit';

// The shared rate limit against a real NATS JetStream (API-08); the two-gateway test is test/e2e/gateway-replicas.
jest.setTimeout(30_000);

const namespace = uniqueToken();
let a: NatsConnection;
let b: NatsConnection;
const limiter = (nc: NatsConnection, limit: number) =>
  new SharedRateLimiter(() => nc, { limit, windowMs: 60_000, namespace, replicas: 1, timeoutMs: 2000 });

beforeAll(async () => {
  a = await connect({ servers: TEST_NATS_URL });
  b = await connect({ servers: TEST_NATS_URL });
});
afterAll(async () => {
  await (await jetstreamManager(a)).streams.delete(rateLimitStreamName(namespace)).catch(() => false);
  await a.close();
  await b.close();
});

describe('the rate limit shared through JetStream (API-08)', () => {
  it('API-08: two limiters on two connections (two gateway replicas) share one limit per key; Retry-After counts down the window', async () => {
    const one = limiter(a, 5);
    const two = limiter(b, 5);
    const decisions = [];
    for (let i = 0; i < 8; i++) decisions.push(await (i % 2 ? two : one).take('user:https://idp#alice'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.slice(5).every((d) => !d.allowed)).toBe(true);
    const refused = decisions[7] as { allowed: false; retryAfterSeconds: number };
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Another key has its own allowance.
    expect(await two.take('user:https://idp#bob')).toEqual({ allowed: true });
  });

  it('API-08: no user id or address appears in a subject (DP-01): keys are hashed', async () => {
    await limiter(a, 5).take('ip:10.1.2.3');
    const info = await (await jetstreamManager(a)).streams.info(rateLimitStreamName(namespace), { subjects_filter: '>' });
    const subjects = Object.keys(info.state.subjects ?? {});
    expect(subjects.length).toBeGreaterThan(0);
    for (const s of subjects) expect(s).toMatch(new RegExp(`^${namespace}\\.ratelimit\\.[0-9a-f]{32}$`));
  });

  it('API-08: a stream lost with a NATS restart (or deleted) is created again by the next request, which is counted', async () => {
    const one = limiter(a, 3);
    expect(await one.take('user:https://idp#carol')).toEqual({ allowed: true });
    await (await jetstreamManager(b)).streams.delete(rateLimitStreamName(namespace));
    expect(await one.take('user:https://idp#carol')).toEqual({ allowed: true });
    expect(await one.take('user:https://idp#carol')).toEqual({ allowed: true });
    expect(await one.take('user:https://idp#carol')).toEqual({ allowed: true });
    expect((await one.take('user:https://idp#carol')).allowed).toBe(false);
  });
});
