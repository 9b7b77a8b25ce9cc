/** Risk-assessment vocabulary (domain.md §4 risk-assessment, §6.8). */

/** Whose risk a record is about: victim-situation screening and perpetrator formulation are different records. */
export const ASSESSMENT_SUBJECTS = ['VICTIM_SITUATION', 'PERSON_OF_CONCERN'] as const;
export type AssessmentSubject = (typeof ASSESSMENT_SUBJECTS)[number];

/** The case's risk level, always set by professional judgement — never graded from a count or score. */
export const RISK_LEVELS = ['STANDARD', 'MEDIUM', 'HIGH'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Structured professional judgement domains (SRP-style formulation) and their levels. */
export const RISK_DOMAINS = ['VIOLENCE', 'PERSISTENCE', 'RECURRENCE', 'PSYCHOSOCIAL_DAMAGE'] as const;
export type RiskDomain = (typeof RISK_DOMAINS)[number];
export const DOMAIN_LEVELS = ['LOW', 'MODERATE', 'HIGH'] as const;
export type DomainLevel = (typeof DOMAIN_LEVELS)[number];
export type DomainLevels = Partial<Record<RiskDomain, DomainLevel>>;

/** Stalker typology (Mullen et al.), used in formulation. */
export const STALKER_TYPES = ['REJECTED', 'RESENTFUL', 'INTIMACY_SEEKING', 'INCOMPETENT_SUITOR', 'PREDATORY', 'UNDETERMINED'] as const;
export type StalkerType = (typeof STALKER_TYPES)[number];

export const ASSESSMENT_STATUSES = ['DRAFT', 'SUBMITTED', 'CURRENT', 'SUPERSEDED'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/** Answers to a screening question; "not known" is a legitimate answer, not a "no". */
export const SCREENING_ANSWERS = ['YES', 'NO', 'NOT_KNOWN'] as const;
export type ScreeningAnswer = (typeof SCREENING_ANSWERS)[number];

/** Why a screening or re-assessment task exists. */
export const RISK_TASK_REASONS = [
  'NEW_REFERRAL',
  'NEW_INCIDENT',
  'BREACH',
  'ARREST',
  'CHARGE',
  'BAIL_CHANGE',
  'RELEASE',
  'ORDER_ENDING',
  'VICTIM_MOVED',
  'REVIEW_DUE',
  // The S-DASH gateway question answered yes in a domestic context: complete the full DASH (§3 D8).
  'DASH_GATEWAY',
] as const;
export type RiskTaskReason = (typeof RISK_TASK_REASONS)[number];

/** Second-person review of a submitted assessment. */
export const REVIEW_DECISIONS = ['APPROVE', 'RETURN'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Domestic abuse: a DASH with this many ticks or more flags the case for a MARAC referral (domain.md §3 D8). */
export const MARAC_TICK_THRESHOLD = 14;

const LEVEL_RANK: Record<RiskLevel, number> = { STANDARD: 0, MEDIUM: 1, HIGH: 2 };

/** The higher of two judged levels (the case is managed at the highest level any current assessment set). */
export function higherLevel(a: RiskLevel | null, b: RiskLevel | null): RiskLevel | null {
  if (!a) return b;
  if (!b) return a;
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

/** The advocacy priority for a shared risk level (HIGH -> URGENT, MEDIUM -> PRIORITY, STANDARD -> ROUTINE). */
export const ADVOCACY_PRIORITY_FOR_LEVEL: Readonly<Record<RiskLevel, 'URGENT' | 'PRIORITY' | 'ROUTINE'>> = {
  HIGH: 'URGENT',
  MEDIUM: 'PRIORITY',
  STANDARD: 'ROUTINE',
};

/**
 * The re-assessment reason a criminal-justice stage change triggers (domain.md §4, §6.8): arrest,
 * charge, and a change of bail status (bailed, released under investigation, remanded); null for
 * stages that are not triggers.
 */
export function reassessmentReasonForCjStage(to: string): 'ARREST' | 'CHARGE' | 'BAIL_CHANGE' | null {
  switch (to) {
    case 'ARRESTED':
      return 'ARREST';
    case 'CHARGED':
      return 'CHARGE';
    case 'BAILED':
    case 'RUI':
    case 'REMANDED':
      return 'BAIL_CHANGE';
    default:
      return null;
  }
}
