import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { CheckStatus, KnownToServiceAnswer } from '@stac/domain';

/**
 * Is the person of concern known to the trust's services? (domain.md §3 H2). Only YES / NO / UNKNOWN
 * and a contact route ever leave the trust; clinical detail never does.
 */
@Entity('known_to_services_check')
export class KnownToServicesCheck {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** The platform's pseudonymous id of the person of concern. */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'text' })
  status: CheckStatus;

  @Column({ type: 'text', nullable: true })
  answer: KnownToServiceAnswer | null;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @VersionColumn()
  version: number;
}
