import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The bail return date while a suspect is on pre-charge bail: a clock for the lead (domain.md §6.3). */
export class BailReturn1764400300000 implements MigrationInterface {
  name = 'BailReturn1764400300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stalking_case ADD COLUMN bail_return_at timestamptz`);
    await q.query(`CREATE INDEX stalking_case_bail_return ON stalking_case (bail_return_at) WHERE cj_stage = 'BAILED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX stalking_case_bail_return`);
    await q.query(`ALTER TABLE stalking_case DROP COLUMN bail_return_at`);
  }
}
