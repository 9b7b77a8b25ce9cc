import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { systemPrincipal } from '@stac/auth';
import { LOGGER } from '@stac/observability';
import { ProbationSettings } from '../probation-settings';
import { SentenceService } from './sentence.service';

/**
 * Runs the release scan on a timer (RELEASE_SCAN_SECONDS; 0 = off) so releases and licence ends trigger
 * re-assessment on their day without anyone pressing a button (domain.md §6.3). Every instance may run
 * it: rows are claimed with SKIP LOCKED and each date is published once.
 */
@Injectable()
export class ReleaseScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly sentences: SentenceService,
    private readonly settings: ProbationSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.releaseScanMs === 0) return;
    this.timer = setInterval(() => void this.scanOnce(), this.settings.releaseScanMs);
    this.timer.unref();
  }

  async scanOnce(): Promise<void> {
    if (this.running) return;
    const correlationId = randomUUID();
    this.running = this.sentences
      .scan(systemPrincipal('probation', 'probation'), correlationId)
      .then((r) => (r.released || r.noticed || r.licencesEnded) && this.logger.info({ ...r, correlationId }, 'release scan'))
      .catch((e: unknown) => this.logger.warn({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code }, correlationId }, 'release scan failed'))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
