import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CaseAccessGrants } from '@stac/auth';
import type { RiskLevelChangedV1 } from '@stac/contracts';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { Outbox } from '@stac/messaging';
import { allMigrations, FixedClock } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { ADVOCACY } from '../advocacy.module';
import { AdvocacyOffer } from './advocacy-offer.entity';
import { AdvocacyOffersService } from './advocacy-offers.service';
import { SafetyPlansService } from '../safety-plans/safety-plans.service';
import type { VictimSupportService } from '../victim-support/victim-support.service';

jest.setTimeout(60_000);

describe('advocacy: the offer’s priority from risk.level.changed.v1 (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let offers: AdvocacyOffersService;

  const deliver = (caseId: string, info: Partial<RiskLevelChangedV1>) =>
    ds.transaction((manager) =>
      offers.onRiskLevelChanged({ assessmentId: randomUUID(), ...info } as RiskLevelChangedV1, {
        manager,
        envelope: { id: randomUUID(), eventType: 'risk.level.changed', version: 1, occurredAt: new Date().toISOString(), producer: 'risk-assessment', caseId, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-risk-level',
        causationId: randomUUID(),
      }),
    );
  const openOffer = async (caseId: string) =>
    ds.manager.insert(AdvocacyOffer, { id: randomUUID(), caseId, victimId: randomUUID(), status: 'PENDING', openedAt: new Date(), version: 1 });

  beforeAll(async () => {
    db = await createTestDatabase('advocacy-priority');
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: ADVOCACY.entities, migrations: allMigrations(ADVOCACY), applicationName: 'int' }));
    ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: ADVOCACY.entities, migrations: [], applicationName: 'int' }));
    await ds.initialize();
    // The level handler never touches access grants.
    const clock = new FixedClock(new Date('2026-11-02T10:00:00Z'));
    offers = new AdvocacyOffersService(ds, {} as CaseAccessGrants, {} as VictimSupportService, new SafetyPlansService(ds, new Outbox('advocacy'), clock), clock);
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('HIGH -> URGENT, MEDIUM -> PRIORITY, STANDARD -> ROUTINE, shown in the case part; an older change is ignored', async () => {
    const caseId = randomUUID();
    await openOffer(caseId);
    expect(await offers.casePart(caseId)).toMatchObject({ status: 'PENDING', priority: null });
    await deliver(caseId, { level: 'HIGH', changedAt: '2026-11-02T09:00:00.000Z' });
    expect(await offers.casePart(caseId)).toMatchObject({ priority: 'URGENT' });
    await deliver(caseId, { previousLevel: 'HIGH', level: 'MEDIUM', changedAt: '2026-11-03T09:00:00.000Z' });
    expect(await offers.casePart(caseId)).toMatchObject({ priority: 'PRIORITY' });
    await deliver(caseId, { previousLevel: 'HIGH', level: 'STANDARD', changedAt: '2026-11-01T09:00:00.000Z' }); // late, older
    expect(await offers.casePart(caseId)).toMatchObject({ priority: 'PRIORITY' });
    await deliver(caseId, { previousLevel: 'MEDIUM', level: 'STANDARD', changedAt: '2026-11-04T09:00:00.000Z' });
    expect(await offers.casePart(caseId)).toMatchObject({ priority: 'ROUTINE' });
  });

  it('a level that arrives before the offer opens is kept and shown once it does; a case never referred to advocacy shows nothing', async () => {
    const caseId = randomUUID();
    await deliver(caseId, { level: 'HIGH', changedAt: '2026-11-02T09:00:00.000Z' });
    expect(await offers.casePart(caseId)).toBeNull();
    await openOffer(caseId);
    expect(await offers.casePart(caseId)).toMatchObject({ status: 'PENDING', priority: 'URGENT' });
  });
});
