import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Known-to-services checks get the shape every partner check shares (@stac/partner-checks): why the check
 * was opened, a due time, who answered and the contact route. Checks opened before this migration are due
 * two calendar days after their request (their working-day due time was never recorded).
 */
export class PartnerChecks1764700000000 implements MigrationInterface {
  name = 'PartnerChecks1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE known_to_services_check
        ADD COLUMN reason text NOT NULL DEFAULT 'REFERRAL',
        ADD COLUMN due_at timestamptz,
        ADD COLUMN answered_by text,
        ADD COLUMN contact_team text,
        ADD COLUMN contact_role text,
        ADD COLUMN contact_how_to_reach text`);
    await q.query(`UPDATE known_to_services_check SET due_at = requested_at + interval '2 days'`);
    await q.query(`ALTER TABLE known_to_services_check ALTER COLUMN due_at SET NOT NULL, ALTER COLUMN reason DROP DEFAULT`);
    await q.query(`DROP INDEX known_to_services_check_open`);
    await q.query(`CREATE INDEX known_to_services_check_due ON known_to_services_check (due_at, id) WHERE status = 'REQUESTED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX known_to_services_check_due`);
    await q.query(`CREATE INDEX known_to_services_check_open ON known_to_services_check (requested_at) WHERE status = 'REQUESTED'`);
    await q.query(`
      ALTER TABLE known_to_services_check
        DROP COLUMN reason, DROP COLUMN due_at, DROP COLUMN answered_by,
        DROP COLUMN contact_team, DROP COLUMN contact_role, DROP COLUMN contact_how_to_reach`);
  }
}
