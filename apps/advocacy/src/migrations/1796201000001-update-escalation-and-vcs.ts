import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Update obligations say which duty they discharge (the Victims' Code, or the victim contact scheme after
 * a release or licence end) and when the escalation scan announced them overdue (once each).
 */
export class UpdateEscalationAndVcs1796201000001 implements MigrationInterface {
  name = 'UpdateEscalationAndVcs1796201000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE victim_update_obligation
        ADD COLUMN scheme       text NOT NULL DEFAULT 'VICTIMS_CODE' CHECK (scheme IN ('VICTIMS_CODE', 'VICTIM_CONTACT_SCHEME')),
        ADD COLUMN escalated_at timestamptz`);
    // The escalation scan's claim: open, not yet escalated, by due time.
    await q.query(`CREATE INDEX victim_update_to_escalate ON victim_update_obligation (due_at, id) WHERE status = 'OPEN' AND escalated_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX victim_update_to_escalate`);
    await q.query(`ALTER TABLE victim_update_obligation DROP COLUMN scheme, DROP COLUMN escalated_at`);
  }
}
