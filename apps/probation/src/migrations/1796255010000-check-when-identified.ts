import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person of concern recorded with identity unknown is checked again once named (`intake.person.check-requested`
 * with trigger IDENTIFIED): when the first check was already answered (about nobody in particular), a second
 * check of the same person on the same case is opened with reason PERSON_IDENTIFIED. One check per
 * (case, person, reason) instead of one per (case, person).
 */
export class CheckWhenIdentified1796255010000 implements MigrationInterface {
  name = 'CheckWhenIdentified1796255010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      DECLARE c text;
      BEGIN
        SELECT conname INTO c FROM pg_constraint
         WHERE conrelid = 'supervision_check'::regclass AND contype = 'u'
           AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'supervision_check'::regclass AND attname = 'case_id'),
                              (SELECT attnum FROM pg_attribute WHERE attrelid = 'supervision_check'::regclass AND attname = 'person_id')]::int2[];
        IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE supervision_check DROP CONSTRAINT %I', c); END IF;
      END
      $$`);
    await q.query(`ALTER TABLE supervision_check ADD CONSTRAINT supervision_check_case_person_reason UNIQUE (case_id, person_id, reason)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE supervision_check DROP CONSTRAINT supervision_check_case_person_reason`);
    await q.query(`ALTER TABLE supervision_check ADD CONSTRAINT supervision_check_case_id_person_id_key UNIQUE (case_id, person_id)`);
  }
}
