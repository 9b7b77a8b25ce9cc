import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The trigger function as of this migration: only the chainer's one sealing update gets through. */
const APPEND_ONLY_EXCEPT_SEALING = `
  CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.chain_seq IS NULL AND NEW.hash IS NOT NULL
       AND NEW.chain_seq IS NOT NULL AND NEW.prev_hash IS NOT NULL
       AND (NEW.seq, NEW.id, NEW.occurred_at, NEW.operation, NEW.action, NEW.actor_issuer, NEW.actor_subject,
            NEW.actor_agency, NEW.actor_roles, NEW.record_type, NEW.record_ids, NEW.field_groups, NEW.purpose,
            NEW.justification, NEW.legal_basis, NEW.recipients, NEW.decision, NEW.rule, NEW.reason, NEW.correlation_id)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.id, OLD.occurred_at, OLD.operation, OLD.action, OLD.actor_issuer, OLD.actor_subject,
            OLD.actor_agency, OLD.actor_roles, OLD.record_type, OLD.record_ids, OLD.field_groups, OLD.purpose,
            OLD.justification, OLD.legal_basis, OLD.recipients, OLD.decision, OLD.rule, OLD.reason, OLD.correlation_id)
    THEN RETURN NEW; END IF;
    RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege';
  END $$`;

/**
 * Access-log rows are appended lock-free and sealed into the hash chain after commit by the chainer:
 * `chain_seq`, `prev_hash` and `hash` start empty, and the append-only trigger lets exactly that one
 * sealing update through (LAW-04).
 *
 * Written to be safe on both kinds of database that exist: one that ran AccessSchema1764201650000 as it
 * first landed (every row already chained, in `seq` order, with NOT NULL hashes) and one that ran the
 * later in-place rewrite of that migration, which already has all of this (hence IF NOT EXISTS).
 */
export class AccessLogSealing1796082000000 implements MigrationInterface {
  name = 'AccessLogSealing1796082000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log ADD COLUMN IF NOT EXISTS chain_seq bigint UNIQUE`);
    await q.query(`ALTER TABLE access_log ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL`);
    // Rows written by the first version were chained at insert, in seq order: give them their place in
    // the chain so the verifier walks them and the chainer continues after them. The trigger forbids
    // every update, so it is off for this one statement, inside the migration's transaction.
    await q.query(`ALTER TABLE access_log DISABLE TRIGGER access_log_no_update`);
    await q.query(`UPDATE access_log SET chain_seq = seq WHERE chain_seq IS NULL AND hash IS NOT NULL`);
    await q.query(`ALTER TABLE access_log ENABLE TRIGGER access_log_no_update`);
    await q.query(`CREATE INDEX IF NOT EXISTS access_log_unsealed ON access_log (seq) WHERE hash IS NULL`);
    await q.query(APPEND_ONLY_EXCEPT_SEALING);
  }

  /** Back to insert-time chaining; fails while rows are waiting to be sealed (they have no hash yet). */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`DROP INDEX access_log_unsealed`);
    await q.query(`ALTER TABLE access_log DROP COLUMN chain_seq`);
    await q.query(`ALTER TABLE access_log ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL`);
  }
}
