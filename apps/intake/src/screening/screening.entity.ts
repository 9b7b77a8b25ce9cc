import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OffenceClass } from '@stac/domain';

/** D1: the FOUR test as the screener recorded it, and the resulting classification. */
@Entity('screening')
export class Screening {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'integer' })
  round: number;

  @Column({ type: 'boolean' })
  fixated: boolean;
  @Column({ name: 'fixated_note', type: 'text' })
  fixatedNote: string;

  @Column({ type: 'boolean' })
  obsessive: boolean;
  @Column({ name: 'obsessive_note', type: 'text' })
  obsessiveNote: string;

  @Column({ type: 'boolean' })
  unwanted: boolean;
  @Column({ name: 'unwanted_note', type: 'text' })
  unwantedNote: string;

  @Column({ type: 'boolean' })
  repeated: boolean;
  @Column({ name: 'repeated_note', type: 'text' })
  repeatedNote: string;

  @Column({ name: 'offence_class', type: 'text' })
  offenceClass: OffenceClass;

  @Column({ name: 'not_stalking_rationale', type: 'text', nullable: true })
  notStalkingRationale: string | null;

  @Column({ name: 'screened_by', type: 'text' })
  screenedBy: string;

  @Column({ name: 'screened_at', type: 'timestamptz' })
  screenedAt: Date;
}
