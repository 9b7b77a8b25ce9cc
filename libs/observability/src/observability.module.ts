import { Controller, Get, Header, Inject, Module, type DynamicModule, type Provider } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Logger } from 'pino';
import { ServiceMetrics } from './metrics';

export const LOGGER = Symbol('LOGGER');
/** Readiness probes contributed by other modules (database, bus). */
export interface ReadinessProbe {
  readonly key: string;
  /**
   * Resolves when healthy, optionally with operator-facing details shown beside `status: up` (no
   * personal data); rejects with a short operator-facing reason otherwise.
   */
  check(): Promise<void | Record<string, unknown>>;
}
export const READINESS_PROBES = Symbol('READINESS_PROBES');

@Controller()
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get('health/live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('health/ready')
  @HealthCheck()
  ready() {
    return this.health.check(
      this.probes.map((p) => async (): Promise<HealthIndicatorResult> => {
        const session = this.indicators.check(p.key);
        try {
          const details = await withTimeout(p.check(), 2000);
          return details ? session.up(details) : session.up();
        } catch (e) {
          return session.down({ message: e instanceof Error ? e.message : 'unavailable' });
        }
      }),
    );
  }
}

@Controller()
class MetricsController {
  constructor(private readonly metrics: ServiceMetrics) {}
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  async scrape() {
    return this.metrics.registry.metrics();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]);
}

export interface ObservabilityOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  /** Providers of ReadinessProbe, collected into READINESS_PROBES. */
  probes: Provider[];
  probeTokens: unknown[];
  imports?: DynamicModule['imports'];
}

/** Logger, metrics, `/health/live`, `/health/ready` and `/metrics` for one service. */
@Module({})
export class ObservabilityModule {
  static forService(opts: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      imports: [TerminusModule.forRoot({ logger: false }), ...(opts.imports ?? [])],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: LOGGER, useValue: opts.logger },
        { provide: ServiceMetrics, useValue: opts.metrics },
        ...opts.probes,
        {
          provide: READINESS_PROBES,
          useFactory: (...probes: ReadinessProbe[]) => probes,
          inject: opts.probeTokens as never[],
        },
      ],
      exports: [LOGGER, ServiceMetrics],
    };
  }
}
