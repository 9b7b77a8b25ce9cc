import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Agency, DiversionOutcome, MhArrangementKind, MhArrangementStatus } from '@stac/domain';

/** A co-working arrangement (lead agency, named clinician, review date) or a diversion and its outcome. */
@Entity('mh_arrangement')
export class MhArrangement {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) kind: MhArrangementKind;
  @Column({ type: 'text' }) status: MhArrangementStatus;
  @Column({ name: 'lead_agency', type: 'text', nullable: true }) leadAgency: Agency | null;
  @Column({ name: 'named_clinician', type: 'text', nullable: true }) namedClinician: string | null;
  @Column({ name: 'review_date', type: 'timestamptz', nullable: true }) reviewDate: Date | null;
  @Column({ name: 'diversion_outcome', type: 'text', nullable: true }) diversionOutcome: DiversionOutcome | null;
  @Column({ name: 'consultation_id', type: 'uuid', nullable: true }) consultationId: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @VersionColumn() version: number;
}

/** One change of an arrangement, in words built from codes and dates ("reviewDate 2026-12-01 -> 2027-01-05"). */
@Entity('mh_arrangement_change')
export class MhArrangementChange {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'arrangement_id', type: 'uuid' }) arrangementId: string;
  @Column({ type: 'text' }) change: string;
  @Column({ name: 'changed_by', type: 'text' }) changedBy: string;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt: Date;
}
