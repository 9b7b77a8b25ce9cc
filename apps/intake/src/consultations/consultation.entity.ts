import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Agency, ConsultationActionStatus, ConsultationChange, ConsultationDecisionCode, ConsultationStatus } from '@stac/domain';

/** A multi-agency case consultation (domain.md §3 step 7). */
@Entity('consultation')
export class Consultation {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'scheduled_for', type: 'timestamptz' }) scheduledFor: Date;
  @Column({ type: 'text' }) status: ConsultationStatus;
  @Column({ name: 'scheduled_by', type: 'text' }) scheduledBy: string;
  @Column({ name: 'scheduled_at', type: 'timestamptz' }) scheduledAt: Date;
  @VersionColumn() version: number;
}

/** An attending agency (or named attendee) and the CONSULTATION_PANEL relationship it was granted. */
@Entity('consultation_panel_member')
export class ConsultationPanelMember {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId: string;
  @Column({ type: 'text' }) agency: Agency;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ name: 'relationship_id', type: 'uuid' }) relationshipId: string;
}

@Entity('consultation_decision')
export class ConsultationDecision {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) code: ConsultationDecisionCode;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'recorded_by', type: 'text' }) recordedBy: string;
  @Column({ name: 'recorded_at', type: 'timestamptz' }) recordedAt: Date;
}

/** An action agreed at a consultation, owned by an agency, with a due date (a clock, §6.3). */
@Entity('consultation_action')
export class ConsultationAction {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) description: string;
  @Column({ name: 'owner_agency', type: 'text' }) ownerAgency: Agency;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt: Date;
  @Column({ type: 'text' }) status: ConsultationActionStatus;
  @Column({ name: 'assigned_by', type: 'text' }) assignedBy: string;
  @Column({ name: 'assigned_at', type: 'timestamptz' }) assignedAt: Date;
  @Column({ name: 'completed_by', type: 'text', nullable: true }) completedBy: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @VersionColumn() version: number;
}

/** One change of a consultation (scheduled, rescheduled, held, cancelled) with its coded reason: append-only. */
@Entity('consultation_change')
export class ConsultationChangeRecord {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'consultation_id', type: 'uuid' }) consultationId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) change: ConsultationChange;
  @Column({ name: 'from_status', type: 'text', nullable: true }) fromStatus: ConsultationStatus | null;
  @Column({ name: 'to_status', type: 'text' }) toStatus: ConsultationStatus;
  @Column({ name: 'scheduled_for', type: 'timestamptz' }) scheduledFor: Date;
  @Column({ name: 'previous_scheduled_for', type: 'timestamptz', nullable: true }) previousScheduledFor: Date | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ type: 'text' }) actor: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
}
