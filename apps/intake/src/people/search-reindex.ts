import type { DataSource } from 'typeorm';
import { blockingKeys, type OtherPersonName } from './duplicate-matching';
import type { PersonalDataCipher } from './personal-data-cipher';

export interface ReindexReport {
  people: number;
  keys: number;
}

type Identity = { givenName: string | null; familyName: string | null; dateOfBirth: string | null };

/**
 * A new INTAKE_SEARCH_KEY (DP-02): every person's name-search and duplicate-matching keys derived again
 * from the decrypted names under the cipher's search key, replacing the old ones. Keyset-paged batches,
 * each one transaction that locks its people, so a concurrent change of a name waits for it and is then
 * indexed by the service itself. Searches are complete again once every instance runs with the new key
 * and this has finished: run it with the service stopped, or accept that searches miss people meanwhile
 * (docs/operations.md "Rotate a search key").
 */
export async function reindexPersonMatchKeys(
  ds: DataSource,
  cipher: PersonalDataCipher,
  o: { batchSize?: number; onBatch?: (r: ReindexReport) => void } = {},
): Promise<ReindexReport> {
  const batchSize = o.batchSize ?? 200;
  const hash = (l: string, v: string) => cipher.keyedHash(l, v);
  const report: ReindexReport = { people: 0, keys: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const n = await ds.transaction(async (m) => {
      const rows: { id: string; identity_enc: Buffer | null; identifiers_enc: Buffer | null; other_names_enc: Buffer | null }[] = await m.query(
        `SELECT id, identity_enc, identifiers_enc, other_names_enc FROM person WHERE id > $1 ORDER BY id LIMIT $2 FOR UPDATE`,
        [after, batchSize],
      );
      if (!rows.length) return 0;
      after = rows[rows.length - 1].id;
      const ids: string[] = [];
      const keys: Buffer[] = [];
      for (const r of rows) {
        const identity = r.identity_enc ? cipher.open<Identity>(r.identity_enc, r.id, 'identity') : { givenName: null, familyName: null, dateOfBirth: null };
        const identifiers = r.identifiers_enc ? cipher.open<{ kind: string; value: string }[]>(r.identifiers_enc, r.id, 'identifiers') : [];
        const otherNames = r.other_names_enc ? cipher.open<OtherPersonName[]>(r.other_names_enc, r.id, 'other_names') : [];
        for (const k of blockingKeys({ ...identity, identifiers, otherNames }, hash)) {
          ids.push(r.id);
          keys.push(k);
        }
      }
      await m.query(`DELETE FROM person_match_key WHERE person_id = ANY($1::uuid[])`, [rows.map((r) => r.id)]);
      await m.query(`INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($1::bytea[], $2::uuid[]) ON CONFLICT DO NOTHING`, [keys, ids]);
      report.keys += keys.length;
      return rows.length;
    });
    if (!n) break;
    report.people += n;
    o.onBatch?.(report);
    if (n < batchSize) break;
  }
  return report;
}
