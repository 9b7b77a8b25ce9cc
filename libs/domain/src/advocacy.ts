import type { Agency } from './agencies';
import type { InvestigationMilestone } from './lifecycle';

/**
 * The advocacy charity's vocabulary (domain.md §4 advocacy, §6.1, §6.3, §6.6): codes only, so events,
 * worklists and statistics never need free text.
 */

/** How the victim's consent to advocacy changes over time (§6.6). */
export const CONSENT_CHANGES = ['GIVEN', 'NARROWED', 'WITHDRAWN', 'RE_ENGAGED', 'DECLINED', 'LAWFUL_OVERRIDE'] as const;
export type ConsentChange = (typeof CONSENT_CHANGES)[number];

/** The current consent state a change leaves. */
export const CONSENT_STATES = ['GIVEN', 'WITHDRAWN', 'DECLINED', 'LAWFUL_OVERRIDE'] as const;
export type ConsentState = (typeof CONSENT_STATES)[number];

export const CONSENT_STATE_AFTER: Readonly<Record<ConsentChange, ConsentState>> = {
  GIVEN: 'GIVEN',
  NARROWED: 'GIVEN',
  RE_ENGAGED: 'GIVEN',
  WITHDRAWN: 'WITHDRAWN',
  DECLINED: 'DECLINED',
  LAWFUL_OVERRIDE: 'LAWFUL_OVERRIDE',
};

/** Which changes may follow the current state (null: the referral has not recorded any yet). */
export const CONSENT_CHANGES_FROM: Readonly<Record<ConsentState | 'NONE', readonly ConsentChange[]>> = {
  NONE: ['GIVEN', 'DECLINED', 'LAWFUL_OVERRIDE'],
  GIVEN: ['GIVEN', 'NARROWED', 'WITHDRAWN', 'DECLINED'],
  LAWFUL_OVERRIDE: ['GIVEN', 'DECLINED', 'WITHDRAWN'],
  WITHDRAWN: ['RE_ENGAGED', 'LAWFUL_OVERRIDE'],
  DECLINED: ['RE_ENGAGED', 'LAWFUL_OVERRIDE'],
};

/** Agencies a victim may agree to be told about (consent scope). */
export const CONSENT_SCOPE_AGENCIES = ['police', 'mental-health', 'probation', 'cps'] as const satisfies readonly Agency[];
export type ConsentScopeAgency = (typeof CONSENT_SCOPE_AGENCIES)[number];

export const DECLINE_REASONS = [
  'HAS_OTHER_SUPPORT',
  'DOES_NOT_WANT_SUPPORT_NOW',
  'FEARS_ESCALATION',
  'NOT_CONTACTABLE',
  'WANTS_NO_POLICE_INVOLVEMENT',
  'OTHER',
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number];

// Lawful bases for sharing without consent are intake's LAWFUL_OVERRIDE_BASES (case.ts): one list for both (AC-05).

export const ALLOCATION_REASONS = ['INITIAL', 'CASELOAD_BALANCE', 'ADVOCATE_UNAVAILABLE', 'VICTIM_REQUEST', 'SPECIALIST_NEED', 'CONFLICT_OF_INTEREST'] as const;
export type AllocationReason = (typeof ALLOCATION_REASONS)[number];

