import type { MigrationInterface, QueryRunner } from 'typeorm';

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
        prev_hash      text NOT NULL,
        hash           text NOT NULL
      )`);
    // "Who looked at this victim's record?" over a year of logs (LAW-06).
    await q.query(`CREATE INDEX access_log_records ON access_log USING gin (record_ids)`);
    await q.query(`CREATE INDEX access_log_time ON access_log (occurred_at)`);
    // Append-only for everyone who goes through the database, the service's own role included (LAW-04).
    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'access_log is append-only' USING ERRCODE = 'insufficient_privilege'; END $$`);
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
