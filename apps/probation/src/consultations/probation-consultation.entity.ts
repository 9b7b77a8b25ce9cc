import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { LicenceConditionType, ProbationConsultationKind, ProbationRecommendationCode } from '@stac/domain';

/** A licence condition as stored in clear: its type and note; a zone's geography is only in `exclusion_zones_enc`. */
export interface StoredLicenceCondition {
  type: LicenceConditionType;
  note: string | null;
  /** Index into the sealed zones array, when this condition has an exclusion zone. */
  zone: number | null;
}

/** Probation's consultation on a complex case (D12): PSR input or post-conviction, with coded recommendations. */
@Entity('probation_consultation')
export class ProbationConsultation {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  kind: ProbationConsultationKind;

  @Column({ name: 'recommendation_codes', type: 'text', array: true })
  recommendationCodes: ProbationRecommendationCode[];

  /** Probation's own team only: AES-256-GCM under PROBATION_DATA_KEYS (key id in the ciphertext), bound to this row (DP-02). */
  @Column({ name: 'summary_enc', type: 'bytea', nullable: true })
  summaryEnc: Buffer | null;

  /** Expand/contract: the plaintext summary of consultations recorded before sealing; `pnpm keys rotate probation` seals and clears it. */
  @Column({ name: 'summary', type: 'text', nullable: true })
  summaryUnsealed: string | null;

  @Column({ name: 'licence_conditions', type: 'jsonb' })
  licenceConditions: StoredLicenceCondition[];

  /** victim.location: the zones' geography, AES-256-GCM under PROBATION_DATA_KEYS (key id in the ciphertext), bound to this row. */
  @Column({ name: 'exclusion_zones_enc', type: 'bytea', nullable: true })
  exclusionZonesEnc: Buffer | null;

  @Column({ name: 'completed_by', type: 'text' })
  completedBy: string;

  @Column({ name: 'completed_at', type: 'timestamptz' })
  completedAt: Date;
}
