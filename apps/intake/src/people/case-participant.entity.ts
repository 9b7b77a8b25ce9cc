import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { PersonRole } from '@stac/domain';

/**
 * A person's role on a case for a period. Roles change over time (a witness becomes a victim, a
 * counter-allegation makes a victim a person of concern): a change ends one row and starts another,
 * so the history stays. At most one open row per (case, person, role).
 */
@Entity('case_participant')
export class CaseParticipant {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'text' })
  role: PersonRole;

  @Column({ name: 'valid_from', type: 'timestamptz' })
  validFrom: Date;

  @Column({ name: 'valid_to', type: 'timestamptz', nullable: true })
  validTo: Date | null;
}
