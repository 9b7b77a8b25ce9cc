import type { MigrationInterface, QueryRunner } from 'typeorm';
import { blockingKeys } from '../people/duplicate-matching';
import { dataKeyFromEnv } from '../people/data-key';

/**
 * The people register (domain.md §4 Person, DP-02): personal fields encrypted with the agency key, keyed
 * hash blocking keys for search and duplicate detection, duplicate candidates decided by a person, and
 * case roles with a history. Rows written before encryption are encrypted here (needs DATA_KEY) and the
 * plaintext columns dropped.
 */
export class PeopleRegister1764300000000 implements MigrationInterface {
  name = 'PeopleRegister1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE person
        ADD COLUMN identity_enc    bytea,
        ADD COLUMN identifiers_enc bytea,
        ADD COLUMN contact_enc     bytea,
        ADD COLUMN location_enc    bytea,
        ADD COLUMN version         integer NOT NULL DEFAULT 1,
        ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now()`);
    await q.query(`
      CREATE TABLE person_match_key (
        key       bytea NOT NULL,
        person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
        PRIMARY KEY (key, person_id)
      )`);
    await q.query(`CREATE INDEX person_match_key_person ON person_match_key (person_id)`);

    const legacy: { id: string; given_name: string | null; family_name: string | null; date_of_birth: string | null }[] =
      await q.query(
        `SELECT id, given_name, family_name, to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth FROM person
          WHERE given_name IS NOT NULL OR family_name IS NOT NULL OR date_of_birth IS NOT NULL`,
      );
    if (legacy.length) {
      const cipher = dataKeyFromEnv();
      for (const p of legacy) {
        const identity = { givenName: p.given_name, familyName: p.family_name, dateOfBirth: p.date_of_birth };
        await q.query('UPDATE person SET identity_enc = $2 WHERE id = $1', [p.id, cipher.seal(identity, p.id, 'identity')]);
        const keys = blockingKeys(identity, (l, v) => cipher.keyedHash(l, v));
        await q.query('INSERT INTO person_match_key (key, person_id) SELECT unnest($1::bytea[]), $2 ON CONFLICT DO NOTHING', [
          keys,
          p.id,
        ]);
      }
    }
    await q.query(`ALTER TABLE person DROP COLUMN given_name, DROP COLUMN family_name, DROP COLUMN date_of_birth`);

    await q.query(`
      CREATE TABLE duplicate_candidate (
        id           uuid PRIMARY KEY,
        person_id    uuid NOT NULL REFERENCES person (id),
        candidate_id uuid NOT NULL REFERENCES person (id),
        grade        text NOT NULL CHECK (grade IN ('LIKELY', 'POSSIBLE')),
        score        real NOT NULL,
        reasons      text[] NOT NULL,
        status       text NOT NULL CHECK (status IN ('OPEN', 'CONFIRMED', 'REJECTED')),
        detected_at  timestamptz NOT NULL,
        decided_at   timestamptz,
        decided_by   text,
        version      integer NOT NULL,
        CHECK (person_id <> candidate_id)
      )`);
    // One proposal per pair, whichever way round it was found.
    await q.query(
      `CREATE UNIQUE INDEX duplicate_candidate_pair ON duplicate_candidate (LEAST(person_id, candidate_id), GREATEST(person_id, candidate_id))`,
    );
    await q.query(`CREATE INDEX duplicate_candidate_person ON duplicate_candidate (person_id)`);
    await q.query(`CREATE INDEX duplicate_candidate_candidate ON duplicate_candidate (candidate_id)`);

    // Roles with a history: a surrogate key, at most one open row per (case, person, role).
    await q.query(`ALTER TABLE case_participant DROP CONSTRAINT case_participant_pkey`);
    await q.query(`ALTER TABLE case_participant ADD COLUMN id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY`);
    await q.query(
      `CREATE UNIQUE INDEX case_participant_open_role ON case_participant (case_id, person_id, role) WHERE valid_to IS NULL`,
    );
    await q.query(`CREATE INDEX case_participant_case ON case_participant (case_id, valid_to)`);
  }

  async down(): Promise<void> {
    throw new Error('PeopleRegister1764300000000 cannot be reverted: it would need to write personal data in plaintext');
  }
}
