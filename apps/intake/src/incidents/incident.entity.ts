import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { BehaviourCode } from '@stac/domain';

/** One incident in the course of conduct (domain.md §4): when, and the behaviour codes. */
@Entity('incident')
export class Incident {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'text', array: true })
  behaviours: BehaviourCode[];

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  /** issuer#subject of who recorded it; null for incidents that came with the referral before this was kept. */
  @Column({ name: 'recorded_by', type: 'text', nullable: true })
  recordedBy: string | null;
}
