import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The victim's current consent to advocacy as the charity announced it (`advocacy.victim.consent-changed.v1`): codes only. */
export class AdvocacyConsent1796110000000 implements MigrationInterface {
  name = 'AdvocacyConsent1796110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_advocacy_consent (
        case_id    uuid PRIMARY KEY,
        state      text NOT NULL CHECK (state IN ('GIVEN', 'WITHDRAWN', 'DECLINED', 'LAWFUL_OVERRIDE')),
        scope      text[] NOT NULL,
        sequence   integer NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_advocacy_consent`);
  }
}
