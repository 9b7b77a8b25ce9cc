import type { MigrationInterface, QueryRunner } from 'typeorm';

export class MentalHealthSchema1764202000000 implements MigrationInterface {
  name = 'MentalHealthSchema1764202000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE known_to_services_check (
        id           uuid PRIMARY KEY,
        case_id      uuid NOT NULL,
        person_id    uuid NOT NULL,
        status       text NOT NULL,
        answer       text,
        requested_at timestamptz NOT NULL,
        answered_at  timestamptz,
        version      integer NOT NULL,
        UNIQUE (case_id, person_id)
      )`);
    await q.query(`CREATE INDEX known_to_services_check_open ON known_to_services_check (requested_at) WHERE status = 'REQUESTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_to_services_check`);
  }
}
