import type { MigrationInterface, QueryRunner } from 'typeorm';
import { agreementId } from '@stac/auth';

/**
 * The police's agreements to share the risk summary (levels, domains, dates; no rationale) with
 * the partner agencies that manage the risk with them. Core facts only: no field groups.
 */
export const RISK_SUMMARY_AGREEMENTS = [
  { code: 'police-risk-summary-to-advocacy', to: 'advocacy', purposes: ['safeguarding', 'care', 'risk-management'] },
  { code: 'police-risk-summary-to-mental-health', to: 'mental-health', purposes: ['safeguarding', 'care', 'risk-management'] },
  { code: 'police-risk-summary-to-probation', to: 'probation', purposes: ['safeguarding', 'risk-management'] },
] as const;

export class RiskSummaryAgreements1795743200000 implements MigrationInterface {
  name = 'RiskSummaryAgreements1795743200000';

  async up(q: QueryRunner): Promise<void> {
    for (const a of RISK_SUMMARY_AGREEMENTS) {
      await q.query(
        `INSERT INTO sharing_agreement (id, code, from_agency, to_agency, purposes, field_groups, valid_from)
         VALUES ($1, $2, 'police', $3, $4, '{}', '2026-01-01T00:00:00Z') ON CONFLICT (code) DO NOTHING`,
        [agreementId(a.code), a.code, a.to, a.purposes],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sharing_agreement WHERE code = ANY($1)`, [RISK_SUMMARY_AGREEMENTS.map((a) => a.code)]);
  }
}
