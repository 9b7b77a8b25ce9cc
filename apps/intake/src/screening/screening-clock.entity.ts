import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The screening clock of one screening round (domain.md §3 step 3, §6.3): started at referral (or when a
 * closed case re-opens), due after the target in working days on the England and Wales calendar, and
 * stopped when advice goes to the case officer.
 */
@Entity('screening_clock')
export class ScreeningClock {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'integer' })
  round: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'target_working_days', type: 'integer' })
  targetWorkingDays: number;

  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true })
  stoppedAt: Date | null;
}
