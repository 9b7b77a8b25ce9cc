import type { InterventionLegalBasis, InterventionStatus } from './mental-health';

/**
 * Probation's part of the pathway (domain.md §3 steps 4 and 11, D12, D14; §4 probation): supervision
 * checks, consultations on complex cases, MAPPA, and the sentence dates that trigger re-assessment.
 */

/** How a partner agency reaches probation about this person (the route only; the contact point stays in probation). */
export const PROBATION_CONTACT_ROUTES = ['OFFENDER_MANAGER', 'DUTY_OFFICER', 'PROBATION_DELIVERY_UNIT', 'MAPPA_COORDINATOR', 'NONE'] as const;
export type ProbationContactRoute = (typeof PROBATION_CONTACT_ROUTES)[number];

export const PROBATION_CONSULTATION_KINDS = ['PRE_SENTENCE_REPORT', 'POST_CONVICTION'] as const;
export type ProbationConsultationKind = (typeof PROBATION_CONSULTATION_KINDS)[number];

/** Probation's coded recommendations on a complex case (D12, D13). */
export const PROBATION_RECOMMENDATION_CODES = [
  'COMMUNITY_ORDER_WITH_REQUIREMENTS',
  'SUSPENDED_SENTENCE_WITH_REQUIREMENTS',
  'CUSTODIAL_SENTENCE',
  'RESTRAINING_ORDER',
  'STALKING_INTERVENTION',
  'MENTAL_HEALTH_TREATMENT_REQUIREMENT',
  'REFER_TO_MAPPA',
  'LICENCE_CONDITIONS',
  'JOINT_SUPERVISION_WITH_MENTAL_HEALTH',
  'NO_FURTHER_PROBATION_ROLE',
] as const;
export type ProbationRecommendationCode = (typeof PROBATION_RECOMMENDATION_CODES)[number];

/** Licence-condition recommendations; an exclusion zone's geography is victim.location data. */
export const LICENCE_CONDITION_TYPES = ['NON_CONTACT', 'EXCLUSION_ZONE', 'CURFEW', 'ELECTRONIC_MONITORING', 'INTERVENTION_REQUIREMENT'] as const;
export type LicenceConditionType = (typeof LICENCE_CONDITION_TYPES)[number];

/** MAPPA (D14): category 1-3 and management level 1-3. */
export const MAPPA_CATEGORIES = [1, 2, 3] as const;
export type MappaCategory = (typeof MAPPA_CATEGORIES)[number];
export const MAPPA_LEVELS = [1, 2, 3] as const;
export type MappaLevel = (typeof MAPPA_LEVELS)[number];
export const MAPPA_LEAD_AGENCIES = ['PROBATION', 'POLICE', 'PRISON', 'MENTAL_HEALTH'] as const;
export type MappaLeadAgency = (typeof MAPPA_LEAD_AGENCIES)[number];

/**
 * Interventions probation enforces (D13, domain.md §3 step 11): a requirement of a community order or a
 * licence condition. One of these ending BREACHED or DISENGAGED opens an enforcement review for the
 * practitioner; an SPO requirement's breach is the police's (intake's breach fast path), a voluntary one has
 * nothing to enforce.
 */
export const PROBATION_ENFORCED_BASES: readonly InterventionLegalBasis[] = ['COMMUNITY_ORDER', 'LICENCE_CONDITION'];
export const ENFORCEMENT_TRIGGERS: readonly InterventionStatus[] = ['BREACHED', 'DISENGAGED'];
export const ENFORCEMENT_REVIEW_STATUSES = ['OPEN', 'DECIDED'] as const;
export type EnforcementReviewStatus = (typeof ENFORCEMENT_REVIEW_STATUSES)[number];
/** What the practitioner decides on an enforcement review (coded; design choice after the enforcement options of the Probation Service). */
export const ENFORCEMENT_OUTCOMES = ['NO_FURTHER_ACTION', 'WARNING', 'BREACH_PROCEEDINGS', 'RECALL_REQUESTED'] as const;
export type EnforcementOutcome = (typeof ENFORCEMENT_OUTCOMES)[number];

/** A worklist shows releases this many days ahead (domain design choice). */
export const RELEASE_WORKLIST_DAYS = 28;

/** One formatter for every call: building an Intl.DateTimeFormat costs far more than formatting with it. */
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in England and Wales (Europe/London) of an instant: release and licence dates fall on days. */
export function londonDate(at: Date): string {
  return LONDON_DATE.format(at);
}

/** `YYYY-MM-DD` plus whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
