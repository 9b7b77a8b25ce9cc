import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What partner agencies tell the multi-agency record: known-to-services check answers (thin: agency, answer
 * code, whether a contact route is on record) and the status of their interventions with the person of
 * concern (a case cannot close while one is active, domain.md §3 step 12).
 */
export class PartnerAnswers1764700200000 implements MigrationInterface {
  name = 'PartnerAnswers1764700200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner_check_answer (
        check_id                uuid PRIMARY KEY,
        case_id                 uuid NOT NULL,
        agency                  text NOT NULL,
        person_id               uuid NOT NULL,
        answer                  text NOT NULL,
        contact_route_available boolean NOT NULL,
        answered_at             timestamptz NOT NULL,
        source_event_id         uuid NOT NULL
      )`);
    await q.query(`CREATE INDEX partner_check_answer_case ON partner_check_answer (case_id)`);
    await q.query(`
      CREATE TABLE partner_intervention (
        intervention_id uuid PRIMARY KEY,
        case_id         uuid NOT NULL,
        agency          text NOT NULL,
        status          text NOT NULL,
        legal_basis     text NOT NULL,
        order_id        uuid,
        changed_at      timestamptz NOT NULL,
        source_version  integer NOT NULL
      )`);
    await q.query(`CREATE INDEX partner_intervention_case ON partner_intervention (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE partner_intervention`);
    await q.query(`DROP TABLE partner_check_answer`);
  }
}
