import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The case's shared risk level (`risk.level.changed.v1`), kept per case whether or not an advocacy offer
 * exists (yet): the offer's priority is derived from it when read.
 */
export class OfferPriority1764500000000 implements MigrationInterface {
  name = 'OfferPriority1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_risk_level (
        case_id    uuid PRIMARY KEY,
        level      text NOT NULL CHECK (level IN ('STANDARD', 'MEDIUM', 'HIGH')),
        changed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_risk_level`);
  }
}
