import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The history of both state machines of a case: who moved it, from what, to what, and why. */
@Entity('case_transition')
export class CaseTransition {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  machine: 'STATUS' | 'CJ_STAGE';

  @Column({ name: 'from_state', type: 'text' })
  fromState: string;

  @Column({ name: 'to_state', type: 'text' })
  toState: string;

  @Column({ name: 'reason_code', type: 'text', nullable: true })
  reasonCode: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** The event that moved the case (NEW_INCIDENT, BREACH, SCREENING...), or null when a person did. */
  @Column({ type: 'text', nullable: true })
  trigger: string | null;

  @Column({ type: 'text' })
  actor: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt: Date;
}
