import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { AdvocacyOfferStatus, AdvocacyPriority } from '@stac/domain';

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

  /** From the case's shared risk level (`risk.level.changed.v1`): HIGH -> URGENT, MEDIUM -> PRIORITY, STANDARD -> ROUTINE. */
  @Column({ type: 'text', nullable: true })
  priority: AdvocacyPriority | null;

  /** When the level behind `priority` changed; an older event never overwrites a newer one. */
  @Column({ name: 'risk_level_changed_at', type: 'timestamptz', nullable: true })
  riskLevelChangedAt: Date | null;

  @VersionColumn()
  version: number;
}
