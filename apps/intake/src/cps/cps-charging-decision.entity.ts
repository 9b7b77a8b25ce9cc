import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChargingDecision, CjStage } from '@stac/domain';

/** A CPS charging decision (D10) recorded on the police case file; the latest one stands. */
@Entity('cps_charging_decision')
export class CpsChargingDecision {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  decision: ChargingDecision;

  /** FURTHER_EVIDENCE: when the file comes back for review (a date). */
  @Column({ name: 'review_date', type: 'date', nullable: true })
  reviewDate: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ name: 'cj_stage_after', type: 'text' })
  cjStageAfter: CjStage;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy: string;

  @Column({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}
