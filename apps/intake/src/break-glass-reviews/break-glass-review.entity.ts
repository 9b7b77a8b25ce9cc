import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BreakGlassReviewOutcome } from '@stac/contracts';

/** Every break-glass access becomes a review task for the owning agency's DPO (AC-06). */
@Entity('break_glass_review')
export class BreakGlassReview {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'relationship_id', type: 'uuid' })
  relationshipId: string;

  @Column({ name: 'opened_by', type: 'text' })
  openedBy: string;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'text' })
  status: 'OPEN' | 'REVIEWED';

  /** When the alarm was raised (the alert consumer handled the event). */
  @Column({ name: 'alerted_at', type: 'timestamptz', nullable: true })
  alertedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  outcome: BreakGlassReviewOutcome | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'reviewed_by', type: 'text', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ type: 'integer', default: 1 })
  version: number;
}
