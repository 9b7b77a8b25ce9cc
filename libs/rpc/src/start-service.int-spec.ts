import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Get, Injectable, Module, Param, type BeforeApplicationShutdown, type INestApplication } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import pino from 'pino';
import { firstValueFrom, timeout } from 'rxjs';
import { NamespacedNatsClient } from './namespaced-nats';
import { startService } from './start-service';

jest.setTimeout(60_000);

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What a service does on request/reply: here it takes its time. */
@Controller()
class SlowController {
  started = 0;
  @MessagePattern('rpc-test.slow')
  async slow(@Payload() body: { n: number; ms: number }) {
    this.started++;
    await sleep(body.ms);
    return { n: body.n };
  }
}

/** Stands for the event consumer's stop: a shutdown hook that takes a moment, while HTTP is still open. */
@Injectable()
class SlowShutdownHook implements BeforeApplicationShutdown {
  async beforeApplicationShutdown() {
    await sleep(800);
  }
}

@Module({ controllers: [SlowController], providers: [SlowShutdownHook] })
class RpcTestModule {}

/** REL-04: a service stopped with requests in flight answers them (no 504 at the gateway) and tells HTTP clients to come back. */
describe('startService shutdown (Nest + real NATS)', () => {
  const namespace = `rpc${randomBytes(4).toString('hex')}`;
  let app: INestApplication | undefined;
  let client: NamespacedNatsClient;

  beforeAll(async () => {
    client = new NamespacedNatsClient({ servers: NATS_URL.split(',') }, namespace);
    await client.connect();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await client.close();
  });

  const send = (n: number, ms: number) =>
    // As the gateway calls: with a deadline (a dropped reply is a timeout there, a 504).
    firstValueFrom(client.send<{ n: number }>('rpc-test.slow', { n, ms }).pipe(timeout(5000))).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e: String((e as Error)?.message ?? e) }),
    );

  it('REL-04: requests in flight when shutdown begins are answered; new HTTP requests get 503 shutting-down with Retry-After; afterwards nothing answers', async () => {
    app = await startService({
      service: 'rpc-test',
      module: { module: RpcTestModule },
      logger: pino({ level: 'silent' }),
      http: { host: '127.0.0.1', port: 0 },
      nats: { url: NATS_URL, namespace },
    });
    const base = await app.getUrl();
    const controller = app.get(SlowController);
    expect((await send(0, 0)).ok).toBe(true);

    // Two requests in flight (1.5 s each), then shutdown begins.
    const inFlight = [send(1, 1500), send(2, 1500)];
    const t0 = Date.now();
    while (controller.started < 3) {
      if (Date.now() - t0 > 10_000) throw new Error('the requests never reached the handler');
      await sleep(10);
    }
    const closing = app.close();

    // While the shutdown hooks run, HTTP is still open but refuses new work, readiness included.
    const res = await fetch(`${base}/anything`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, code: 'shutting-down' });

    // Both answered, not dropped with the connection (the client would have waited out its timeout).
    expect(await Promise.all(inFlight)).toEqual([
      { ok: true, v: { n: 1 } },
      { ok: true, v: { n: 2 } },
    ]);
    await closing;
    app = undefined;

    // Nobody subscribes any more: a new request fails at once.
    const after = await send(3, 0);
    expect(after.ok).toBe(false);
    expect(controller.started).toBe(3);
  });
});

@Controller('items')
class ItemsController {
  @Get(':id')
  item(@Param('id') id: string) {
    return { id };
  }
}
@Module({ controllers: [ItemsController] })
class HttpTestModule {}

describe('errors of the router itself (API-09)', () => {
  it('API-09: a path parameter longer than the router takes, and a URL that does not decode, are 400 problem+json, not Fastify\'s own JSON', async () => {
    const app = await startService({ service: 'http-test', module: { module: HttpTestModule }, logger: pino({ level: 'silent' }), http: { host: '127.0.0.1', port: 0 } });
    try {
      const base = await app.getUrl();
      expect(await (await fetch(`${base}/items/abc`)).json()).toEqual({ id: 'abc' });
      for (const path of [`/items/${'x'.repeat(300)}`, '/items/%E0%A4%A']) {
        const res = await fetch(`${base}${path}`);
        expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
        expect(await res.json()).toMatchObject({ status: 400, code: expect.stringMatching(/^(invalid-id|bad-url)$/) });
      }
    } finally {
      await app.close();
    }
  });
});
