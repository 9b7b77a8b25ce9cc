import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { SentenceDateField } from '@stac/contracts';

/** One change of a case's sentence dates: the dates as they became, which changed, who changed them and when (the history). */
@Entity('sentence_dates_change')
export class SentenceDatesChange {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' }) caseId: string;
  /** The version of the dates this change made. */
  @PrimaryColumn({ type: 'int' }) version: number;

  @Column({ name: 'custody_start', type: 'date', nullable: true }) custodyStart: string | null;
  @Column({ name: 'expected_release', type: 'date', nullable: true }) expectedRelease: string | null;
  @Column({ name: 'actual_release', type: 'date', nullable: true }) actualRelease: string | null;
  @Column({ name: 'licence_end', type: 'date', nullable: true }) licenceEnd: string | null;
  @Column({ name: 'supervision_end', type: 'date', nullable: true }) supervisionEnd: string | null;

  @Column({ name: 'changed_fields', type: 'text', array: true }) changedFields: SentenceDateField[];
  @Column({ name: 'changed_by', type: 'text' }) changedBy: string;
  @Column({ name: 'changed_at', type: 'timestamptz' }) changedAt: Date;
}
