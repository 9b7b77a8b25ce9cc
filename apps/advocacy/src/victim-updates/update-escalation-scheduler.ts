import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '@stac/observability';
import { AdvocacySettings } from '../advocacy-settings';
import { VictimUpdatesService } from './victim-updates.service';

/**
 * Runs the escalation scan on a timer (UPDATE_ESCALATION_SCAN_SECONDS; 0 = off) so an update obligation
 * past its due time is announced (`advocacy.victim.update-overdue.v1`) without anyone pressing a button
 * (domain.md §6.3: deadlines are clocks with owners and escalation). Every instance may run it: rows are
 * claimed with SKIP LOCKED and each obligation is escalated once.
 */
@Injectable()
export class UpdateEscalationScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly updates: VictimUpdatesService,
    private readonly settings: AdvocacySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.escalationScanMs === 0) return;
    this.timer = setInterval(() => void this.scanOnce(), this.settings.escalationScanMs);
    this.timer.unref();
  }

  async scanOnce(): Promise<void> {
    if (this.running) return;
    const correlationId = randomUUID();
    this.running = this.updates
      .escalateOverdue({ correlationId })
      .then((r) => r.escalated && this.logger.info({ ...r, correlationId }, 'update escalation scan'))
      .catch((e: unknown) => this.logger.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code }, correlationId }, 'update escalation scan failed'))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
