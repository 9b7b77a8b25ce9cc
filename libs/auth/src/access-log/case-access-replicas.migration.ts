import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case access facts that reach every service (AC-14) and users named by issuer AND subject (AC-16).
 *
 * - `case_relationship.issuer`, `case_field_group_grant.issuer`: a named relationship or grant is the
 *   user's (issuer, subject), as exclusions and namings already are; a subject alone matched the same id
 *   issued by another identity provider. Rows written before this migration are filled from `created_by`
 *   (`issuer#subject`) where the creator was the holder (the referring officer's assignment); any other
 *   named row keeps a null issuer and so matches nobody (fail closed) until it is granted again.
 * - `origin`: null for the service's own relationships and exclusions; `intake` for those replicated from
 *   `intake.case.access-changed.v1` (a newer announcement replaces exactly these rows).
 * - `case_access_state`: the version of a case's announced access facts. Intake (the owner) moves it on
 *   with every change in the request's transaction; every other service holds the version it applied and
 *   applies only a newer one.
 */
export class CaseAccessReplicas1796310000000 implements MigrationInterface {
  name = 'CaseAccessReplicas1796310000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['case_relationship', 'case_field_group_grant']) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN issuer text`);
      await q.query(
        `UPDATE ${table} SET issuer = left(created_by, length(created_by) - length(subject) - 1)
          WHERE subject IS NOT NULL AND length(created_by) > length(subject) + 1 AND right(created_by, length(subject) + 1) = '#' || subject`,
      );
    }
    await q.query(`ALTER TABLE case_relationship ADD COLUMN origin text`);
    await q.query(`ALTER TABLE case_exclusion ADD COLUMN origin text`);
    await q.query(`CREATE INDEX case_relationship_origin ON case_relationship (case_id) WHERE origin IS NOT NULL`);
    await q.query(`
      CREATE TABLE case_access_state (
        case_id    uuid PRIMARY KEY,
        version    integer NOT NULL,
        changed_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE case_access_state`);
    await q.query(`DROP INDEX case_relationship_origin`);
    await q.query(`ALTER TABLE case_exclusion DROP COLUMN origin`);
    await q.query(`ALTER TABLE case_relationship DROP COLUMN origin`);
    for (const table of ['case_relationship', 'case_field_group_grant']) await q.query(`ALTER TABLE ${table} DROP COLUMN issuer`);
  }
}