export const CONTACT_CHANNELS = ['PHONE', 'SMS', 'EMAIL', 'LETTER', 'IN_PERSON', 'VIDEO'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const CONTACT_PURPOSES = [
  'INITIAL_CONTACT',
  'NEEDS_ASSESSMENT',
  'SAFETY_PLANNING',
  'CJ_UPDATE',
  'EMOTIONAL_SUPPORT',
  'COURT_SUPPORT',
  'REFERRAL_ONWARD',
  'CHECK_IN',
  'CLOSURE',
] as const;
export type ContactPurpose = (typeof CONTACT_PURPOSES)[number];

export const CONTACT_OUTCOMES = ['COMPLETED', 'NO_ANSWER', 'MESSAGE_LEFT', 'RESCHEDULED', 'UNSAFE_TO_TALK', 'DECLINED'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];

export const NEED_AREAS = [
  'SAFETY',
  'HOUSING',
  'HEALTH',
  'CHILDREN',
  'FINANCE',
  'LEGAL',
  'TECHNOLOGY',
  'EMPLOYMENT',
  'IMMIGRATION',
] as const;
export type NeedArea = (typeof NEED_AREAS)[number];

export const NEED_LEVELS = ['NONE', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type NeedLevel = (typeof NEED_LEVELS)[number];

export const NEED_RESPONSES = [
  'NO_ACTION',
  'ADVICE_GIVEN',
  'ISAC_SUPPORT',
  'SAFETY_PLAN_MEASURE',
  'REFERRED_HOUSING',
  'REFERRED_HEALTH',
  'REFERRED_CHILDRENS_SERVICES',
  'REFERRED_FINANCIAL_ADVICE',
  'REFERRED_LEGAL_ADVICE',
  'DIGITAL_SAFETY_CHECK',
  'EMPLOYER_LIAISON',
  'REFERRED_IMMIGRATION_ADVICE',
  'MARAC_REFERRAL',
] as const;
export type NeedResponse = (typeof NEED_RESPONSES)[number];

export const SAFETY_MEASURES = [
  'TARGET_HARDENING',
  'PERSONAL_ALARM',
  'SAFE_PHONE',
  'ROUTE_PLANNING',
  'SOCIAL_MEDIA_SETTINGS',
  'WORK_OR_SCHOOL_PLAN',
  'CHILDRENS_ARRANGEMENTS',
  'DEVICE_CHECK',
  'EVIDENCE_DIARY',
  'TRUSTED_CONTACTS',
  'EMERGENCY_PLAN',
  'POLICE_MARKER',
] as const;
export type SafetyMeasure = (typeof SAFETY_MEASURES)[number];

export const SAFETY_PLAN_STATUSES = ['DRAFT', 'AGREED', 'ACTIVE', 'UNDER_REVIEW', 'CLOSED'] as const;
export type SafetyPlanStatus = (typeof SAFETY_PLAN_STATUSES)[number];

/** DRAFT -> AGREED -> ACTIVE -> UNDER_REVIEW -> (AGREED again after revision | ACTIVE unchanged) ; any -> CLOSED. */
export const SAFETY_PLAN_TRANSITIONS: Readonly<Record<SafetyPlanStatus, readonly SafetyPlanStatus[]>> = {
  DRAFT: ['AGREED', 'CLOSED'],
  AGREED: ['ACTIVE', 'CLOSED'],
  ACTIVE: ['UNDER_REVIEW', 'CLOSED'],
  UNDER_REVIEW: ['AGREED', 'ACTIVE', 'CLOSED'],
  CLOSED: [],
};

/** Why a safety plan review is due. */
export const PLAN_REVIEW_REASONS = ['REVIEW_DATE', 'RISK_INCREASED', 'ORDER_ENDED', 'VICTIM_SITUATION_CHANGED', 'OFFENDER_RELEASED', 'LICENCE_ENDED'] as const;
export type PlanReviewReason = (typeof PLAN_REVIEW_REASONS)[number];

/**
 * Events after which the victim is owed an update: criminal-justice events under the Victims' Code (within
 * 5 working days, 1 for a victim with enhanced rights), and release from custody or the end of a licence
 * under the victim contact scheme (VCS, due within the charity's release-contact setting).
 */
export const UPDATE_TRIGGERS = [
  'ARREST',
  'INTERVIEW',
  'RELEASE_WITHOUT_CHARGE',
  'BAIL_OR_RUI',
  'REMAND',
  'BAIL_CONDITIONS_CHANGED',
  'DECISION_NOT_TO_INVESTIGATE',
  'CHARGE',
  'DECISION_NOT_TO_CHARGE',
  'COURT_OUTCOME',
  'OFFENDER_RELEASED',
  'LICENCE_ENDED',
] as const;
export type UpdateTrigger = (typeof UPDATE_TRIGGERS)[number];

/** Which duty an update obligation discharges: the Victims' Code or the victim contact scheme (VCS). */
export const UPDATE_SCHEMES = ['VICTIMS_CODE', 'VICTIM_CONTACT_SCHEME'] as const;
export type UpdateScheme = (typeof UPDATE_SCHEMES)[number];

export function updateSchemeOf(trigger: UpdateTrigger): UpdateScheme {
  return trigger === 'OFFENDER_RELEASED' || trigger === 'LICENCE_ENDED' ? 'VICTIM_CONTACT_SCHEME' : 'VICTIMS_CODE';
}

/** The Victims' Code update an investigation milestone recorded by the case officer owes the victim. */
export const UPDATE_TRIGGER_FOR_MILESTONE: Readonly<Record<InvestigationMilestone, UpdateTrigger>> = {
  SUSPECT_INTERVIEWED: 'INTERVIEW',
  BAIL_CONDITIONS_CHANGED: 'BAIL_CONDITIONS_CHANGED',
  DECISION_NOT_TO_INVESTIGATE: 'DECISION_NOT_TO_INVESTIGATE',
};

export const VICTIMS_CODE_WORKING_DAYS = { standard: 5, enhanced: 1 } as const;

/** The Victims' Code update a criminal-justice stage change owes the victim (null: none). */
export function updateTriggerForCjStage(to: string): UpdateTrigger | null {
  switch (to) {
    case 'ARRESTED':
      return 'ARREST';
    case 'BAILED':
    case 'RUI':
      return 'BAIL_OR_RUI';
    case 'REMANDED':
      return 'REMAND';
    case 'NFA':
      return 'RELEASE_WITHOUT_CHARGE';
    case 'CHARGED':
      return 'CHARGE';
    case 'NFA_CPS':
      return 'DECISION_NOT_TO_CHARGE';
    case 'CONVICTED':
    case 'ACQUITTED':
    case 'DISCONTINUED':
    case 'SENTENCED':
      return 'COURT_OUTCOME';
    default:
      return null;
  }
}

export const UPDATE_DELIVERY_METHODS = ['PHONE', 'SMS', 'EMAIL', 'LETTER', 'IN_PERSON', 'VIDEO', 'VIA_SAFE_THIRD_PARTY'] as const;
export type UpdateDeliveryMethod = (typeof UPDATE_DELIVERY_METHODS)[number];

/** Why the outbound-communication path refused a message (§6.1). */
export const CONTACT_REFUSALS = [
  'NO_PREFERENCES_RECORDED',
  'CONSENT_NOT_IN_FORCE',
  'NEVER_USE_CHANNEL',
  'NOT_A_SAFE_CHANNEL',
  'OUTSIDE_SAFE_HOURS',
  'CONFIDENTIAL_ADDRESS',
  'NO_ADDRESS_FOR_CHANNEL',
] as const;
export type ContactRefusal = (typeof CONTACT_REFUSALS)[number];

export const VICTIM_SITUATION_CHANGES = ['MOVED', 'NEW_PARTNER', 'NEW_JOB', 'NEW_SCHOOL', 'TEMPORARY_REFUGE', 'OTHER'] as const;
export type VictimSituationChange = (typeof VICTIM_SITUATION_CHANGES)[number];

export const FEEDBACK_MILESTONES = ['FIRST_CONTACT', 'SAFETY_PLAN_AGREED', 'COURT_OUTCOME', 'CASE_CLOSED'] as const;
export type FeedbackMilestone = (typeof FEEDBACK_MILESTONES)[number];
export const FEEDBACK_RESPONDENTS = ['VICTIM', 'REFERRER'] as const;
export type FeedbackRespondent = (typeof FEEDBACK_RESPONDENTS)[number];
export const FEEDBACK_QUESTIONS = ['FELT_SAFER', 'FELT_LISTENED_TO', 'KEPT_INFORMED', 'EASY_TO_CONTACT', 'WOULD_RECOMMEND'] as const;
export type FeedbackQuestion = (typeof FEEDBACK_QUESTIONS)[number];
