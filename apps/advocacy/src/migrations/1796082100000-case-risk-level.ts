import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case's shared risk level (`risk.level.changed.v1`), kept per case whether or not an advocacy offer
 * exists (yet): the offer's priority is derived from it when read, so the offer no longer stores one.
 *
 * Safe on both kinds of database that exist: one that ran OfferPriority1764500000000 as it first landed
 * (priority columns on the offer, carried over here) and one that ran its later in-place rewrite, which
 * already has this table and never had the columns.
 */
export class CaseRiskLevel1796082100000 implements MigrationInterface {
  name = 'CaseRiskLevel1796082100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS case_risk_level (
        case_id    uuid PRIMARY KEY,
        level      text NOT NULL CHECK (level IN ('STANDARD', 'MEDIUM', 'HIGH')),
        changed_at timestamptz NOT NULL
      )`);
    if (await q.hasColumn('advocacy_offer', 'priority')) {
      // Priority and level are one to one (ADVOCACY_PRIORITY_FOR_LEVEL), so the level is recoverable.
      await q.query(`
        INSERT INTO case_risk_level (case_id, level, changed_at)
        SELECT case_id, CASE priority WHEN 'URGENT' THEN 'HIGH' WHEN 'PRIORITY' THEN 'MEDIUM' ELSE 'STANDARD' END,
               risk_level_changed_at
          FROM advocacy_offer
         WHERE priority IS NOT NULL AND risk_level_changed_at IS NOT NULL
        ON CONFLICT (case_id) DO NOTHING`);
    }
    await q.query(`ALTER TABLE advocacy_offer DROP COLUMN IF EXISTS risk_level_changed_at, DROP COLUMN IF EXISTS priority`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE advocacy_offer ADD COLUMN priority text CHECK (priority IN ('URGENT', 'PRIORITY', 'ROUTINE'))`);
    await q.query(`ALTER TABLE advocacy_offer ADD COLUMN risk_level_changed_at timestamptz`);
    await q.query(`
      UPDATE advocacy_offer o
         SET priority = CASE r.level WHEN 'HIGH' THEN 'URGENT' WHEN 'MEDIUM' THEN 'PRIORITY' ELSE 'ROUTINE' END,
             risk_level_changed_at = r.changed_at
        FROM case_risk_level r
       WHERE r.case_id = o.case_id`);
    await q.query(`DROP TABLE case_risk_level`);
  }
}
