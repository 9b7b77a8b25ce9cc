import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The case's current shared risk level, recorded from `risk.level.changed.v1` (no foreign key: the event may precede nothing here). */
export class CaseRiskLevel1764500000000 implements MigrationInterface {
  name = 'CaseRiskLevel1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_risk_level (
        case_id         uuid PRIMARY KEY,
        level           text NOT NULL CHECK (level IN ('STANDARD', 'MEDIUM', 'HIGH')),
        changed_at      timestamptz NOT NULL,
        summary_version integer NOT NULL,
        source_event_id uuid NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_risk_level`);
  }
}
