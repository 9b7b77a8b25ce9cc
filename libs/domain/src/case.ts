/** Intake vocabulary (domain.md §4). */
export const REFERRAL_SOURCES = ['CRIME_REPORT', 'PARTNER_AGENCY', 'CUSTODY_TRIGGER', 'ORDER_BREACH'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];

export const OFFENCE_CLASSES = ['S2A', 'S4A_FEAR', 'S4A_DISTRESS', 'S2', 'S4', 'OTHER'] as const;
export type OffenceClass = (typeof OFFENCE_CLASSES)[number];
/** Harassment (not stalking) classifications need a written rationale (CPS/NPCC protocol). */
export const HARASSMENT_CLASSES: readonly OffenceClass[] = ['S2', 'S4'];

/**
 * `STAFF_LINKED`: a police officer or a member of an agency's staff is involved (victim, suspect or
 * witness). `STAFF_LINKED` and `PUBLIC_FIGURE` restrict the case to the people named on it.
 */
export const CASE_FLAGS = ['DOMESTIC', 'CYBER', 'HATE', 'CHILD', 'PUBLIC_FIGURE', 'STAFF_LINKED'] as const;
export type CaseFlag = (typeof CASE_FLAGS)[number];

/** Flags that restrict a case to the people named on it, in every service (restricted records). */
export const RESTRICTING_FLAGS = ['STAFF_LINKED', 'PUBLIC_FIGURE'] as const satisfies readonly CaseFlag[];
export type RestrictionKind = (typeof RESTRICTING_FLAGS)[number];

export const CASE_STATUSES = ['REFERRED', 'SCREENING', 'TRIAGED', 'ACTIVE', 'MONITORING', 'CLOSED', 'REOPENED'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PERSON_ROLES = ['VICTIM', 'PERSON_OF_CONCERN', 'PROTECTED_THIRD_PARTY'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/** Behaviour codes: the s2A(3) list plus threats, violence, cyber, third-party contact and breach. */
export const BEHAVIOUR_CODES = [
  'FOLLOWING',
  'CONTACTING',
  'PUBLISHING',
  'MONITORING_COMMUNICATIONS',
  'LOITERING',
  'INTERFERING_WITH_PROPERTY',
  'WATCHING_SPYING',
  'THREATS',
  'VIOLENCE',
  'CYBER',
  'THIRD_PARTY_CONTACT',
  'BREACH',
] as const;
export type BehaviourCode = (typeof BEHAVIOUR_CODES)[number];

/**
 * How the victim came to be referred to advocacy (AC-05): their consent, or a lawful override with its
 * basis, decided by someone allowed to override. Without either, advocacy is not told of the case.
 */
export const ADVOCACY_REFERRAL_CHOICES = ['CONSENT_GIVEN', 'CONSENT_DECLINED', 'NOT_YET_ASKED', 'LAWFUL_OVERRIDE'] as const;
export type AdvocacyReferralChoice = (typeof ADVOCACY_REFERRAL_CHOICES)[number];
export const LAWFUL_OVERRIDE_BASES = ['VITAL_INTERESTS', 'SAFEGUARDING_CHILD_OR_ADULT_AT_RISK', 'PREVENTION_OF_CRIME'] as const;
export type LawfulOverrideBasis = (typeof LAWFUL_OVERRIDE_BASES)[number];
export type AdvocacyReferralBasis = 'CONSENT' | 'LAWFUL_OVERRIDE';
