import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

export interface RetentionOptions {
  /** Published outbox rows older than this are deleted; until then `events:reconcile` can re-publish them. */
  outboxRetentionDays: number;
  /**
   * Inbox rows older than this are deleted. Keep it at least as long as an event can still be
   * delivered again (the stream's max age, the outbox retention): the inbox is what makes a late
   * redelivery harmless.
   */
  inboxRetentionDays: number;
  /** Rows deleted per statement, so pruning never holds long locks. */
  batchSize?: number;
}

export interface PruneResult {
  outbox: number;
  inbox: number;
}

async function deleteInBatches(ds: DataSource, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const rows: unknown[] = await ds.query(sql, params);
    // node-postgres via TypeORM answers [rows, count] for DELETE ... RETURNING.
    const n = Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : rows.length;
    total += n;
    if (n < (params[params.length - 1] as number)) return total;
  }
}

/** Deletes published outbox rows and inbox rows past their retention; unpublished outbox rows are never touched. */
export async function pruneMessagingTables(ds: DataSource, o: RetentionOptions): Promise<PruneResult> {
  const batch = o.batchSize ?? 5000;
  const outbox = await deleteInBatches(
    ds,
    `DELETE FROM outbox WHERE seq IN (
       SELECT seq FROM outbox WHERE published_at IS NOT NULL AND published_at < now() - make_interval(days => $1) LIMIT $2
     ) RETURNING seq`,
    [o.outboxRetentionDays, batch],
  );
  const inbox = await deleteInBatches(
    ds,
    `DELETE FROM inbox WHERE (consumer, event_id) IN (
       SELECT consumer, event_id FROM inbox WHERE handled_at < now() - make_interval(days => $1) LIMIT $2
     ) RETURNING event_id`,
    [o.inboxRetentionDays, batch],
  );
  return { outbox, inbox };
}

/** Prunes on a timer; a failure (database down) is logged and retried at the next tick. */
export class MessagingPruner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly ds: DataSource,
    private readonly o: RetentionOptions & { intervalMs: number; logger: Logger },
  ) {}

  start(): void {
    if (this.o.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.tick().finally(() => (this.running = undefined));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const r = await pruneMessagingTables(this.ds, this.o);
      if (r.outbox || r.inbox) this.o.logger.info({ pruned: r }, 'outbox and inbox pruned');
    } catch (e) {
      this.o.logger.warn(
        { err: { type: (e as Error)?.name, code: (e as { code?: string })?.code } },
        'outbox and inbox pruning failed; will retry',
      );
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
