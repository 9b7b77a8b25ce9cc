import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { RiskInstrument, ScreeningTaskStatus } from '@stac/domain';

/** Work for a risk assessor: screen the victim's situation for a newly referred case (S-DASH). */
@Entity('screening_task')
export class ScreeningTask {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid', unique: true })
  caseId: string;

  @Column({ name: 'victim_id', type: 'uuid' })
  victimId: string;

  @Column({ type: 'text' })
  status: ScreeningTaskStatus;

  @Column({ type: 'text' })
  instrument: RiskInstrument;

  /** Why the task exists, a code: `NEW_REFERRAL` now; re-assessment triggers later. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @VersionColumn()
  version: number;
}
