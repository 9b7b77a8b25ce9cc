import './tracing';
import 'reflect-metadata';
import { loadConfigOrExit, SERVICE_ENV, withConfigErrorsFatal } from '@stac/config';
import { createLogger, ServiceMetrics } from '@stac/observability';
import { exitOnFatal, startService } from '@stac/rpc';
import { configureEdge } from './edge/configure-edge';
import { GatewayModule } from './gateway.module';

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
    configure: (app) => configureEdge(app, metrics, { rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE }),
  });
}

void withConfigErrorsFatal(main);
