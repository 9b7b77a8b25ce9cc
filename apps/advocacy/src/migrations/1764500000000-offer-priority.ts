import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The offer's priority from the case's shared risk level (`risk.level.changed.v1`), and when that level changed. */
export class OfferPriority1764500000000 implements MigrationInterface {
  name = 'OfferPriority1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE advocacy_offer ADD COLUMN priority text CHECK (priority IN ('URGENT', 'PRIORITY', 'ROUTINE'))`);
    await q.query(`ALTER TABLE advocacy_offer ADD COLUMN risk_level_changed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE advocacy_offer DROP COLUMN risk_level_changed_at`);
    await q.query(`ALTER TABLE advocacy_offer DROP COLUMN priority`);
  }
}
