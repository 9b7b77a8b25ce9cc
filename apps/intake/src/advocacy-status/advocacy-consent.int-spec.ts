import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { VictimConsentChangedV1 } from '@stac/contracts';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { INTAKE } from '../intake.module';
import { AdvocacyConsentStatuses } from './advocacy-consent.service';

jest.setTimeout(60_000);

describe('intake: the victim’s consent to advocacy from advocacy.victim.consent-changed.v1 (real Postgres)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const statuses = new AdvocacyConsentStatuses();

  const deliver = (caseId: string, info: Partial<VictimConsentChangedV1>) =>
    ds.transaction((manager) => {
      const id = randomUUID();
      return statuses.onConsentChanged({ offerId: randomUUID(), scope: [], ...info } as VictimConsentChangedV1, {
        manager,
        envelope: { id, eventType: 'advocacy.victim.consent-changed', version: 1, occurredAt: new Date().toISOString(), producer: 'advocacy', caseId, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-consent',
        causationId: id,
      });
    });

  beforeAll(async () => {
    db = await createTestDatabase('intake-advocacy-consent');
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: allMigrations(INTAKE), applicationName: 'int' }));
    ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: [], applicationName: 'int' }));
    await ds.initialize();
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('§6.6: keeps the latest state by the charity’s sequence; a late older change is ignored; a case with none shows null', async () => {
    const caseId = randomUUID();
    expect(await statuses.forCase(ds.manager, caseId)).toBeNull();
    await deliver(caseId, { change: 'GIVEN', state: 'GIVEN', scope: ['police'], sequence: 1, changedAt: '2026-11-02T09:00:00.000Z' });
    await deliver(caseId, { change: 'WITHDRAWN', state: 'WITHDRAWN', scope: [], sequence: 3, changedAt: '2026-11-04T09:00:00.000Z' });
    await deliver(caseId, { change: 'NARROWED', state: 'GIVEN', scope: ['police'], sequence: 2, changedAt: '2026-11-03T09:00:00.000Z' }); // late
    expect(await statuses.forCase(ds.manager, caseId)).toEqual({ state: 'WITHDRAWN', scope: [], changedAt: '2026-11-04T09:00:00.000Z' });
  });
});
