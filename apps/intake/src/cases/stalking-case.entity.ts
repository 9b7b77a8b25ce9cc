import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { CaseFlag, CaseStatus, OffenceClass, ReferralSource } from '@stac/domain';

/** A stalking case as referred to S-TAC (domain.md §4, intake). */
@Entity('stalking_case')
export class StalkingCase {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'crime_reference', type: 'text', unique: true })
  crimeReference: string;

  @Column({ type: 'text' })
  source: ReferralSource;

  @Column({ name: 'offence_class', type: 'text' })
  offenceClass: OffenceClass;

  @Column({ name: 'not_stalking_rationale', type: 'text', nullable: true })
  notStalkingRationale: string | null;

  @Column({ type: 'text', array: true })
  flags: CaseFlag[];

  @Column({ type: 'text' })
  bcu: string;

  @Column({ name: 'case_officer', type: 'text', nullable: true })
  caseOfficer: string | null;

  @Column({ type: 'text' })
  status: CaseStatus;

  @Column({ name: 'referred_at', type: 'timestamptz' })
  referredAt: Date;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
