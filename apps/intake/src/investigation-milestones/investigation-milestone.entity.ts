import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CjStage, InvestigationMilestone as MilestoneCode } from '@stac/domain';

/** An investigation milestone recorded by the case officer; append-only (the list is the history). */
@Entity('investigation_milestone')
export class InvestigationMilestone {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  milestone: MilestoneCode;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  /** The criminal-justice stage when it was recorded (a milestone never moves it). */
  @Column({ name: 'cj_stage', type: 'text' })
  cjStage: CjStage;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
