import { Column, Entity, PrimaryColumn } from 'typeorm';

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
}
