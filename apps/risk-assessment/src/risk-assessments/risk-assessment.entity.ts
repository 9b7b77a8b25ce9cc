import { Column, Entity, PrimaryColumn, VersionColumn } from 'typeorm';
import type {
  Agency,
  AssessmentStatus,
  AssessmentSubject,
  DomainLevels,
  RiskInstrument,
  RiskLevel,
  ScreeningAnswer,
  StalkerType,
} from '@stac/domain';

/**
 * One risk assessment of a case: a victim-situation screening or a person-of-concern formulation,
 * made with one version of one instrument. Belongs to the assessor's agency; others see only the
 * shareable summary. The level is the assessor's judgement, never computed from the count.
 */
@Entity('risk_assessment')
export class RiskAssessment {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  subject: AssessmentSubject;

  @Column({ type: 'text' })
  instrument: RiskInstrument;

  @Column({ name: 'instrument_version', type: 'integer' })
  instrumentVersion: number;

  @Column({ type: 'text' })
  status: AssessmentStatus;

  /** Item answers, only for instruments whose items may be stored (S-DASH). */
  @Column({ type: 'jsonb', nullable: true })
  answers: { question: string; answer: ScreeningAnswer }[] | null;

  /** Yes answers (S-DASH) or ticks (DASH): information for the assessor only. */
  @Column({ name: 'yes_count', type: 'integer', nullable: true })
  yesCount: number | null;

  @Column({ name: 'marac_flag', type: 'boolean' })
  maracFlag: boolean;

  @Column({ type: 'text', nullable: true })
  level: RiskLevel | null;

  /**
   * Field group `risk.rationale`. Not a column: held sealed in `rationaleEnc` (DP-02), opened on load and
   * sealed on save by RiskRecordSealing.
   */
  rationale: string | null;

  /** AES-256-GCM under RISK_ASSESSMENT_DATA_KEYS, key id in the ciphertext, bound to (id, 'rationale'). */
  @Column({ name: 'rationale_enc', type: 'bytea', nullable: true })
  rationaleEnc: Buffer | null;

  /** Expand/contract: the plaintext of rows saved before DP-02 sealing; cleared on save and by `pnpm keys rotate`. */
  @Column({ name: 'rationale', type: 'text', nullable: true })
  rationaleUnsealed: string | null;

  @Column({ name: 'domain_levels', type: 'jsonb' })
  domainLevels: DomainLevels;

  @Column({ name: 'stalker_type', type: 'text', nullable: true })
  stalkerType: StalkerType | null;

  @Column({ name: 'stalker_type_shared', type: 'boolean' })
  stalkerTypeShared: boolean;

  /** Field group `risk.rationale`; like `rationale`, held sealed in `formulationEnc`. */
  formulation: string | null;

  /** AES-256-GCM under RISK_ASSESSMENT_DATA_KEYS, key id in the ciphertext, bound to (id, 'formulation'). */
  @Column({ name: 'formulation_enc', type: 'bytea', nullable: true })
  formulationEnc: Buffer | null;

  /** Expand/contract: the plaintext of rows saved before DP-02 sealing; cleared on save and by `pnpm keys rotate`. */
  @Column({ name: 'formulation', type: 'text', nullable: true })
  formulationUnsealed: string | null;

  @Column({ name: 'requires_review', type: 'boolean' })
  requiresReview: boolean;

  @Column({ name: 'owner_agency', type: 'text' })
  ownerAgency: Agency;

  @Column({ name: 'assessor_issuer', type: 'text' })
  assessorIssuer: string;

  @Column({ name: 'assessor_subject', type: 'text' })
  assessorSubject: string;

  @Column({ name: 'assessor_role', type: 'text' })
  assessorRole: string;

  @Column({ name: 'reviewer_issuer', type: 'text', nullable: true })
  reviewerIssuer: string | null;

  @Column({ name: 'reviewer_subject', type: 'text', nullable: true })
  reviewerSubject: string | null;

  @Column({ name: 'reviewer_agency', type: 'text', nullable: true })
  reviewerAgency: string | null;

  @Column({ name: 'reviewer_role', type: 'text', nullable: true })
  reviewerRole: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'task_id', type: 'uuid', nullable: true })
  taskId: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'current_from', type: 'timestamptz', nullable: true })
  currentFrom: Date | null;

  @Column({ name: 'superseded_at', type: 'timestamptz', nullable: true })
  supersededAt: Date | null;

  @Column({ name: 'valid_until', type: 'timestamptz', nullable: true })
  validUntil: Date | null;

  @Column({ name: 'next_review_due', type: 'timestamptz', nullable: true })
  nextReviewDue: Date | null;

  /** The review date a `risk.review.due` event was already emitted for (the scan emits once per date). */
  @Column({ name: 'review_notified_for', type: 'timestamptz', nullable: true })
  reviewNotifiedFor: Date | null;

  @VersionColumn()
  version: number;
}
