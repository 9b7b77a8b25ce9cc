import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KeyRing, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { INTAKE } from '../../apps/intake/src/intake.module';
import { PersonRecords } from '../../apps/intake/src/people/person-records';
import { PersonalDataCipher } from '../../apps/intake/src/people/personal-data-cipher';
import { reindexPersonMatchKeys } from '../../apps/intake/src/people/search-reindex';

jest.setTimeout(120_000);

/** A new INTAKE_SEARCH_KEY on a real, migrated intake database: the search keys derived again. */
describe('intake search key rotation (reindex)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const ring = KeyRing.generate(['k1']);
  const before = new PersonalDataCipher(ring, randomBytes(32));
  const after = new PersonalDataCipher(ring, randomBytes(32));
  const ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('reindex');
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: allMigrations(INTAKE), applicationName: 'reindex-int' }));
    ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: [], applicationName: 'reindex-int' }));
    await ds.initialize();
    const records = new PersonRecords(before);
    for (let i = 0; i < 45; i++) {
      const p = await records.create(ds.manager, {
        givenName: `Synthia${i}`,
        familyName: i === 7 ? 'Quenneville' : `Testperson${i}`,
        dateOfBirth: '1980-01-01',
        otherNames: i === 7 ? [{ kind: 'MAIDEN_NAME', familyName: 'Abernathy' }] : undefined,
        identityKnown: true,
      });
      ids.push(p.id);
    }
  });

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const search = async (cipher: PersonalDataCipher, q: object) =>
    (await new PersonRecords(cipher).candidates(ds.manager, q, { mode: 'search' })).map((c) => c.person.id);

  it('DP-02: after a new search key, a reindex derives every key again: found under the new key, no longer under the old; the data ciphertexts untouched', async () => {
    const sealedBefore = await ds.query(`SELECT id, identity_enc FROM person ORDER BY id`);
    expect(await search(before, { givenName: 'Synthia7', familyName: 'Quenneville' })).toEqual([ids[7]]);
    expect(await search(after, { givenName: 'Synthia7', familyName: 'Quenneville' })).toEqual([]);
    const keysBefore = (await ds.query(`SELECT count(*)::int AS n FROM person_match_key`))[0].n;

    const report = await reindexPersonMatchKeys(ds, after, { batchSize: 10 });

    expect(report).toEqual({ people: 45, keys: keysBefore });
    expect(await search(after, { givenName: 'Synthia7', familyName: 'Quenneville' })).toEqual([ids[7]]);
    expect(await search(after, { givenName: 'Synthia7', familyName: 'Abernathy' })).toEqual([ids[7]]);
    expect(await search(before, { givenName: 'Synthia7', familyName: 'Quenneville' })).toEqual([]);
    expect(await ds.query(`SELECT id, identity_enc FROM person ORDER BY id`)).toEqual(sealedBefore);
  });
});
