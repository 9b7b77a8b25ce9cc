import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Worklist lookups: a case officer's assignments, and consultation actions by case. */
export class WorklistIndexes1764400200000 implements MigrationInterface {
  name = 'WorklistIndexes1764400200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX case_relationship_assignee ON case_relationship (agency, subject) WHERE kind = 'ASSIGNMENT'`);
    await q.query(`CREATE INDEX consultation_action_case ON consultation_action (case_id)`);
    await q.query(`CREATE INDEX protective_order_case_status ON protective_order (case_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX protective_order_case_status`);
    await q.query(`DROP INDEX consultation_action_case`);
    await q.query(`DROP INDEX case_relationship_assignee`);
  }
}
