import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dead letters moved to the JetStream dead-letter stream (REL-08: kept outside the database whose
 * outage may have produced them), so the `dead_letter` table of MessagingSchema1764201600000 goes.
 * Rows still in it are copied nowhere: list them before migrating (`SELECT ... FROM dead_letter`).
 */
export class DropDeadLetterTable1796084100000 implements MigrationInterface {
  name = 'DropDeadLetterTable1796084100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dead_letter`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letter (
        id          bigserial PRIMARY KEY,
        consumer    text NOT NULL,
        stream      text NOT NULL,
        stream_seq  bigint,
        subject     text NOT NULL,
        event_id    text,
        reason      text NOT NULL,
        payload     bytea,
        headers     jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX dead_letter_created ON dead_letter (created_at)`);
  }
}
