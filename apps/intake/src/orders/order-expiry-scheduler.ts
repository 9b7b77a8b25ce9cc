import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { systemPrincipal } from '@stac/auth';
import { LOGGER } from '@stac/observability';
import { OrdersService } from './orders.service';

/**
 * Runs the order expiry scan on a timer so `order.expiring` warnings and lapses happen without anyone
 * pressing a button (domain.md §6.3). Every instance may run it: rows are claimed with SKIP LOCKED and
 * each expiry is warned once, so concurrent scans never double-warn.
 * `ORDER_EXPIRY_SCAN_MINUTES` (default 60; 0 switches it off, e.g. when an external scheduler calls
 * POST /api/v1/orders/expiry-scan).
 */
@Injectable()
export class OrderExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly orders: OrdersService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static intervalMs(env: NodeJS.ProcessEnv = process.env): number {
    const raw = env.ORDER_EXPIRY_SCAN_MINUTES;
    const minutes = raw === undefined || raw === '' ? 60 : Number(raw);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) throw new Error('config: ORDER_EXPIRY_SCAN_MINUTES must be 0-1440');
    return minutes * 60_000;
  }

  onApplicationBootstrap(): void {
    const every = OrderExpiryScheduler.intervalMs();
    if (every === 0) return;
    this.timer = setInterval(() => void this.scanOnce(), every);
    this.timer.unref();
  }

  async scanOnce(): Promise<void> {
    if (this.running) return;
    const correlationId = randomUUID();
    this.running = this.orders
      .scanExpiring({ actor: systemPrincipal('intake', 'police'), correlationId })
      .then((r) => (r.warned || r.expired) && this.logger.info({ ...r, correlationId }, 'order expiry scan'))
      .catch((e: unknown) => this.logger.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code }, correlationId }, 'order expiry scan failed'))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
