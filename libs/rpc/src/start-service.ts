import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NestPinoLogger } from '@stac/observability';
import { ProblemFilter } from './problem.filter';
import { NamespacedNatsServer } from './namespaced-nats';
import { problem } from './rpc-problem';

/**
 * Fastify under Nest, told when shutdown begins: `beforeClose` is the first step of Nest's shutdown,
 * before any hook runs, so from then on every new HTTP request (readiness included) is refused.
 */
class ServiceHttpAdapter extends FastifyAdapter {
  shuttingDown = false;

  override beforeClose(): void {
    this.shuttingDown = true;
    super.beforeClose();
  }
}

/**
 * What Fastify's router refuses before any hook or handler runs — a path parameter longer than any id
 * (found by the API fuzzer: a 414 in Fastify's own JSON), a URL that does not decode — answered as
 * problem+json like every other error (API-04, API-09).
 */
export function routerProblem(error: Error & { code?: string }, _req: FastifyRequest, reply: FastifyReply): void {
  const [status, code, detail] =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [400, 'invalid-id', 'A path parameter is longer than any id']
      : error.code === 'FST_ERR_BAD_URL'
        ? [400, 'bad-url', 'The URL is not valid']
        : [500, 'internal-error', 'The request could not be routed'];
  void reply.code(status).header('content-type', 'application/problem+json').send(problem(status, code, detail));
}

export interface StartServiceOptions {
  service: string;
  module: DynamicModule;
  logger: Logger;
  http: { host: string; port: number; bodyLimit?: number };
  /**
   * When set, the service also answers request/reply on NATS in a queue group named after it. On
   * shutdown it answers the requests in flight for at most `closeGraceMs` (10 s) before closing.
   */
  nats?: {
    url: string;
    namespace?: string;
    closeGraceMs?: number;
    /** The service's bus user (BUS-01): credentials, TLS and its own inbox prefix (libs/messaging busConnectionOptions). */
    connection?: { user?: string; pass?: string; tls?: { ca: string }; inboxPrefix?: string };
  };
  /** Gateway-only HTTP setup (validation, filters, docs) before listening. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Boots one service: Nest on Fastify, optional NATS request/reply transport, pino logging and
 * graceful shutdown on SIGTERM/SIGINT, in this order (docs/messaging-failure-model.md):
 * 1. new HTTP requests, readiness included, answer 503 `shutting-down` with Retry-After, so load
 *    balancers and clients go elsewhere; requests already running finish;
 * 2. the modules' shutdown hooks run (event consumers stop pulling and hand back what they hold, the
 *    outbox relay finishes its batch);
 * 3. the HTTP server closes, then the request/reply server stops taking requests, answers those in
 *    flight and closes;
 * 4. NATS drains and the database pools close.
 */
export async function startService(o: StartServiceOptions): Promise<INestApplication> {
  // return503OnClosing off: Fastify's own answer has no Retry-After and is not problem+json.
  const adapter = new ServiceHttpAdapter({
    logger: false,
    bodyLimit: o.http.bodyLimit ?? 65536,
    trustProxy: false,
    return503OnClosing: false,
    frameworkErrors: routerProblem,
  });
  adapter.getInstance().addHook('onRequest', (_req, reply, done) => {
    if (!adapter.shuttingDown) return done();
    void reply
      .code(503)
      .header('content-type', 'application/problem+json')
      .header('retry-after', '1')
      .header('connection', 'close')
      .send(problem(503, 'shutting-down', `The ${o.service} service is shutting down; try again shortly`));
  });
  const app = await NestFactory.create<NestFastifyApplication>(o.module, adapter, {
    logger: new NestPinoLogger(o.logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemFilter(o.logger));
  if (o.nats) {
    app.connectMicroservice<MicroserviceOptions>(
      {
        strategy: new NamespacedNatsServer(
          {
            ...o.nats.connection,
            servers: o.nats.url.split(','),
            queue: o.service,
            name: `${o.service}-rpc`,
            maxReconnectAttempts: -1,
          },
          o.nats.namespace ?? '',
          o.nats.closeGraceMs,
        ),
      },
      { inheritAppConfig: true },
    );
  }
  await o.configure?.(app);
  app.enableShutdownHooks();
  // Every module's init and bootstrap hooks first (database, event consumers, keys): a request taken
  // from the queue group before that would wait on a process still starting, and could time out.
  await app.init();
  if (o.nats) await app.startAllMicroservices();
  await app.listen(o.http.port, o.http.host);
  o.logger.info({ port: o.http.port }, `${o.service} ready`);
  return app;
}

/** Last-resort handlers: log the kind of failure (never its data) and exit so the supervisor restarts us. */
export function exitOnFatal(logger: Logger): void {
  process.on('unhandledRejection', (e) => {
    logger.fatal({ err: { type: (e as Error)?.name } }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (e) => {
    logger.fatal({ err: { type: e?.name } }, 'uncaught exception');
    process.exit(1);
  });
}
