import './tracing';
import 'reflect-metadata';
import { loadConfigOrExit, SERVICE_ENV, withConfigErrorsFatal } from '@stac/config';
import { createLogger, ServiceMetrics } from '@stac/observability';
import { exitOnFatal, startService } from '@stac/rpc';
import { configureEdge } from './edge/configure-edge';
import { GatewayModule } from './gateway.module';
import { ServiceClient } from './edge/service-client';
import { SharedRateLimiter } from './edge/shared-rate-limit';

async function main() {
  const config = loadConfigOrExit(SERVICE_ENV.gateway);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  exitOnFatal(logger);
  const metrics = new ServiceMetrics('gateway');
  await startService({
    service: 'gateway',
    module: GatewayModule.forRoot(config, logger, metrics),
    logger,
    http: { host: config.HTTP_HOST, port: config.HTTP_PORT, bodyLimit: config.BODY_LIMIT_BYTES },
    configure: (app) =>
      configureEdge(app, metrics, {
        rateLimiter: new SharedRateLimiter(() => app.get(ServiceClient).connection(), {
          limit: config.RATE_LIMIT_PER_MINUTE,
          windowMs: 60_000,
          namespace: config.NATS_NAMESPACE,
          replicas: config.RATE_LIMIT_STREAM_REPLICAS,
          timeoutMs: Math.min(config.RPC_TIMEOUT_MS, 2000),
        }),
      }),
  });
}

void withConfigErrorsFatal(main);
