import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '@stac/observability';

export interface CaseProbeSettings {
  /** 404s on case ids by one user within the window that raise the alert. */
  threshold: number;
  windowMs: number;
}

const CASE_ROUTE = /^\/api\/v1\/cases\/:caseId/;

/**
 * Repeated 404s on case ids by one user look like someone guessing ids (API-08): alert once per window
 * with the user's identity-provider subject (an opaque id) and the count — never the ids tried.
 */
export class CaseProbeDetector {
  private readonly misses = new Map<string, { count: number; since: number; alerted: boolean }>();

  constructor(
    private readonly settings: CaseProbeSettings,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
    private readonly now: () => number = Date.now,
  ) {}

  onResponse(req: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode !== 404 || !req.principal || !CASE_ROUTE.test(req.routeOptions?.url ?? '')) return;
    const key = `${req.principal.issuer}#${req.principal.subject}`;
    const t = this.now();
    let entry = this.misses.get(key);
    if (!entry || t - entry.since > this.settings.windowMs) {
      entry = { count: 0, since: t, alerted: false };
      this.misses.set(key, entry);
    }
    entry.count += 1;
    if (entry.count >= this.settings.threshold && !entry.alerted) {
      entry.alerted = true;
      this.metrics.securityAlerts.inc({ kind: 'case-id-probing' });
      this.logger.warn(
        { alert: 'case-id-probing', issuer: req.principal.issuer, subject: req.principal.subject, agency: req.principal.agency, misses: entry.count, windowMs: this.settings.windowMs },
        'repeated 404s on case ids by one user',
      );
    }
    if (this.misses.size > 10_000) this.prune(t);
  }

  private prune(t: number): void {
    for (const [k, v] of this.misses) if (t - v.since > this.settings.windowMs) this.misses.delete(k);
  }
}
