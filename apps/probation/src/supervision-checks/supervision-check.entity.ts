import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { CheckStatus, ProbationContactRoute, SupervisionStatus } from '@stac/domain';

/**
 * Is the person of concern under probation supervision? (domain.md §3 H2). Only the supervision status
 * and a contact route are shared back.
 */
@Entity('supervision_check')
export class SupervisionCheck {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** The platform's pseudonymous id of the person of concern. */
  @Column({ name: 'person_id', type: 'uuid' })
  personId: string;

  @Column({ type: 'text' })
  status: CheckStatus;

  @Column({ name: 'supervision_status', type: 'text', nullable: true })
  supervisionStatus: SupervisionStatus | null;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true })
  answeredAt: Date | null;

  @Column({ name: 'contact_route', type: 'text', nullable: true })
  contactRoute: ProbationContactRoute | null;

  /** The team's contact point (never the person's); stays in probation. */
  @Column({ name: 'contact_point', type: 'text', nullable: true })
  contactPoint: string | null;

  /** HMAC of the probation case reference under PROBATION_SEARCH_KEY: findable, never stored in clear. */
  @Column({ name: 'reference_token', type: 'bytea', nullable: true })
  referenceToken: Buffer | null;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'answered_by', type: 'text', nullable: true })
  answeredBy: string | null;

  @VersionColumn()
  version: number;
}
