import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Teams inside agencies (AC-02): an owning-team relationship may name the team that owns the case and the
 * identity provider that names it (`team`, `team_issuer`, both or neither). A row without a team keeps
 * its meaning: every user of the agency. Existing rows are left as they are.
 */
export class CaseRelationshipTeam1796330000000 implements MigrationInterface {
  name = 'CaseRelationshipTeam1796330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_relationship ADD COLUMN team text, ADD COLUMN team_issuer text`);
    await q.query(
      `ALTER TABLE case_relationship ADD CONSTRAINT case_relationship_team_issuer CHECK ((team IS NULL) = (team_issuer IS NULL) AND (team IS NULL OR kind = 'OWNING_TEAM'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_relationship DROP CONSTRAINT case_relationship_team_issuer, DROP COLUMN team, DROP COLUMN team_issuer`);
  }
}
