import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { EnforcementOutcome, EnforcementReviewStatus, InterventionLegalBasis, InterventionStatus } from '@stac/domain';

/** The practitioner's review of a breached or disengaged intervention probation enforces (one per intervention). */
@Entity('enforcement_review')
export class EnforcementReview {
  @PrimaryColumn({ type: 'uuid' }) id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @Column({ name: 'trigger_status', type: 'text' }) triggerStatus: InterventionStatus;
  @Column({ name: 'legal_basis', type: 'text' }) legalBasis: InterventionLegalBasis;
  @Column({ name: 'opened_at', type: 'timestamptz' }) openedAt: Date;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ type: 'text' }) status: EnforcementReviewStatus;
  @Column({ type: 'text', nullable: true }) outcome: EnforcementOutcome | null;
  @Column({ name: 'decided_by', type: 'text', nullable: true }) decidedBy: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @VersionColumn() version: number;
}
