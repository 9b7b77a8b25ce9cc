import 'reflect-metadata';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { launchServices, type LaunchedServices } from '@stac/testing';
import { serviceEntry } from '../../tools/stack/src/stack-env';
import { queryService, syntheticReferral } from './builders';
import { startStack, tokenFor, type Stack } from './stack-harness';

// API-08 with more than one gateway: the rate limit and Idempotency-Key hold across replicas, because
// neither lives in a gateway's memory (the limit in the JetStream stream RATE_LIMITS, first answers in
// the owning service's database).
jest.setTimeout(120_000);

const LIMIT = 20;
let stack: Stack;
let second: LaunchedServices;
let urls: [string, string];

beforeAll(async () => {
  stack = await startStack({ overrides: { gateway: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } } });
  // A second gateway replica of the same stack: the same configuration on its own port.
  const port = Number(stack.env.gateway.HTTP_PORT) + 9;
  second = await launchServices([{ name: 'gateway-2', entry: serviceEntry('gateway'), env: { ...stack.env.gateway, HTTP_PORT: String(port) } }], {
    readyTimeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS) || 90_000,
    keepLines: 0,
  });
  urls = [stack.gatewayUrl, second.url('gateway-2')];
}, 300_000);
afterAll(async () => {
  await second?.stop();
  await stack?.stop();
});

const get = (url: string, token: string) =>
  request(url).get(`/api/v1/cases/${randomUUID()}`).set('authorization', `Bearer ${token}`).set('x-purpose-of-use', 'investigation');

describe('gateway replicas share the rate limit and idempotency (API-08)', () => {
  it('API-08: requests spread over two gateways are limited at the configured rate in total; 429 with Retry-After on both', async () => {
    const token = await tokenFor('police', ['stac-screener'], 'replica-rate-user');
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < LIMIT + 6; i++) {
      const res = await get(urls[i % 2], token);
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
    }
    // Each replica alone would have let all of them through (half the requests each, under the limit).
    expect(statuses.filter((s) => s !== 429)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT)).toEqual(Array(6).fill(429));
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited?.body.code).toBe('rate-limited');
    const retryAfter = Number(limited?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Both replicas refuse the user now; another user is not affected on either.
    await get(urls[0], token).expect(429);
    await get(urls[1], token).expect(429);
    const other = await tokenFor('police', ['stac-screener'], 'replica-other-user');
    await get(urls[0], other).expect(404);
    await get(urls[1], other).expect(404);
  });

  it('API-08/REL-04: the same Idempotency-Key sent to both replicas applies once', async () => {
    const token = await tokenFor('police', ['case-officer'], 'replica-idempotent-officer');
    const body = syntheticReferral('REPLICA');
    const key = `replica-${randomUUID()}`;
    const send = (url: string) =>
      request(url)
        .post('/api/v1/referrals')
        .set('authorization', `Bearer ${token}`)
        .set('x-purpose-of-use', 'investigation')
        .set('idempotency-key', key)
        .send(body);
    // At the same moment, and once more after both answered.
    const [a, b] = await Promise.all([send(urls[0]), send(urls[1])]);
    const c = await send(urls[1]);
    // Every answer is the first one replayed: without the key the later ones would run again and find the
    // crime reference already referred (`created: false`).
    for (const r of [a, b, c]) expect({ status: r.status, body: r.body }).toEqual({ status: 201, body: a.body });
    expect(a.body.created).toBe(true);
    const rows = await queryService<{ n: number }>(stack, 'intake', 'SELECT count(*)::int AS n FROM stalking_case WHERE crime_reference = $1', [
      body.crimeReference,
    ]);
    expect(rows[0].n).toBe(1);
  });
});
