import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { TokensModule } from '@stac/auth/tokens';
import type { Config, SERVICE_ENV } from '@stac/config';
import { ObservabilityModule, ServiceMetrics } from '@stac/observability';
import { busConnectionOptions, busCredentials, NamespacedNatsClient } from '@stac/rpc';
import { AuditController } from './audit/audit.controller';
import { CaseViewService } from './cases/case-view.service';
import { CasesController } from './cases/cases.controller';
import { OPERATIONS } from '@stac/contracts';
import { operationControllers } from './edge/operation-routes';
import { ServiceBulkheads } from './edge/bulkheads';
import { RPC_TIMEOUT_MS, SERVICES_CLIENT, ServiceClient } from './edge/service-client';

export type GatewayConfig = Config<(typeof SERVICE_ENV)['gateway']>;

const NATS_PROBE = Symbol('NATS_PROBE');

@Module({})
class ServiceClientModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ServiceClientModule,
      providers: [
        {
          provide: SERVICES_CLIENT,
          useFactory: () =>
            new NamespacedNatsClient(
              {
                // BUS-01: the gateway's own bus user, TLS and inbox prefix (only it may read its replies).
                ...busConnectionOptions(config.NATS_URL, 'gateway', config.NATS_NAMESPACE, busCredentials(config)),
                name: 'gateway',
                maxReconnectAttempts: -1,
              },
              config.NATS_NAMESPACE,
            ),
        },
        { provide: RPC_TIMEOUT_MS, useValue: config.RPC_TIMEOUT_MS },
        {
          provide: ServiceBulkheads,
          useValue: new ServiceBulkheads({
            concurrency: config.SERVICE_CONCURRENCY,
            queue: config.SERVICE_QUEUE,
            failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD,
            halfOpenAfterMs: config.CIRCUIT_HALF_OPEN_MS,
          }),
        },
        ServiceClient,
      ],
      exports: [ServiceClient],
    };
  }
}

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig, logger: Logger, metrics: ServiceMetrics): DynamicModule {
    const services = ServiceClientModule.forRoot(config);
    return {
      module: GatewayModule,
      imports: [
        TokensModule.forRoot({
            audience: config.AUTH_AUDIENCE,
            issuersJson: config.AUTH_ISSUERS,
            devIssuerDir: config.AUTH_DEV_ISSUER_DIR,
            devIssuerUrl: config.AUTH_DEV_ISSUER_URL,
            nodeEnv: config.NODE_ENV,
            tokenType: config.AUTH_TOKEN_TYPE,
            maxTokenAgeSeconds: config.AUTH_MAX_TOKEN_AGE_SECONDS,
          }),
        services,
        ObservabilityModule.forService({
          logger,
          metrics,
          imports: [services],
          metricsToken: config.METRICS_TOKEN,
          probes: [{ provide: NATS_PROBE, useFactory: (c: ServiceClient) => c.probe(), inject: [ServiceClient] }],
          probeTokens: [NATS_PROBE],
        }),
      ],
      controllers: [...operationControllers(OPERATIONS), CasesController, AuditController],
      providers: [CaseViewService],
    };
  }
}
