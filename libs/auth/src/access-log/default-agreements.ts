import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { Agency } from '@stac/domain';
import type { FieldGroup, Purpose } from '../policy/vocabulary';

interface AgreementSeed {
  code: string;
  to: Agency;
  purposes: Purpose[];
  fieldGroups: FieldGroup[];
}

/**
 * The agencies' default data-sharing agreements (design choice, seeded; an admin may change them):
 * core facts only, for safeguarding and risk management. Field groups are never shared by default.
 */
export const DEFAULT_AGREEMENTS: Record<Exclude<Agency, 'cps'>, AgreementSeed[]> = {
  police: [
    { code: 'police-to-advocacy', to: 'advocacy', purposes: ['safeguarding', 'care'], fieldGroups: [] },
    { code: 'police-to-mental-health', to: 'mental-health', purposes: ['safeguarding', 'risk-management', 'care'], fieldGroups: [] },
    { code: 'police-to-probation', to: 'probation', purposes: ['safeguarding', 'risk-management'], fieldGroups: [] },
    { code: 'police-to-cps', to: 'cps', purposes: ['investigation'], fieldGroups: [] },
  ],
  'mental-health': [
    { code: 'mental-health-to-police', to: 'police', purposes: ['safeguarding', 'risk-management', 'investigation'], fieldGroups: [] },
    { code: 'mental-health-to-probation', to: 'probation', purposes: ['risk-management'], fieldGroups: [] },
  ],
  probation: [
    { code: 'probation-to-police', to: 'police', purposes: ['safeguarding', 'risk-management', 'investigation'], fieldGroups: [] },
    { code: 'probation-to-mental-health', to: 'mental-health', purposes: ['risk-management'], fieldGroups: [] },
  ],
  advocacy: [{ code: 'advocacy-to-police', to: 'police', purposes: ['safeguarding'], fieldGroups: [] }],
};

/** Stable ids so every environment seeds the same agreement rows. */
export function agreementId(code: string): string {
  const h = createHash('sha256').update(`stac-agreement:${code}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A migration seeding one agency's outgoing default agreements. */
export function defaultAgreementsMigration(from: Exclude<Agency, 'cps'>) {
  return class DefaultSharingAgreements1764201660000 implements MigrationInterface {
    name = 'DefaultSharingAgreements1764201660000';
    async up(q: QueryRunner): Promise<void> {
      for (const a of DEFAULT_AGREEMENTS[from]) {
        await q.query(
          `INSERT INTO sharing_agreement (id, code, from_agency, to_agency, purposes, field_groups, valid_from)
           VALUES ($1, $2, $3, $4, $5, $6, '2026-01-01T00:00:00Z') ON CONFLICT (code) DO NOTHING`,
          [agreementId(a.code), a.code, from, a.to, a.purposes, a.fieldGroups],
        );
      }
    }
    async down(q: QueryRunner): Promise<void> {
      await q.query('DELETE FROM sharing_agreement WHERE from_agency = $1', [from]);
    }
  };
}
