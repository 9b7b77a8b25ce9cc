import type { MigrationInterface, QueryRunner } from 'typeorm';
import { blockingKeys, type OtherPersonName } from '../people/duplicate-matching';
import { dataKeyFromEnv } from '../people/data-key';

const BATCH = 1000;

/**
 * The match keys of people with a Greek name derived again: the name fold now writes Greek ου as 'ou'
 * (ELOT 743, as passports do: Παπαδόπουλος = Papadopoulos) where it wrote 'oy'. Only the people whose
 * keys can change are touched (a Greek letter in no name means the same keys), found by decrypting
 * in batches, so it needs DATA_KEY when people exist. Previous names and aliases get their keys too.
 */
export class PersonMatchKeysGreek1796221000000 implements MigrationInterface {
  name = 'PersonMatchKeysGreek1796221000000';

  async up(q: QueryRunner): Promise<void> {
    const [{ n }]: { n: number }[] = await q.query(`SELECT count(*)::int AS n FROM person WHERE identity_enc IS NOT NULL OR other_names_enc IS NOT NULL`);
    if (n === 0) return;
    const cipher = dataKeyFromEnv();
    const hash = (l: string, v: string) => cipher.keyedHash(l, v);
    const greek = /\p{Script=Greek}/u;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows: { id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null; other_names_enc: Buffer | null }[] = await q.query(
        `SELECT id, identity_enc, identifiers_enc, other_names_enc FROM person WHERE id > $1 ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const ids: string[] = [];
      const keys: Buffer[] = [];
      for (const r of rows) {
        const identity = r.identity_enc
          ? cipher.open<{ givenName: string | null; familyName: string | null; dateOfBirth: string | null }>(r.identity_enc, r.id, 'identity')
          : { givenName: null, familyName: null, dateOfBirth: null };
        const otherNames = r.other_names_enc ? cipher.open<OtherPersonName[]>(r.other_names_enc, r.id, 'other_names') : [];
        const names = [identity.givenName, identity.familyName, ...otherNames.flatMap((o) => [o.givenName, o.familyName])];
        if (!names.some((x) => x && greek.test(x))) continue;
        const identifiers = r.identifiers_enc ? cipher.open<{ kind: string; value: string }[]>(r.identifiers_enc, r.id, 'identifiers') : [];
        for (const k of blockingKeys({ ...identity, identifiers, otherNames }, hash)) {
          ids.push(r.id);
          keys.push(k);
        }
      }
      if (ids.length === 0) continue;
      await q.query(`DELETE FROM person_match_key WHERE person_id = ANY($1::uuid[])`, [[...new Set(ids)]]);
      await q.query(`INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($1::bytea[], $2::uuid[]) ON CONFLICT DO NOTHING`, [keys, ids]);
    }
  }

  async down(): Promise<void> {
    // The keys derived again stay: the fold they come from is the code's, not the schema's.
  }
}
