import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The victim's answer to referral to advocacy, and the basis of an override (AC-05). */
export class AdvocacyReferralBasis1764600000000 implements MigrationInterface {
  name = 'AdvocacyReferralBasis1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stalking_case ADD COLUMN advocacy_referral text NOT NULL DEFAULT 'NOT_YET_ASKED'`);
    await q.query(`ALTER TABLE stalking_case ADD COLUMN advocacy_override_basis text`);
    await q.query(`ALTER TABLE stalking_case ADD COLUMN advocacy_override_by text`);
    await q.query(`ALTER TABLE stalking_case ADD CONSTRAINT stalking_case_override_has_basis
                   CHECK ((advocacy_referral = 'LAWFUL_OVERRIDE') = (advocacy_override_basis IS NOT NULL AND advocacy_override_by IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stalking_case DROP CONSTRAINT stalking_case_override_has_basis`);
    for (const c of ['advocacy_override_by', 'advocacy_override_basis', 'advocacy_referral']) await q.query(`ALTER TABLE stalking_case DROP COLUMN ${c}`);
  }
}
