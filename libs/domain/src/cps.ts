/**
 * The Crown Prosecution Service's part of the pathway (domain.md §3 step 9, D10): early advice on a
 * police question and the charging decision in stalking cases. Codes only; free text stays on the record.
 */

/** Evidence areas the police ask early advice about (coded, so the question never carries evidence). */
export const CPS_EVIDENCE_AREAS = [
  'DIGITAL',
  'COMMUNICATIONS_DATA',
  'VICTIM_ACCOUNT',
  'WITNESS_ACCOUNTS',
  'CCTV',
  'FORENSIC',
  'THIRD_PARTY_MATERIAL',
  'BAD_CHARACTER',
  'IMPACT_ON_VICTIM',
  'OFFENCE_CLASSIFICATION',
  'OTHER',
] as const;
export type CpsEvidenceArea = (typeof CPS_EVIDENCE_AREAS)[number];

/** The prosecutor's coded early advice. */
export const CPS_ADVICE_CODES = [
  'EVIDENCE_SUFFICIENT_SUBMIT_FILE',
  'OBTAIN_DIGITAL_EVIDENCE',
  'OBTAIN_FURTHER_STATEMENTS',
  'OBTAIN_VICTIM_PERSONAL_STATEMENT',
  'CONSIDER_S4A_NOT_S2A',
  'EVIDENCE_SUPPORTS_S2A_ONLY',
  'SEEK_REMAND_OR_BAIL_CONDITIONS',
  'PREPARE_RESTRAINING_ORDER_APPLICATION',
  'NOT_IN_PUBLIC_INTEREST',
  'INSUFFICIENT_EVIDENCE',
] as const;
export type CpsAdviceCode = (typeof CPS_ADVICE_CODES)[number];

export const CPS_ADVICE_REQUEST_STATUSES = ['REQUESTED', 'ANSWERED'] as const;
export type CpsAdviceRequestStatus = (typeof CPS_ADVICE_REQUEST_STATUSES)[number];

/** D10: charge s4A / charge s2A / no further action / further evidence needed (with a review date). */
export const CHARGING_DECISIONS = ['CHARGE_S4A', 'CHARGE_S2A', 'NO_FURTHER_ACTION', 'FURTHER_EVIDENCE'] as const;
export type ChargingDecision = (typeof CHARGING_DECISIONS)[number];

/** The criminal-justice stage a charging decision moves the case to; further evidence leaves it awaiting a decision. */
export const CJ_STAGE_FOR_CHARGING_DECISION: Readonly<Record<ChargingDecision, 'CHARGED' | 'NFA_CPS' | null>> = {
  CHARGE_S4A: 'CHARGED',
  CHARGE_S2A: 'CHARGED',
  NO_FURTHER_ACTION: 'NFA_CPS',
  FURTHER_EVIDENCE: null,
};

/** Early advice is due within this many working days unless the police ask for another date (design choice). */
export const CPS_ADVICE_DEFAULT_WORKING_DAYS = 5;
