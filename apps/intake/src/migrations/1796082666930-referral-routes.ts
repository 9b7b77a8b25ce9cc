import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referral routes (domain.md §3 step 1): a partner agency's referral has no crime reference until the
 * police attach one (still unique when present); a custody trigger keeps the PACE relevant time its
 * screening clock runs from. Reviewed SQL: never edit after landing.
 */
export class ReferralRoutes1796082666930 implements MigrationInterface {
  name = 'ReferralRoutes1796082666930';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stalking_case ALTER COLUMN crime_reference DROP NOT NULL`);
    await q.query(`
      ALTER TABLE stalking_case
        ADD COLUMN partner_agency     text,
        ADD COLUMN custody_started_at timestamptz,
        -- Each route's facts only on that route; only a partner's referral may lack a crime reference.
        -- (Cases referred before this migration satisfy it as they are.)
        ADD CONSTRAINT stalking_case_route_facts CHECK (
          (partner_agency IS NULL OR source = 'PARTNER_AGENCY')
          AND (custody_started_at IS NULL OR source = 'CUSTODY_TRIGGER')
          AND (crime_reference IS NOT NULL OR source = 'PARTNER_AGENCY'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE stalking_case DROP CONSTRAINT stalking_case_route_facts, DROP COLUMN custody_started_at, DROP COLUMN partner_agency`);
    await q.query(`ALTER TABLE stalking_case ALTER COLUMN crime_reference SET NOT NULL`);
  }
}
