import type { MigrationInterface, QueryRunner } from 'typeorm';
import { blockingKeys } from '../people/duplicate-matching';
import { dataKeyFromEnv } from '../people/data-key';
import type { PersonalDataCipher } from '../people/personal-data-cipher';

const BATCH = 1000;

/**
 * Previous names and aliases of a person (maiden name, deed poll), encrypted like the current name, and
 * the match keys of every person derived again: names in other scripts now transliterate instead of
 * folding to nothing, and there are keys for given-name variants, changed family names and consonant
 * skeletons. Needs DATA_KEY when people exist (the keys are keyed hashes of decrypted names).
 */
export class PersonOtherNames1796082700000 implements MigrationInterface {
  name = 'PersonOtherNames1796082700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE person ADD COLUMN other_names_enc bytea`);
    const [{ n }]: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM person WHERE identity_enc IS NOT NULL OR identifiers_enc IS NOT NULL`);
    if (n === 0) return;
    const cipher = dataKeyFromEnv();
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null }[] = await q.query(
        `SELECT id, identity_enc, identifiers_enc FROM person WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      await rekey(q, cipher, rows);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // The new keys stay (they only widen candidate lookup); previous names are lost with the column.
    await q.query(`ALTER TABLE person DROP COLUMN other_names_enc`);
  }
}

async function rekey(q: QueryRunner, cipher: PersonalDataCipher, rows: { id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null }[]) {
  const ids: string[] = [];
  const keys: Buffer[] = [];
  for (const r of rows) {
    const identity = r.identity_enc ? cipher.open<{ givenName: string | null; familyName: string | null; dateOfBirth: string | null }>(r.identity_enc, r.id, 'identity') : {};
    const identifiers = r.identifiers_enc ? cipher.open<{ kind: string; value: string }[]>(r.identifiers_enc, r.id, 'identifiers') : [];
    for (const k of blockingKeys({ ...identity, identifiers }, (l, v) => cipher.keyedHash(l, v))) {
      ids.push(r.id);
      keys.push(k);
    }
  }
  await q.query(`DELETE FROM person_match_key WHERE person_id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
  await q.query(`INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($1::bytea[], $2::uuid[]) ON CONFLICT DO NOTHING`, [keys, ids]);
}
