import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DP-02, expand step: the consultation summary (probation's own team only; it can describe the person on
 * probation and the victim) gets an encrypted column, AES-256-GCM under PROBATION_DATA_KEYS (key id in the
 * ciphertext, bound to the consultation id and the column). From this release the service writes only
 * `summary_enc`; summaries written before are sealed and cleared by `pnpm keys rotate probation` (the key
 * is not in the database, so no migration can). A later migration drops `summary` (contract) once
 * `pnpm keys status probation` reports no plaintext. Reviewed SQL: never edit after landing.
 */
export class SealedConsultationSummary1796320000001 implements MigrationInterface {
  name = 'SealedConsultationSummary1796320000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE probation_consultation ADD COLUMN summary_enc bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE probation_consultation DROP COLUMN summary_enc`);
  }
}
