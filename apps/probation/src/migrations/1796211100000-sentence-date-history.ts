import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sentence, release and licence dates keep their history: every change of the dates is a row with the
 * dates as they became, which of them changed, who changed them and when, so earlier values stay
 * retrievable. Dates recorded before this migration get one row: their current values, as last set.
 */
export class SentenceDateHistory1796211100000 implements MigrationInterface {
  name = 'SentenceDateHistory1796211100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sentence_dates_change (
        case_id          uuid NOT NULL,
        version          integer NOT NULL,
        custody_start    date,
        expected_release date,
        actual_release   date,
        licence_end      date,
        supervision_end  date,
        changed_fields   text[] NOT NULL,
        changed_by       text NOT NULL,
        changed_at       timestamptz NOT NULL,
        PRIMARY KEY (case_id, version)
      )`);
    await q.query(`
      INSERT INTO sentence_dates_change (case_id, version, custody_start, expected_release, actual_release, licence_end, supervision_end, changed_fields, changed_by, changed_at)
      SELECT case_id, version, custody_start, expected_release, actual_release, licence_end, supervision_end,
             array_remove(ARRAY[
               CASE WHEN custody_start IS NOT NULL THEN 'custodyStart' END,
               CASE WHEN expected_release IS NOT NULL THEN 'expectedRelease' END,
               CASE WHEN actual_release IS NOT NULL THEN 'actualRelease' END,
               CASE WHEN licence_end IS NOT NULL THEN 'licenceEnd' END,
               CASE WHEN supervision_end IS NOT NULL THEN 'supervisionEnd' END], NULL),
             updated_by, updated_at
        FROM sentence_dates`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sentence_dates_change`);
  }
}
