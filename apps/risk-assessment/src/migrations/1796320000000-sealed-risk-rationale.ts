import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DP-02, expand step: rationale and formulation (field group risk.rationale, which may hold health detail)
 * get encrypted columns, AES-256-GCM under the police's key ring RISK_ASSESSMENT_DATA_KEYS (key id in each
 * ciphertext, bound to the assessment id and the column). From this release the service writes only the
 * encrypted columns and clears the plaintext ones when it saves a row. Rows written before are sealed by
 * `pnpm keys rotate risk-assessment` (the key is not in the database, so no migration can): online, in
 * batches, while the service runs. The contract step, a later migration, drops `rationale` and
 * `formulation` once `pnpm keys status risk-assessment` reports no plaintext (docs/operations.md "Data keys").
 * Reviewed SQL: never edit after landing.
 */
export class SealedRiskRationale1796320000000 implements MigrationInterface {
  name = 'SealedRiskRationale1796320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE risk_assessment ADD COLUMN rationale_enc bytea, ADD COLUMN formulation_enc bytea`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE risk_assessment DROP COLUMN rationale_enc, DROP COLUMN formulation_enc`);
  }
}
