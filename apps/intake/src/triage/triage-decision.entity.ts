import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TriageDecisionCode, TriageReason } from '@stac/domain';

/** D3: how S-TAC will handle the case, decided on a screening. */
@Entity('triage_decision')
export class TriageDecision {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'screening_id', type: 'uuid' })
  screeningId: string;

  @Column({ type: 'text' })
  decision: TriageDecisionCode;

  @Column({ type: 'text', array: true })
  reasons: TriageReason[];

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}
