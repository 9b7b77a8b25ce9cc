import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The S-DASH gateway question can open a DASH task (domestic context, domain.md §3 D8):
 * - `risk_case_context` keeps the coded context risk needs from `intake.case.referred.v1` (whether the
 *   case was flagged domestic); cases referred before this migration have no row and read as not domestic.
 * - A DASH task is its own task beside the agency's open re-assessment: the one-open-re-assessment
 *   index leaves it out, and a second index keeps one open DASH task per case and agency.
 * Reviewed SQL: never edit after landing.
 */
export class DashGatewayTasks1796082666920 implements MigrationInterface {
  name = 'DashGatewayTasks1796082666920';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE risk_case_context (
        case_id     uuid PRIMARY KEY,
        domestic    boolean NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(`DROP INDEX screening_task_one_open_reassessment`);
    await q.query(`CREATE UNIQUE INDEX screening_task_one_open_reassessment ON screening_task (case_id, owner_agency)
                     WHERE status = 'OPEN' AND reason NOT IN ('NEW_REFERRAL', 'DASH_GATEWAY')`);
    await q.query(`CREATE UNIQUE INDEX screening_task_one_open_dash ON screening_task (case_id, owner_agency)
                     WHERE status = 'OPEN' AND reason = 'DASH_GATEWAY'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX screening_task_one_open_dash`);
    await q.query(`DELETE FROM screening_task WHERE reason = 'DASH_GATEWAY'`);
    await q.query(`DROP INDEX screening_task_one_open_reassessment`);
    await q.query(`CREATE UNIQUE INDEX screening_task_one_open_reassessment ON screening_task (case_id, owner_agency)
                     WHERE status = 'OPEN' AND reason <> 'NEW_REFERRAL'`);
    await q.query(`DROP TABLE risk_case_context`);
  }
}
