import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Agency, InterventionLegalBasis, InterventionStatus } from '@stac/domain';

/** The latest status of a partner agency's intervention with the person of concern (thin: codes only). */
@Entity('partner_intervention')
export class PartnerIntervention {
  @PrimaryColumn({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) agency: Agency;
  @Column({ type: 'text' }) status: InterventionStatus;
  @Column({ name: 'legal_basis', type: 'text' }) legalBasis: InterventionLegalBasis;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt: Date;
  @Column({ name: 'source_version', type: 'int' }) sourceVersion: number;
}
