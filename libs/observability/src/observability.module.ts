import { timingSafeEqual } from 'node:crypto';
import {
  Controller,
  Get,
  Header,
  Headers,
  HttpException,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TerminusModule,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Logger } from 'pino';
import { ServiceMetrics } from './metrics';
import { flushTracing } from './spans';

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
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
    @Inject(LOGGER) private readonly logger: Logger,
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
          // The answer says only which dependency is down (API-09): an error message can name hosts, users
          // or paths. Operators get the error's code in the log.
          const err = e as { code?: string; name?: string };
          this.logger.warn({ probe: p.key, reason: err.code ?? err.name ?? 'unknown' }, 'readiness probe failed');
          return session.down();
        }
      }),
    );
  }
}

export const METRICS_TOKEN = Symbol('METRICS_TOKEN');

/**
 * Prometheus metrics. A service on the internal network serves them to its scraper; the gateway, the one
 * published process, only to a scraper presenting `Authorization: Bearer <METRICS_TOKEN>` (API-09), and
 * to nobody when no token is set: anyone else gets the same 404 as an unknown path.
 */
@Controller()
class MetricsController {
  constructor(
    private readonly metrics: ServiceMetrics,
    @Inject(METRICS_TOKEN) private readonly token: string | null,
  ) {}
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4')
  async scrape(@Headers('authorization') authorization?: string) {
    if (this.token !== null && !bearerMatches(authorization, this.token)) {
      throw new HttpException({ type: 'https://stac.example/problems/not-found', title: 'Not Found', status: 404, code: 'not-found' }, 404);
    }
    return this.metrics.registry.metrics();
  }
}

function bearerMatches(authorization: string | undefined, token: string): boolean {
  if (!token || !authorization?.startsWith('Bearer ')) return false;
  const given = Buffer.from(authorization.slice(7));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
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

/** Sends the last spans when the application has shut down (after consumers and relay have stopped). */
@Injectable()
class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}

export interface ObservabilityOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  /** Providers of ReadinessProbe, collected into READINESS_PROBES. */
  probes: Provider[];
  probeTokens: unknown[];
  imports?: DynamicModule['imports'];
  /** Set on a published process (the gateway): /metrics only with this bearer token ('' = to nobody). */
  metricsToken?: string;
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
        { provide: METRICS_TOKEN, useValue: opts.metricsToken ?? null },
        TracingFlush,
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
