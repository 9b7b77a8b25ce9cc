import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RiskLevel } from '@stac/domain';

/**
 * The case's current shared risk level as the risk service last announced it (`risk.level.changed.v1`).
 * Intake keeps only the level and when it changed — never the assessment or its rationale.
 */
@Entity('case_risk_level')
export class CaseRiskLevel {
  @PrimaryColumn({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  level: RiskLevel;

  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt: Date;

  /** The risk summary version that set the level (the event's aggregateVersion); older events never overwrite newer ones. */
  @Column({ name: 'summary_version', type: 'integer' })
  summaryVersion: number;

  @Column({ name: 'source_event_id', type: 'uuid' })
  sourceEventId: string;
}
