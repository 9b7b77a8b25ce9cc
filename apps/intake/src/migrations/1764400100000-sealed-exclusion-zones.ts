import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exclusion zones reveal where the victim lives or works (victim.location): store them encrypted with
 * the agency key (DP-02, AES-256-GCM bound to the order row) instead of as plain jsonb. The plain column
 * only ever existed before release; the migration refuses to drop it if anything was written to it.
 */
export class SealedExclusionZones1764400100000 implements MigrationInterface {
  name = 'SealedExclusionZones1764400100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM protective_order WHERE exclusion_zones IS NOT NULL) THEN
          RAISE EXCEPTION 'protective_order.exclusion_zones holds plaintext rows: re-seal them before this migration';
        END IF;
      END $$`);
    await q.query(`ALTER TABLE protective_order DROP COLUMN exclusion_zones`);
    await q.query(`ALTER TABLE protective_order ADD COLUMN exclusion_zones_enc bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE protective_order DROP COLUMN exclusion_zones_enc`);
    await q.query(`ALTER TABLE protective_order ADD COLUMN exclusion_zones jsonb`);
  }
}
