import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { Agency, RiskInstrument, RiskTaskReason, ScreeningTaskStatus } from '@stac/domain';

/** A further trigger received while a task was already open (the task keeps one owner, one due date). */
export interface TaskTrigger {
  reason: RiskTaskReason;
  eventId: string | null;
  incidentId: string | null;
  at: string;
}

/**
 * Work for a risk assessor: screen the victim's situation for a newly referred case (S-DASH), or
 * re-assess after a trigger (new incident, breach, review date). One open re-assessment per case
 * and agency; later triggers are added to it.
 */
@Entity('screening_task')
export class ScreeningTask {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'victim_id', type: 'uuid', nullable: true })
  victimId: string | null;

  @Column({ type: 'text' })
  status: ScreeningTaskStatus;

  @Column({ type: 'text' })
  instrument: RiskInstrument;

  /** Why the task exists, a code: `NEW_REFERRAL`, `BREACH`, `NEW_INCIDENT`, `REVIEW_DUE`, ... */
  @Column({ type: 'text' })
  reason: RiskTaskReason;

  @Column({ name: 'owner_agency', type: 'text' })
  ownerAgency: Agency;

  @Column({ name: 'trigger_event_id', type: 'uuid', nullable: true })
  triggerEventId: string | null;

  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ type: 'jsonb' })
  triggers: TaskTrigger[];

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ name: 'completed_by_assessment_id', type: 'uuid', nullable: true })
  completedByAssessmentId: string | null;

  @VersionColumn()
  version: number;
}
