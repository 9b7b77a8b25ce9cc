import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { NestPinoLogger } from '@stac/observability';
import { ProblemFilter } from './problem.filter';
import { NamespacedNatsServer } from './namespaced-nats';

export interface StartServiceOptions {
  service: string;
  module: DynamicModule;
  logger: Logger;
  http: { host: string; port: number; bodyLimit?: number };
  /** When set, the service also answers request/reply on NATS in a queue group named after it. */
  nats?: { url: string; namespace?: string };
  /** Gateway-only HTTP setup (validation, filters, docs) before listening. */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Boots one service: Nest on Fastify, optional NATS request/reply transport, pino logging and
 * graceful shutdown on SIGTERM/SIGINT (stop consumers, drain NATS, close pools).
 */
export async function startService(o: StartServiceOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    o.module,
    new FastifyAdapter({ logger: false, bodyLimit: o.http.bodyLimit ?? 65536, trustProxy: false }),
    { logger: new NestPinoLogger(o.logger), abortOnError: false },
  );
  app.useGlobalFilters(new ProblemFilter(o.logger));
  if (o.nats) {
    app.connectMicroservice<MicroserviceOptions>(
      {
        strategy: new NamespacedNatsServer(
          { servers: o.nats.url.split(','), queue: o.service, name: `${o.service}-rpc`, maxReconnectAttempts: -1 },
          o.nats.namespace ?? '',
        ),
      },
      { inheritAppConfig: true },
    );
  }
  await o.configure?.(app);
  app.enableShutdownHooks();
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
