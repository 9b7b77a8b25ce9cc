import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Investigation milestones that do not move the criminal-justice stage (suspect interviewed, bail
 * conditions changed, decision not to investigate): an append-only history on the police case file.
 */
export class InvestigationMilestones1796201000000 implements MigrationInterface {
  name = 'InvestigationMilestones1796201000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE investigation_milestone (
        id          uuid PRIMARY KEY,
        case_id     uuid NOT NULL REFERENCES stalking_case (id),
        milestone   text NOT NULL CHECK (milestone IN ('SUSPECT_INTERVIEWED', 'BAIL_CONDITIONS_CHANGED', 'DECISION_NOT_TO_INVESTIGATE')),
        occurred_at timestamptz NOT NULL,
        cj_stage    text NOT NULL,
        reason      text,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL,
        CHECK (milestone <> 'DECISION_NOT_TO_INVESTIGATE' OR reason IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX investigation_milestone_case ON investigation_milestone (case_id, occurred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE investigation_milestone`);
  }
}
