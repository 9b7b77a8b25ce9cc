import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first answers of probation's idempotent commands (a consultation recorded, a MAPPA level set, an
 * enforcement review decided): a client's retry with the same Idempotency-Key replays the first answer
 * instead of recording a second consultation or MAPPA decision (REL-04).
 */
export class IdempotencyRecords1796230000000 implements MigrationInterface {
  name = 'IdempotencyRecords1796230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS idempotency_record (
        key          text PRIMARY KEY,
        request_hash text NOT NULL,
        response     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS idempotency_record');
  }
}
