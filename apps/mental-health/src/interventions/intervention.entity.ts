import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type { InterventionLegalBasis, InterventionStatus, SessionStatus, SuitabilityReason } from '@stac/domain';

/** A psychologically informed intervention for the person of concern (D13). */
@Entity('intervention')
export class Intervention {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ type: 'text' }) status: InterventionStatus;
  @Column({ name: 'legal_basis', type: 'text' }) legalBasis: InterventionLegalBasis;
  @Column({ name: 'voluntary_agreement_recorded', type: 'boolean' }) voluntaryAgreementRecorded: boolean;
  /** Intake's protective order carrying the SPO requirement. */
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ type: 'text', nullable: true }) programme: string | null;
  @Column({ name: 'suitability_reasons', type: 'text', array: true }) suitabilityReasons: SuitabilityReason[];
  /** On the waiting list (SUITABLE, not yet started) since. */
  @Column({ name: 'waiting_since', type: 'timestamptz', nullable: true }) waitingSince: Date | null;
  @Column({ name: 'sessions_planned', type: 'int' }) sessionsPlanned: number;
  @Column({ name: 'proposed_at', type: 'timestamptz' }) proposedAt: Date;
  @VersionColumn() version: number;
}

@Entity('intervention_transition')
export class InterventionTransition {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState: InterventionStatus | null;
  @Column({ name: 'to_state', type: 'text' }) toState: InterventionStatus;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ type: 'text' }) actor: string;
  @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt: Date;
}

@Entity('intervention_session')
export class InterventionSession {
  @PrimaryColumn('uuid') id: string;
  @Column({ name: 'intervention_id', type: 'uuid' }) interventionId: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'scheduled_for', type: 'timestamptz' }) scheduledFor: Date;
  @Column({ type: 'text' }) status: SessionStatus;
  @Column({ name: 'recorded_by', type: 'text', nullable: true }) recordedBy: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz', nullable: true }) recordedAt: Date | null;
}
