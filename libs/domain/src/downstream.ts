/** Vocabulary of the parts other services open for a referred case. */
export const SCREENING_TASK_STATUSES = ['OPEN', 'COMPLETED', 'CANCELLED'] as const;
export type ScreeningTaskStatus = (typeof SCREENING_TASK_STATUSES)[number];

export const RISK_INSTRUMENTS = ['S_DASH', 'DASH', 'SASH', 'SRP', 'PROFESSIONAL_JUDGEMENT'] as const;
export type RiskInstrument = (typeof RISK_INSTRUMENTS)[number];

export const ADVOCACY_OFFER_STATUSES = ['PENDING', 'ENGAGED', 'DECLINED', 'WITHDRAWN'] as const;
export type AdvocacyOfferStatus = (typeof ADVOCACY_OFFER_STATUSES)[number];

/** Known-to-services checks: only yes / no / unknown and a contact route come back (domain.md §3 H2). */
export const CHECK_STATUSES = ['REQUESTED', 'ANSWERED'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];
export const KNOWN_TO_SERVICE_ANSWERS = ['YES', 'NO', 'UNKNOWN'] as const;
export type KnownToServiceAnswer = (typeof KNOWN_TO_SERVICE_ANSWERS)[number];
export const SUPERVISION_STATUSES = ['NONE', 'PRE_SENTENCE', 'COMMUNITY', 'CUSTODY', 'LICENCE'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];

/** How urgently the advocacy service works a victim's offer, set from the case's shared risk level. */
export const ADVOCACY_PRIORITIES = ['URGENT', 'PRIORITY', 'ROUTINE'] as const;
export type AdvocacyPriority = (typeof ADVOCACY_PRIORITIES)[number];
