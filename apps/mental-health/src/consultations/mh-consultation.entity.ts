import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Agency, MhConsultationStatus, MhRecommendation, MhUrgency } from '@stac/domain';

/** A consultation S-TAC asked of the liaison team (domain.md §3 step 7, D6). The advice summary is shareable. */
@Entity('mh_consultation')
export class MhConsultation {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  /** Intake's multi-agency consultation the recommendation goes back to. */
  @Column({ name: 'stac_consultation_id', type: 'uuid', nullable: true }) stacConsultationId: string | null;
  @Column({ type: 'text' }) question: string;
  @Column({ type: 'text' }) urgency: MhUrgency;
  @Column({ name: 'requested_by', type: 'text' }) requestedBy: string;
  @Column({ name: 'requested_by_agency', type: 'text' }) requestedByAgency: Agency;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt: Date;
  @Column({ type: 'text' }) status: MhConsultationStatus;
  @Column({ name: 'advice_summary', type: 'text', nullable: true }) adviceSummary: string | null;
  @Column({ type: 'text', nullable: true }) recommendation: MhRecommendation | null;
  @Column({ name: 'advice_shared_at', type: 'timestamptz', nullable: true }) adviceSharedAt: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @VersionColumn() version: number;
}
