import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { AdvocacyOfferStatus } from '@stac/domain';

/**
 * Advocacy runs in parallel from referral (domain.md §3 step 6): the victim is offered an ISAC and
 * consents or declines. The offer is pending until the victim answers.
 */
@Entity('advocacy_offer')
export class AdvocacyOffer {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid', unique: true })
  caseId: string;

  @Column({ name: 'victim_id', type: 'uuid' })
  victimId: string;

  @Column({ type: 'text' })
  status: AdvocacyOfferStatus;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @VersionColumn()
  version: number;
}
