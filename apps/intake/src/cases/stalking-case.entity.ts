import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { AdvocacyReferralChoice, LawfulOverrideBasis, CaseFlag, CaseStatus, CjStage, ClosureReason, OffenceClass, ReferralSource, ReferringPartner } from '@stac/domain';

/** A stalking case as referred to S-TAC (domain.md §4, intake). */
@Entity('stalking_case')
export class StalkingCase {
  @PrimaryColumn('uuid')
  id: string;

  /** Null only on a partner agency's referral until the police attach it. */
  @Column({ name: 'crime_reference', type: 'text', unique: true, nullable: true })
  crimeReference: string | null;

  /** PARTNER_AGENCY referrals: who referred (a code). */
  @Column({ name: 'partner_agency', type: 'text', nullable: true })
  partnerAgency: ReferringPartner | null;

  /** CUSTODY_TRIGGER referrals: the PACE relevant time the screening clock's custody window runs from. */
  @Column({ name: 'custody_started_at', type: 'timestamptz', nullable: true })
  custodyStartedAt: Date | null;

  @Column({ type: 'text' })
  source: ReferralSource;

  @Column({ name: 'offence_class', type: 'text' })
  offenceClass: OffenceClass;

  @Column({ name: 'not_stalking_rationale', type: 'text', nullable: true })
  notStalkingRationale: string | null;

  @Column({ type: 'text', array: true })
  flags: CaseFlag[];

  @Column({ type: 'text' })
  bcu: string;

  @Column({ name: 'case_officer', type: 'text', nullable: true })
  caseOfficer: string | null;

  @Column({ type: 'text' })
  status: CaseStatus;

  @Column({ name: 'referred_at', type: 'timestamptz' })
  referredAt: Date;

  /** The parallel criminal-justice stage (lifecycle/, migration 1764400000000). */
  @Column({ name: 'cj_stage', type: 'text', default: 'PRE_ARREST' })
  cjStage: CjStage;

  @Column({ name: 'closure_reason', type: 'text', nullable: true })
  closureReason: ClosureReason | null;

  @Column({ name: 'closure_note', type: 'text', nullable: true })
  closureNote: string | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'reopened_at', type: 'timestamptz', nullable: true })
  reopenedAt: Date | null;

  /** While BAILED: when the suspect answers bail (migration 1764400300000). */
  @Column({ name: 'bail_return_at', type: 'timestamptz', nullable: true })
  bailReturnAt: Date | null;

  /** The victim's answer to referral to advocacy (AC-05). */
  @Column({ name: 'advocacy_referral', type: 'text', default: 'NOT_YET_ASKED' })
  advocacyReferral: AdvocacyReferralChoice;

  @Column({ name: 'advocacy_override_basis', type: 'text', nullable: true })
  advocacyOverrideBasis: LawfulOverrideBasis | null;

  /** Who decided the override (issuer#subject): it needs its own permission. */
  @Column({ name: 'advocacy_override_by', type: 'text', nullable: true })
  advocacyOverrideBy: string | null;

  @VersionColumn()
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
