import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Break-glass reviews the owning agency's DPO can work (AC-06): when the alarm was raised (the alert consumer
 * handled `intake.access.break-glass-opened.v1`), the outcome and note of the review, who completed it and
 * when, and a version for If-Match. The open list is read oldest first.
 */
export class BreakGlassReviewOutcome1796310100000 implements MigrationInterface {
  name = 'BreakGlassReviewOutcome1796310100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE break_glass_review
        ADD COLUMN alerted_at  timestamptz,
        ADD COLUMN outcome     text,
        ADD COLUMN note        text,
        ADD COLUMN reviewed_by text,
        ADD COLUMN reviewed_at timestamptz,
        ADD COLUMN version     integer NOT NULL DEFAULT 1,
        ADD CONSTRAINT break_glass_review_status CHECK (status IN ('OPEN', 'REVIEWED')),
        ADD CONSTRAINT break_glass_review_outcome CHECK ((status = 'REVIEWED') = (outcome IS NOT NULL AND reviewed_at IS NOT NULL))`);
    await q.query(`CREATE INDEX break_glass_review_open_page ON break_glass_review (opened_at, id) WHERE status = 'OPEN'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX break_glass_review_open_page`);
    await q.query(`
      ALTER TABLE break_glass_review DROP CONSTRAINT break_glass_review_outcome, DROP CONSTRAINT break_glass_review_status,
        DROP COLUMN version, DROP COLUMN reviewed_at, DROP COLUMN reviewed_by, DROP COLUMN note, DROP COLUMN outcome, DROP COLUMN alerted_at`);
  }
}
