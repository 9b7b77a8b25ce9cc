import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ensureDevIssuerKeys } from '@stac/auth';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import type { VictimSituationChangedV1 } from '@stac/contracts';
import { createLogger } from '@stac/observability';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, Clock, domainServiceModule, FixedClock } from '@stac/runtime';
import { createTestDatabase, deleteNamespaceStreams, TEST_NATS_URL, testStreamEnv, type TestDatabase } from '@stac/testing';
import { RISK_ASSESSMENT } from '../risk-assessment.module';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';
import { VictimSituationTrigger } from './victim-situation-trigger';

jest.setTimeout(60_000);

describe('risk-assessment: advocacy.victim.situation-changed.v1 opens a VICTIM_MOVED re-assessment (real Postgres)', () => {
  let db: TestDatabase;
  // Its own event streams (deleted at the end), so runs never share durable consumers.
  const streams = testStreamEnv();
  let app: TestingModule;
  let ds: DataSource;
  // Friday 4 December 2026, 10:00 GMT: 3 working days later is Wednesday 9 December.
  const clock = new FixedClock(new Date('2026-12-04T10:00:00.000Z'));

  beforeAll(async () => {
    db = await createTestDatabase('risk-victim-moved');
    const issuerDir = mkdtempSync(join(tmpdir(), 'risk-moved-'));
    await ensureDevIssuerKeys(issuerDir);
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: allMigrations(RISK_ASSESSMENT), applicationName: 'int' }));
    const config = loadConfig(SERVICE_ENV['risk-assessment'], {
      DATABASE_URL: db.url,
      NATS_URL: TEST_NATS_URL,
      ...streams,
      AUTH_DEV_ISSUER_DIR: issuerDir,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '60000',
    });
    app = await Test.createTestingModule({ imports: [domainServiceModule(RISK_ASSESSMENT, config, createLogger('risk-assessment', 'silent'))] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await app.init();
    ds = app.get(DataSource);
  });

  afterAll(async () => {
    await app?.close();

    await deleteNamespaceStreams(TEST_NATS_URL, streams.NATS_NAMESPACE);
    await db?.drop();
  });

  it('§4 re-assessment triggers: a victim who moved opens an OPEN VICTIM_MOVED task for the police, due in 3 working days; a redelivery adds nothing', async () => {
    const caseId: string = randomUUID();
    const eventId = randomUUID();
    const deliver = () =>
      ds.transaction((manager) =>
        app.get(VictimSituationTrigger).onVictimSituationChanged({ changeId: randomUUID(), change: 'MOVED', changedAt: clock.now().toISOString() } as VictimSituationChangedV1, {
          manager,
          envelope: { id: eventId, eventType: 'advocacy.victim.situation-changed', version: 1, occurredAt: clock.now().toISOString(), producer: 'advocacy', caseId, aggregateVersion: 1, additionalInformation: {} },
          correlationId: 'corr-moved',
          causationId: eventId,
        }),
      );
    await deliver();
    await deliver();
    const tasks = await app.get(ScreeningTasksService).forCase(caseId);
    expect(tasks).toEqual([expect.objectContaining({ reason: 'VICTIM_MOVED', status: 'OPEN', ownerAgency: 'police', dueAt: '2026-12-09T10:00:00.000Z' })]);
  });
});
