import { Writable } from 'node:stream';
import { Test } from '@nestjs/testing';
import { createLogger } from './logger';
import { ServiceMetrics } from './metrics';
import { HealthController, ObservabilityModule, type ReadinessProbe } from './observability.module';

const PROBE = Symbol('PROBE');

it('API-09: readiness names the dependency that is down but never echoes its error message', async () => {
  const lines: string[] = [];
  const logger = createLogger('test', 'info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
  const failing: ReadinessProbe = {
    key: 'postgres',
    check: () =>
      Promise.reject(
        Object.assign(new Error('password authentication failed for user "stac_intake_app" at db.internal.example:5432'), {
          code: '28P01',
        }),
      ),
  };
  const moduleRef = await Test.createTestingModule({
    imports: [
      ObservabilityModule.forService({
        logger,
        metrics: new ServiceMetrics('test'),
        probes: [{ provide: PROBE, useValue: failing }],
        probeTokens: [PROBE],
      }),
    ],
  }).compile();
  let answer: unknown;
  try {
    await moduleRef.get(HealthController).ready();
  } catch (e) {
    answer = (e as { getResponse(): unknown }).getResponse();
  }
  expect(answer).toMatchObject({ status: 'error', error: { postgres: { status: 'down' } } });
  expect(JSON.stringify(answer)).not.toMatch(/password|stac_intake_app|db\.internal|5432/);
  // The operator finds the code in the log.
  expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
    expect.objectContaining({ probe: 'postgres', reason: '28P01', msg: 'readiness probe failed' }),
  );
  await moduleRef.close();
});
