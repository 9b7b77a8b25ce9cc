import type { StateMachine } from './lifecycle';

/**
 * The NHS trust's liaison and intervention records (domain.md §4 mental-health, §3 steps 4, 7, 11).
 * Codes only: clinical detail lives in the trust's encrypted notes and never in these vocabularies.
 */

/** A consultation S-TAC asks of the trust's liaison team. */
export const MH_CONSULTATION_STATUSES = ['REQUESTED', 'TRIAGED', 'IN_PROGRESS', 'ADVICE_SHARED', 'CLOSED'] as const;
export type MhConsultationStatus = (typeof MH_CONSULTATION_STATUSES)[number];

export const MH_CONSULTATION_LIFECYCLE: StateMachine<MhConsultationStatus> = {
  name: 'mental-health-consultation',
  states: MH_CONSULTATION_STATUSES,
  initial: 'REQUESTED',
  transitions: {
    REQUESTED: ['TRIAGED'],
    TRIAGED: ['IN_PROGRESS'],
    IN_PROGRESS: ['ADVICE_SHARED'],
    ADVICE_SHARED: ['CLOSED'],
    CLOSED: [],
  },
};

export const MH_URGENCIES = ['ROUTINE', 'URGENT', 'EMERGENCY'] as const;
export type MhUrgency = (typeof MH_URGENCIES)[number];

/** D6: the mental-health route recommended to the multi-agency record. */
export const MH_RECOMMENDATIONS = ['NONE', 'CO_WORK', 'DIVERT', 'MHA_ASSESSMENT', 'TREATMENT_OFFER'] as const;
export type MhRecommendation = (typeof MH_RECOMMENDATIONS)[number];

/** Co-working (the trust works the case alongside the lead agency) or diversion (into care instead of prosecution). */
export const MH_ARRANGEMENT_KINDS = ['CO_WORK', 'DIVERSION'] as const;
export type MhArrangementKind = (typeof MH_ARRANGEMENT_KINDS)[number];
export const MH_ARRANGEMENT_STATUSES = ['ACTIVE', 'ENDED'] as const;
export type MhArrangementStatus = (typeof MH_ARRANGEMENT_STATUSES)[number];
export const DIVERSION_OUTCOMES = [
  'PENDING',
  'DIVERTED_TO_COMMUNITY_TEAM',
  'ADMITTED_INFORMALLY',
  'DETAINED_UNDER_MHA',
  'NOT_DETAINED_AFTER_MHA_ASSESSMENT',
  'DECLINED_BY_PERSON',
  'NOT_DIVERTED',
] as const;
export type DiversionOutcome = (typeof DIVERSION_OUTCOMES)[number];

/** D13: psychologically informed interventions for the person stalking. */
export const INTERVENTION_STATUSES = [
  'PROPOSED',
  'ASSESSING',
  'UNSUITABLE',
  'SUITABLE',
  'STARTED',
  'ACTIVE',
  'PAUSED',
  'COMPLETED',
  'DISENGAGED',
  'BREACHED',
  'TERMINATED',
] as const;
export type InterventionStatus = (typeof INTERVENTION_STATUSES)[number];

export const INTERVENTION_LIFECYCLE: StateMachine<InterventionStatus> = {
  name: 'intervention',
  states: INTERVENTION_STATUSES,
  initial: 'PROPOSED',
  transitions: {
    PROPOSED: ['ASSESSING'],
    ASSESSING: ['UNSUITABLE', 'SUITABLE'],
    UNSUITABLE: [],
    // SUITABLE is the waiting list until a place starts.
    SUITABLE: ['STARTED'],
    STARTED: ['ACTIVE', 'PAUSED'],
    ACTIVE: ['PAUSED', 'COMPLETED', 'DISENGAGED', 'BREACHED', 'TERMINATED'],
    PAUSED: ['ACTIVE', 'DISENGAGED', 'BREACHED', 'TERMINATED'],
    COMPLETED: [],
    DISENGAGED: [],
    BREACHED: [],
    TERMINATED: [],
  },
};

/** An intervention in these states is active: the case cannot close (domain.md §3 step 12). */
export const INTERVENTION_ACTIVE: readonly InterventionStatus[] = ['STARTED', 'ACTIVE', 'PAUSED'];
export const INTERVENTION_ENDED: readonly InterventionStatus[] = ['UNSUITABLE', 'COMPLETED', 'DISENGAGED', 'BREACHED', 'TERMINATED'];

export const INTERVENTION_LEGAL_BASES = ['SPO_REQUIREMENT', 'COMMUNITY_ORDER', 'LICENCE_CONDITION', 'VOLUNTARY'] as const;
export type InterventionLegalBasis = (typeof INTERVENTION_LEGAL_BASES)[number];
/** D13 needs a compulsory basis unless a voluntary agreement is recorded. */
export const COMPULSORY_LEGAL_BASES: readonly InterventionLegalBasis[] = ['SPO_REQUIREMENT', 'COMMUNITY_ORDER', 'LICENCE_CONDITION'];

/** Coded reasons for a suitability decision (design choice); detail goes in the clinical notes. */
export const SUITABILITY_REASONS = [
  'ENGAGEMENT_LIKELY',
  'FORMULATION_SUPPORTS_INTERVENTION',
  'COMPULSORY_BASIS_IN_PLACE',
  'VOLUNTARY_AGREEMENT_RECORDED',
  'ACUTE_ILLNESS_NEEDS_TREATMENT_FIRST',
  'SUBSTANCE_MISUSE_NEEDS_TREATMENT_FIRST',
  'DENIES_BEHAVIOUR',
  'RISK_NOT_MANAGEABLE_IN_COMMUNITY',
  'ALREADY_IN_TREATMENT',
  'NO_COMPULSORY_BASIS',
  'OTHER',
] as const;
export type SuitabilityReason = (typeof SUITABILITY_REASONS)[number];

/** Why an intervention ended early or paused. */
export const INTERVENTION_END_REASONS = ['NON_ATTENDANCE', 'WITHDREW_CONSENT', 'CUSTODY', 'RISK_ESCALATION', 'ORDER_ENDED', 'CLINICAL_DECISION', 'OTHER'] as const;
export type InterventionEndReason = (typeof INTERVENTION_END_REASONS)[number];

export const SESSION_STATUSES = ['PLANNED', 'ATTENDED', 'MISSED', 'CANCELLED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** The Caldicott guardian's review of one disclosure out of the trust. */
export const DISCLOSURE_REVIEW_OUTCOMES = ['APPROPRIATE', 'NOT_APPROPRIATE', 'NEEDS_FOLLOW_UP'] as const;
export type DisclosureReviewOutcome = (typeof DISCLOSURE_REVIEW_OUTCOMES)[number];
