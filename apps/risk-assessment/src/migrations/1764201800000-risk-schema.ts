import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RiskSchema1764201800000 implements MigrationInterface {
  name = 'RiskSchema1764201800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE screening_task (
        id         uuid PRIMARY KEY,
        case_id    uuid NOT NULL UNIQUE,
        victim_id  uuid NOT NULL,
        status     text NOT NULL,
        instrument text NOT NULL,
        reason     text NOT NULL,
        due_at     timestamptz NOT NULL,
        opened_at  timestamptz NOT NULL,
        version    integer NOT NULL
      )`);
    await q.query(`CREATE INDEX screening_task_open_due ON screening_task (due_at) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE screening_task`);
  }
}
