import { Inject, Injectable, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/nats-core';
import { NATS_CONNECTION } from '@stac/messaging';
import { LOGGER, ServiceMetrics } from '@stac/observability';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { sealAccessLog, type ChainAnchor, type ChainKey } from './access-log';
import { ensureAnchorStream, publishAnchor, signAnchor } from './access-log-anchor';

/**
 * How soon a committed access-log row joins the hash chain. A pass costs about seven round trips however
 * many rows it seals, so under load a longer interval seals more rows per pass (1 s: within a second or
 * two; `pnpm audit:verify` allows a minute before an unsealed row is a failure).
 */
export const CHAIN_INTERVAL_MS = 1000;
/** Rows sealed per pass; a full pass means a backlog, and the next pass follows at once. */
export const SEAL_BATCH = 1000;

export interface AccessLogSettings {
  service: string;
  /** AUDIT_CHAIN_KEY. */
  key: ChainKey;
  /** AUDIT_ANCHOR_INTERVAL_MS. */
  anchorIntervalMs: number;
  /** NATS_NAMESPACE of the anchor stream. */
  namespace: string;
}
export const ACCESS_LOG_SETTINGS = Symbol('ACCESS_LOG_SETTINGS');

type Stage = 'seal' | 'anchor';

/**
 * Seals this service's access log in the background: rows are written lock-free with the change they
 * record and linked into the keyed chain moments later, so accountability never serialises requests; and
 * anchors the chain head outside the database at an interval (LAW-07).
 *
 * A failing pass is retried on the next tick (the rows stay, unsealed, until then), and is never silent:
 * it is counted (stac_access_log_failures_total), logged with the error's code only (no row content) and
 * raises an alert line once per run of failures, so an operator hears of a sealer that stopped before
 * `audit:verify` reports unsealed rows as too old.
 */
@Injectable()
export class AccessLogChainer implements OnApplicationBootstrap, OnApplicationShutdown {
  private sealTimer?: NodeJS.Timeout;
  private anchorTimer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private anchoring?: Promise<unknown>;
  private lastAnchored?: string;
  private readonly failing: Record<Stage, number> = { seal: 0, anchor: 0 };

  constructor(
    private readonly dataSource: DataSource,
    @Inject(ACCESS_LOG_SETTINGS) private readonly settings: AccessLogSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
    @Optional() @Inject(NATS_CONNECTION) private readonly nc?: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.sealTimer = setInterval(() => void this.sealNow(), CHAIN_INTERVAL_MS);
    this.sealTimer.unref();
    this.anchorTimer = setInterval(() => void this.anchorNow(), this.settings.anchorIntervalMs);
    this.anchorTimer.unref();
  }

  /** One sealing pass; true when it succeeded. */
  async sealNow(): Promise<boolean> {
    if (this.running || !this.dataSource.isInitialized) return false;
    let ok = true;
    this.running = (async () => {
      // Rows committed during a pass wait for the next tick: only a full pass (a backlog) goes on at once.
      while ((await sealAccessLog(this.dataSource, this.settings.key, SEAL_BATCH)) >= SEAL_BATCH) {
        /* keep going while there is a backlog */
      }
    })().then(
      () => this.recovered('seal'),
      (e: unknown) => {
        ok = false;
        this.failed('seal', e);
      },
    );
    await this.running;
    this.running = undefined;
    return ok;
  }

  /** Publishes the chain head when it moved since the last anchor; true when nothing failed. */
  async anchorNow(): Promise<boolean> {
    if (this.anchoring || !this.dataSource.isInitialized || !this.nc || this.nc.isClosed()) return false;
    let ok = true;
    this.anchoring = (async () => {
      const [head] = (await this.dataSource.query(
        'SELECT chain_seq::text AS "chainSeq", hash FROM access_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1',
      )) as ChainAnchor[];
      if (!head || head.chainSeq === this.lastAnchored) return;
      await ensureAnchorStream(this.nc as NatsConnection, this.settings.namespace);
      await publishAnchor(this.nc as NatsConnection, signAnchor(this.settings.key, this.settings.service, head), this.settings.namespace);
      this.lastAnchored = head.chainSeq;
    })().then(
      () => this.recovered('anchor'),
      (e: unknown) => {
        ok = false;
        this.failed('anchor', e);
      },
    );
    await this.anchoring;
    this.anchoring = undefined;
    return ok;
  }

  private failed(stage: Stage, e: unknown): void {
    this.metrics.accessLogFailures.inc({ stage });
    // The code or class of the error only: a driver message may quote row values.
    const err = e as { code?: string; name?: string };
    const reason = err.code ?? err.name ?? 'unknown';
    this.logger.error({ stage, reason, failures: this.failing[stage] + 1 }, `access log ${stage} failed`);
    if (this.failing[stage] === 0) {
      this.metrics.securityAlerts.inc({ kind: `access-log-${stage}-failed` });
      this.logger.error({ alert: `access-log-${stage}-failed`, stage, reason }, `ALERT: access log ${stage} is failing`);
    }
    this.failing[stage]++;
  }

  private recovered(stage: Stage): void {
    if (this.failing[stage] > 0) this.logger.warn({ stage, failures: this.failing[stage] }, `access log ${stage} recovered`);
    this.failing[stage] = 0;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sealTimer);
    clearInterval(this.anchorTimer);
    await this.running;
    // A last seal and anchor, so a clean stop leaves nothing newer than the anchor.
    if (this.dataSource.isInitialized) {
      await this.sealNow();
      await this.anchorNow();
    }
  }
}
