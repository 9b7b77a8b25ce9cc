import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Partner agencies' answers to the known-to-services checks (status and contact route only), shown on the case. */
export class PartnerCheckAnswers1764810000000 implements MigrationInterface {
  name = 'PartnerCheckAnswers1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner_check_answer (
        case_id         uuid NOT NULL,
        agency          text NOT NULL,
        check_id        uuid NOT NULL,
        answer          text NOT NULL,
        contact_route   text NOT NULL,
        answered_at     timestamptz NOT NULL,
        source_event_id uuid NOT NULL,
        PRIMARY KEY (case_id, agency)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE partner_check_answer`);
  }
}
