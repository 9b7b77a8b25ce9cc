import 'reflect-metadata';
import { problem } from '@stac/contracts';
import { RpcCallError } from '@stac/rpc';
import { ServiceBulkheads } from './bulkheads';

const failure = (status: number, code: string) => new RpcCallError(problem(status, code, code));
const problemOf = (p: Promise<unknown>) => p.then(() => undefined, (e: RpcCallError) => e.problem);

describe('REL-05: bulkheads and circuit breakers per service at the gateway', () => {
  it('a service at its concurrency limit and queue is refused at once with 503 service-busy; other services go on', async () => {
    const b = new ServiceBulkheads({ concurrency: 2, queue: 1, failureThreshold: 5, halfOpenAfterMs: 10_000 });
    const release: (() => void)[] = [];
    const slow = () => new Promise<string>((resolve) => release.push(() => resolve('slow')));
    const held = [b.run('probation', slow), b.run('probation', slow), b.run('probation', slow)];
    expect(await problemOf(b.run('probation', async () => 'never'))).toMatchObject({ status: 503, code: 'service-busy', retryAfterSeconds: 1 });
    await expect(b.run('intake', async () => 'intake answers')).resolves.toBe('intake answers');
    // Releasing the two running calls lets the queued one run; all three answer.
    for (let done = 0; done < 3; done++) {
      while (release.length === 0) await new Promise((r) => setImmediate(r));
      release.shift()!();
    }
    await expect(Promise.all(held)).resolves.toEqual(['slow', 'slow', 'slow']);
  });

  it('consecutive timeouts open the circuit: calls answer 503 service-circuit-open without reaching the service, Retry-After counting down', async () => {
    const b = new ServiceBulkheads({ concurrency: 10, queue: 10, failureThreshold: 3, halfOpenAfterMs: 30_000 });
    let reached = 0;
    const timingOut = async () => {
      reached++;
      throw failure(504, 'service-timeout');
    };
    for (let i = 0; i < 3; i++) expect(await problemOf(b.run('advocacy', timingOut))).toMatchObject({ status: 504 });
    expect(b.states()).toEqual({ advocacy: 'Open' });
    const refused = await problemOf(b.run('advocacy', timingOut));
    expect(refused).toMatchObject({ status: 503, code: 'service-circuit-open' });
    expect(refused?.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(refused?.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(reached).toBe(3);
    await expect(b.run('intake', async () => 'ok')).resolves.toBe('ok');
  });

  it("the service's own answers (4xx problems) never open the circuit", async () => {
    const b = new ServiceBulkheads({ concurrency: 10, queue: 10, failureThreshold: 2, halfOpenAfterMs: 30_000 });
    for (let i = 0; i < 5; i++) expect(await problemOf(b.run('intake', async () => Promise.reject(failure(404, 'case-not-found'))))).toMatchObject({ status: 404 });
    expect(b.states()).toEqual({ intake: 'Closed' });
  });

  it('after the half-open wait one trial call goes through, and its success closes the circuit', async () => {
    const b = new ServiceBulkheads({ concurrency: 10, queue: 10, failureThreshold: 1, halfOpenAfterMs: 150 });
    expect(await problemOf(b.run('risk-assessment', async () => Promise.reject(failure(503, 'service-unavailable'))))).toMatchObject({ status: 503, code: 'service-unavailable' });
    expect(await problemOf(b.run('risk-assessment', async () => 'too soon'))).toMatchObject({ code: 'service-circuit-open' });
    await new Promise((r) => setTimeout(r, 200));
    await expect(b.run('risk-assessment', async () => 'recovered')).resolves.toBe('recovered');
    expect(b.states()).toEqual({ 'risk-assessment': 'Closed' });
  });
});
