import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DisclosureReviewOutcome } from '@stac/domain';

/** The Caldicott guardian's review of one disclosure (an access-log entry of the trust). */
@Entity('disclosure_review')
export class DisclosureReview {
  @PrimaryColumn({ name: 'access_log_id', type: 'uuid' }) accessLogId: string;
  @Column({ type: 'text' }) outcome: DisclosureReviewOutcome;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'reviewed_by', type: 'text' }) reviewedBy: string;
  @Column({ name: 'reviewed_at', type: 'timestamptz' }) reviewedAt: Date;
}
