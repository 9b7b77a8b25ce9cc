import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PersonRole } from '@stac/domain';

/** A person's role on a case; roles change over time, so each has its own period. */
@Entity('case_participant')
export class CaseParticipant {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @PrimaryColumn({ name: 'person_id', type: 'uuid' })
  personId: string;

  @PrimaryColumn({ type: 'text' })
  role: PersonRole;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo: Date | null;
}
