import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Advisory lock key shared by the sealer and `access_log_seal` (one sealer at a time per database). */
export const ACCESS_LOG_CHAIN_LOCK = 0x5354_4131;

/**
 * LAW-07: the access log cannot be rewritten by the service that writes it.
 *
 * - An INSERT cannot set the chain columns (a trigger refuses it), so every row enters unsealed.
 * - Sealing runs only through `access_log_seal`, SECURITY DEFINER and owned by the migration (owner) role:
 *   the runtime role gets INSERT and SELECT on the log and EXECUTE on that function (granted by the migrate
 *   step, see `grantRuntimeRole`), and owns nothing here, so it can neither alter the function nor disable
 *   or drop the triggers. The function only ever extends the chain: the next position, linked to the head,
 *   positions > 0, stamped with the time of sealing.
 * - The hashes themselves are HMAC-SHA256 under a key the database does not hold (computed by the service);
 *   rows sealed before this migration keep their plain SHA-256 links, up to the position recorded in
 *   `access_log_chain_epoch`, and the first keyed row links to them.
 */
export class AccessLogKeyedChain1796100000000 implements MigrationInterface {
  name = 'AccessLogKeyedChain1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log ADD COLUMN sealed_at timestamptz`);
    await q.query(`
      CREATE TABLE access_log_chain_epoch (
        legacy_through bigint NOT NULL,
        keyed_from     timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO access_log_chain_epoch (legacy_through)
      SELECT coalesce(max(chain_seq), 0) FROM access_log WHERE chain_seq > 0`);
    await q.query(`
      CREATE FUNCTION access_log_epoch_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'access_log_chain_epoch is fixed' USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`CREATE TRIGGER access_log_epoch_fixed BEFORE INSERT OR UPDATE OR DELETE ON access_log_chain_epoch
                   FOR EACH ROW EXECUTE FUNCTION access_log_epoch_fixed()`);
    await q.query(`CREATE TRIGGER access_log_epoch_no_truncate BEFORE TRUNCATE ON access_log_chain_epoch
                   FOR EACH STATEMENT EXECUTE FUNCTION access_log_epoch_fixed()`);

    // Every row enters unsealed: whoever inserts cannot choose its place in the chain or its hash.
    await q.query(`
      CREATE FUNCTION access_log_insert_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.chain_seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
          RAISE EXCEPTION 'access_log: chain columns are set by sealing, not by INSERT' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER access_log_insert_unsealed BEFORE INSERT ON access_log
                   FOR EACH ROW EXECUTE FUNCTION access_log_insert_unsealed()`);

    // The one permitted change stays sealing an unsealed row, now with a positive position and its time.
    await q.query(`
      CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.chain_seq IS NULL AND OLD.sealed_at IS NULL
           AND NEW.hash IS NOT NULL AND NEW.chain_seq > 0 AND NEW.prev_hash IS NOT NULL AND NEW.sealed_at IS NOT NULL
           AND (NEW.seq, NEW.id, NEW.occurred_at, NEW.operation, NEW.action, NEW.actor_issuer, NEW.actor_subject,
                NEW.actor_agency, NEW.actor_roles, NEW.record_type, NEW.record_ids, NEW.field_groups, NEW.purpose,
                NEW.justification, NEW.legal_basis, NEW.recipients, NEW.decision, NEW.rule, NEW.reason, NEW.correlation_id)
               IS NOT DISTINCT FROM
               (OLD.seq, OLD.id, OLD.occurred_at, OLD.operation, OLD.action, OLD.actor_issuer, OLD.actor_subject,
                OLD.actor_agency, OLD.actor_roles, OLD.record_type, OLD.record_ids, OLD.field_groups, OLD.purpose,
                OLD.justification, OLD.legal_basis, OLD.recipients, OLD.decision, OLD.rule, OLD.reason, OLD.correlation_id)
        THEN RETURN NEW; END IF;
        RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);

    // Sealing: the service computes the keyed hashes (it holds the key, the database does not) and hands
    // them here; this function, not the caller, decides that they extend the chain.
    await q.query(`
      CREATE FUNCTION access_log_seal(p_seqs bigint[], p_chain_seqs bigint[], p_prev_hashes text[], p_hashes text[])
      RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
      DECLARE
        n integer := coalesce(array_length(p_seqs, 1), 0);
        head_pos bigint;
        head_hash text;
        last_seq bigint := 0;
      BEGIN
        IF n = 0 THEN RETURN 0; END IF;
        IF coalesce(array_length(p_chain_seqs, 1), 0) <> n OR coalesce(array_length(p_prev_hashes, 1), 0) <> n
           OR coalesce(array_length(p_hashes, 1), 0) <> n THEN
          RAISE EXCEPTION 'access_log_seal: arrays of different lengths' USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM pg_advisory_xact_lock(${ACCESS_LOG_CHAIN_LOCK});
        SELECT chain_seq, hash INTO head_pos, head_hash FROM access_log
         WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1;
        head_pos := greatest(coalesce(head_pos, 0), 0);
        head_hash := coalesce(head_hash, repeat('0', 64));
        FOR i IN 1..n LOOP
          IF p_seqs[i] IS NULL OR p_seqs[i] <= last_seq THEN
            RAISE EXCEPTION 'access_log_seal: entries must be sealed in the order they were written'
              USING ERRCODE = 'check_violation';
          END IF;
          IF p_chain_seqs[i] IS DISTINCT FROM head_pos + 1 OR p_prev_hashes[i] IS DISTINCT FROM head_hash
             OR p_hashes[i] IS NULL OR p_hashes[i] !~ '^[0-9a-f]{64}$' THEN
            RAISE EXCEPTION 'access_log_seal: position % does not extend the chain', p_chain_seqs[i]
              USING ERRCODE = 'check_violation';
          END IF;
          UPDATE access_log SET chain_seq = p_chain_seqs[i], prev_hash = p_prev_hashes[i], hash = p_hashes[i],
                                sealed_at = clock_timestamp()
           WHERE seq = p_seqs[i] AND hash IS NULL AND chain_seq IS NULL;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'access_log_seal: entry % is not waiting to be sealed', p_seqs[i] USING ERRCODE = 'check_violation';
          END IF;
          head_pos := p_chain_seqs[i];
          head_hash := p_hashes[i];
          last_seq := p_seqs[i];
        END LOOP;
        RETURN n;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION access_log_seal(bigint[], bigint[], text[], text[]) FROM PUBLIC`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON access_log_chain_epoch FROM PUBLIC`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION access_log_seal(bigint[], bigint[], text[], text[])`);
    await q.query(`DROP TRIGGER access_log_insert_unsealed ON access_log`);
    await q.query(`DROP FUNCTION access_log_insert_unsealed()`);
    await q.query(`DROP TABLE access_log_chain_epoch`);
    await q.query(`DROP FUNCTION access_log_epoch_fixed()`);
    await q.query(`ALTER TABLE access_log DROP COLUMN sealed_at`);
  }
}

/** What the migrate step grants the runtime role on the access log (see `grantRuntimeRole`). */
export const ACCESS_LOG_RUNTIME_GRANTS = {
  appendOnly: ['access_log'],
  readOnly: ['access_log_chain_epoch'],
  functions: ['access_log_seal(bigint[], bigint[], text[], text[])'],
} as const;
