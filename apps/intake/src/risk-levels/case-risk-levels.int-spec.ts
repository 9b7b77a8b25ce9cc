import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RiskLevelChangedV1 } from '@stac/contracts';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { INTAKE } from '../intake.module';
import { CaseRiskLevel } from './case-risk-level.entity';
import { CaseRiskLevels } from './case-risk-levels.service';

jest.setTimeout(60_000);

describe('intake: the case’s shared risk level from risk.level.changed.v1 (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const levels = new CaseRiskLevels();

  const deliver = (caseId: string, summaryVersion: number, info: Partial<RiskLevelChangedV1>, eventId = randomUUID()) =>
    ds.transaction((manager) =>
      levels.onRiskLevelChanged({ assessmentId: randomUUID(), ...info } as RiskLevelChangedV1, {
        manager,
        envelope: { id: eventId, eventType: 'risk.level.changed', version: 1, occurredAt: new Date().toISOString(), producer: 'risk-assessment', caseId, aggregateVersion: summaryVersion, additionalInformation: {} },
        correlationId: 'corr-risk-level',
        causationId: eventId,
      }),
    );

  beforeAll(async () => {
    db = await createTestDatabase('intake-risk-level');
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: allMigrations(INTAKE), applicationName: 'int' }));
    ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: [], applicationName: 'int' }));
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('records the first level and each newer change, with the event that set it', async () => {
    const caseId = randomUUID();
    await deliver(caseId, 1, { level: 'MEDIUM', changedAt: '2026-11-02T09:00:00.000Z' });
    const eventId = randomUUID();
    await deliver(caseId, 2, { previousLevel: 'MEDIUM', level: 'HIGH', changedAt: '2026-11-03T09:00:00.000Z' }, eventId);
    expect(await ds.manager.findOneByOrFail(CaseRiskLevel, { caseId })).toMatchObject({
      level: 'HIGH',
      changedAt: new Date('2026-11-03T09:00:00.000Z'),
      summaryVersion: 2,
      sourceEventId: eventId,
    });
  });

  it('an older change arriving after a newer one is ignored', async () => {
    const caseId = randomUUID();
    await deliver(caseId, 3, { previousLevel: 'HIGH', level: 'STANDARD', changedAt: '2026-11-05T09:00:00.000Z' });
    await deliver(caseId, 2, { previousLevel: 'MEDIUM', level: 'HIGH', changedAt: '2026-11-04T09:00:00.000Z' });
    expect(await ds.manager.findOneByOrFail(CaseRiskLevel, { caseId })).toMatchObject({ level: 'STANDARD', summaryVersion: 3 });
  });
});
