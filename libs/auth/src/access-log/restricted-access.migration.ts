import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Restricted records and field-group grants, beside the relationships of every domain service.
 *
 * - `case_restriction`: a case restricted to the people named on it (`kinds`: STAFF_LINKED, PUBLIC_FIGURE;
 *   empty = no longer restricted). `version` orders changes: intake (the case's owner) writes it in the
 *   request's transaction, every other service keeps a replica from `intake.case.restriction-changed.v1`
 *   and applies only a newer version.
 * - `case_named_access`: who is named on a restricted case (issuer + subject, as exclusions name users),
 *   with start and end. Intake keeps the history (ended rows, reason, who named and who ended); a replica
 *   holds the names in force as the owner last announced them.
 * - `case_field_group_grant`: a field group (AC-03) granted on one case to a named user or an agency's team
 *   on top of their relationship, with a reason and an end date; revoked rows are kept.
 */
export class RestrictedAccess1796251000000 implements MigrationInterface {
  name = 'RestrictedAccess1796251000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_restriction (
        case_id    uuid PRIMARY KEY,
        kinds      text[] NOT NULL DEFAULT '{}',
        version    integer NOT NULL,
        changed_at timestamptz NOT NULL,
        CHECK (kinds <@ ARRAY['STAFF_LINKED', 'PUBLIC_FIGURE']::text[])
      )`);
    await q.query(`
      CREATE TABLE case_named_access (
        id         uuid PRIMARY KEY,
        case_id    uuid NOT NULL,
        issuer     text NOT NULL,
        subject    text NOT NULL,
        reason     text,
        valid_from timestamptz NOT NULL,
        valid_to   timestamptz,
        created_by text NOT NULL,
        ended_by   text
      )`);
    await q.query(`CREATE INDEX case_named_access_case ON case_named_access (case_id, subject)`);
    await q.query(`
      CREATE TABLE case_field_group_grant (
        id             uuid PRIMARY KEY,
        case_id        uuid NOT NULL,
        field_group    text NOT NULL,
        agency         text NOT NULL,
        subject        text,
        reason         text NOT NULL,
        valid_from     timestamptz NOT NULL,
        valid_to       timestamptz NOT NULL,
        created_by     text NOT NULL,
        revoked_at     timestamptz,
        revoked_by     text,
        revoked_reason text,
        CHECK (valid_to > valid_from)
      )`);
    await q.query(`CREATE INDEX case_field_group_grant_case ON case_field_group_grant (case_id, agency)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['case_field_group_grant', 'case_named_access', 'case_restriction']) await q.query(`DROP TABLE ${t}`);
  }
}
