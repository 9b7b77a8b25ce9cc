import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sealAccessLog } from './access-log';

/** How soon a committed access-log row joins the hash chain. */
export const CHAIN_INTERVAL_MS = 250;

/**
 * Seals this service's access log in the background: rows are written lock-free with the change they
 * record and linked into the hash chain moments later, so accountability never serialises requests.
 */
@Injectable()
export class AccessLogChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sealNow(), CHAIN_INTERVAL_MS);
    this.timer.unref();
  }

  /** One pass (errors are retried on the next tick: the rows stay, unsealed, until then). */
  async sealNow(): Promise<void> {
    if (this.running || !this.dataSource.isInitialized) return;
    this.running = (async () => {
      while ((await sealAccessLog(this.dataSource)) > 0) {
        /* keep going while there is a backlog */
      }
    })().catch(() => undefined);
    await this.running;
    this.running = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
