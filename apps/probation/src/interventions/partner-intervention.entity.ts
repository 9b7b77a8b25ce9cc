import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Agency, InterventionLegalBasis, InterventionStatus } from '@stac/domain';

/** The latest status of a partner agency's intervention with the person of concern (codes only). */
@Entity('partner_intervention')
export class PartnerIntervention {
  @PrimaryColumn({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) agency: Agency;
  @Column({ type: 'text' }) status: InterventionStatus;
  @Column({ name: 'legal_basis', type: 'text' }) legalBasis: InterventionLegalBasis;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt: Date;
  /** The intervention's version at the trust: a late, older change never overwrites a newer one. */
  @Column({ name: 'source_version', type: 'int' }) sourceVersion: number;
}

/** One status change of a partner intervention, as received: the history (one row per trust version). */
@Entity('partner_intervention_change')
export class PartnerInterventionChange {
  @PrimaryColumn({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @PrimaryColumn({ name: 'source_version', type: 'int' }) sourceVersion: number;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'previous_status', type: 'text', nullable: true }) previousStatus: InterventionStatus | null;
  @Column({ type: 'text' }) status: InterventionStatus;
  @Column({ name: 'legal_basis', type: 'text' }) legalBasis: InterventionLegalBasis;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt: Date;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt: Date;
}
