import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox, inbox and dead_letter tables every service needs (design.md §3). Services list this
 * migration first in their own migrations.
 */
export class MessagingSchema1764201600000 implements MigrationInterface {
  name = 'MessagingSchema1764201600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        seq          bigserial PRIMARY KEY,
        id           uuid NOT NULL UNIQUE,
        subject      text NOT NULL,
        envelope     jsonb NOT NULL,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    // The relay only ever scans what is unpublished; the partial index stays tiny.
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL`);
    await q.query(`
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('outbox', ''); RETURN NULL; END $$`);
    await q.query(
      `CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()`,
    );
    await q.query(`
      CREATE TABLE inbox (
        consumer   text NOT NULL,
        event_id   uuid NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
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

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letter`);
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TRIGGER outbox_notify ON outbox`);
    await q.query(`DROP FUNCTION outbox_notify()`);
    await q.query(`DROP TABLE outbox`);
  }
}
