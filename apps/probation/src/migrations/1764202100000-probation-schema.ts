import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProbationSchema1764202100000 implements MigrationInterface {
  name = 'ProbationSchema1764202100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE supervision_check (
        id                 uuid PRIMARY KEY,
        case_id            uuid NOT NULL,
        person_id          uuid NOT NULL,
        status             text NOT NULL,
        supervision_status text,
        requested_at       timestamptz NOT NULL,
        answered_at        timestamptz,
        version            integer NOT NULL,
        UNIQUE (case_id, person_id)
      )`);
    await q.query(`CREATE INDEX supervision_check_open ON supervision_check (requested_at) WHERE status = 'REQUESTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE supervision_check`);
  }
}
