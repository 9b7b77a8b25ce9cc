import { Writable } from 'node:stream';
import { createLogger, ServiceMetrics } from '@stac/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CaseProbeDetector } from './case-probe-detector';

function setup() {
  const lines: string[] = [];
  const logger = createLogger('gateway', 'info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  const metrics = new ServiceMetrics('gateway');
  let t = 0;
  const detector = new CaseProbeDetector({ threshold: 3, windowMs: 60_000 }, logger, metrics, () => t);
  const req = (subject: string, url = '/api/v1/cases/:caseId') =>
    ({ principal: { issuer: 'https://idp/police', subject, agency: 'police', roles: [] }, routeOptions: { url } }) as unknown as FastifyRequest;
  const miss = { statusCode: 404 } as FastifyReply;
  return { lines, metrics, detector, req, miss, advance: (ms: number) => (t += ms) };
}

describe('API-08: repeated 404s on case ids alert', () => {
  it('alerts once when one user reaches the threshold within the window, naming no case id', async () => {
    const { lines, metrics, detector, req, miss } = setup();
    for (let i = 0; i < 5; i++) detector.onResponse(req('mallory'), miss);
    detector.onResponse(req('alice'), miss);
    const alerts = lines.filter((l) => l.includes('case-id-probing'));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('"subject":"mallory"');
    expect(await metrics.registry.getSingleMetricAsString('stac_security_alerts_total')).toMatch(/stac_security_alerts_total\{kind="case-id-probing",service="gateway"\} 1/);
  });

  it('does not count other routes, other statuses or misses spread beyond the window', () => {
    const { lines, detector, req, miss, advance } = setup();
    detector.onResponse(req('bob', '/api/v1/referrals'), miss);
    detector.onResponse(req('bob'), { statusCode: 403 } as FastifyReply);
    for (let i = 0; i < 4; i++) {
      detector.onResponse(req('bob'), miss);
      advance(40_000);
    }
    expect(lines.filter((l) => l.includes('case-id-probing'))).toHaveLength(0);
  });
});
