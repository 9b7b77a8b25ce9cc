import type { MigrationInterface, QueryRunner } from 'typeorm';

// Test fixture, never run by a service: the two migrations as they stood after they were rewritten in
// place (git history: access log e5c6ac0, advocacy 52b2391). Databases exist that recorded these
// versions under the landed names, so the new migrations that replace the rewrites must be safe on them
// too; migration-paths.int-spec.ts proves it. Copied verbatim; only the comment above is added.

/**
 * Tables every service needs for access control and accountability: the s62 access log
 * (append-only, hash-chained), case relationships and exclusions (AC-02, AC-07) and data-sharing
 * agreements (AC-02, AC-04).
 */
export class AccessSchema1764201650000 implements MigrationInterface {
  name = 'AccessSchema1764201650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        seq            bigserial PRIMARY KEY,
        id             uuid NOT NULL UNIQUE,
        occurred_at    timestamptz NOT NULL,
        operation      text NOT NULL,
        action         text NOT NULL,
        actor_issuer   text NOT NULL,
        actor_subject  text NOT NULL,
        actor_agency   text NOT NULL,
        actor_roles    text[] NOT NULL,
        record_type    text NOT NULL,
        record_ids     text[] NOT NULL,
        field_groups   text[] NOT NULL,
        purpose        text,
        justification  text,
        legal_basis    text,
        recipients     text[] NOT NULL,
        decision       text NOT NULL,
        rule           text NOT NULL,
        reason         text,
        correlation_id text NOT NULL,
        -- Filled once, after commit, by the chainer (the hash chain is off the request path).
        chain_seq      bigint UNIQUE,
        prev_hash      text,
        hash           text
      )`);
    await q.query(`CREATE INDEX access_log_unsealed ON access_log (seq) WHERE hash IS NULL`);
    // "Who looked at this victim's record?" over a year of logs (LAW-06).
    await q.query(`CREATE INDEX access_log_records ON access_log USING gin (record_ids)`);
    await q.query(`CREATE INDEX access_log_time ON access_log (occurred_at)`);
    // Append-only for everyone who goes through the database, the service's own role included (LAW-04).
    // The only permitted change: sealing an unsealed row (chain_seq, prev_hash, hash from NULL), nothing else.
    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await q.query(`CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
                   FOR EACH ROW EXECUTE FUNCTION access_log_append_only()`);
    await q.query(`CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
                   FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON access_log FROM PUBLIC`);

    await q.query(`
      CREATE TABLE sharing_agreement (
        id           uuid PRIMARY KEY,
        code         text NOT NULL UNIQUE,
        from_agency  text NOT NULL,
        to_agency    text NOT NULL,
        purposes     text[] NOT NULL,
        field_groups text[] NOT NULL DEFAULT '{}',
        valid_from   timestamptz NOT NULL,
        valid_to     timestamptz,
        revoked_at   timestamptz
      )`);
    await q.query(`
      CREATE TABLE case_relationship (
        id           uuid PRIMARY KEY,
        case_id      uuid NOT NULL,
        kind         text NOT NULL,
        agency       text NOT NULL,
        subject      text,
        field_groups text[] NOT NULL DEFAULT '{}',
        agreement_id uuid REFERENCES sharing_agreement (id),
        read_only    boolean NOT NULL DEFAULT false,
        justification text,
        valid_from   timestamptz NOT NULL,
        valid_to     timestamptz,
        created_by   text NOT NULL,
        ended_by     text
      )`);
    await q.query(`CREATE INDEX case_relationship_case ON case_relationship (case_id, agency)`);
    await q.query(`
      CREATE TABLE case_exclusion (
        id         uuid PRIMARY KEY,
        case_id    uuid NOT NULL,
        issuer     text NOT NULL,
        subject    text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to   timestamptz,
        created_by text NOT NULL
      )`);
    await q.query(`CREATE INDEX case_exclusion_case ON case_exclusion (case_id, subject)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['case_exclusion', 'case_relationship', 'sharing_agreement']) await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP FUNCTION access_log_append_only()`);
  }
}
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
