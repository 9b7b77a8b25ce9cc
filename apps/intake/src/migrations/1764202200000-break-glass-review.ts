import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BreakGlassReview1764202200000 implements MigrationInterface {
  name = 'BreakGlassReview1764202200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE break_glass_review (
        id              uuid PRIMARY KEY,
        case_id         uuid NOT NULL REFERENCES stalking_case (id),
        relationship_id uuid NOT NULL REFERENCES case_relationship (id),
        opened_by       text NOT NULL,
        opened_at       timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        status          text NOT NULL
      )`);
    await q.query(`CREATE INDEX break_glass_review_open ON break_glass_review (opened_at) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE break_glass_review`);
  }
}
