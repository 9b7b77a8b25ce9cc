import { ArrayMaxSize, IsArray, IsOptional, IsString, IsUUID } from 'class-validator';
import type { ServiceName } from '@stac/domain';
import type { CounterAllegationView } from '../people-register/people-register';
import { ProblemException, type Problem } from '../problem';
import type { RiskSummaryView } from '../risk-summary/risk-summary';

/** Each service answers for its own part of the unified case view. */
export const CASE_PART: Record<Exclude<ServiceName, 'gateway'>, string> = {
  intake: 'rpc.intake.case.get',
  'risk-assessment': 'rpc.risk-assessment.case-part.get',
  advocacy: 'rpc.advocacy.case-part.get',
  'mental-health': 'rpc.mental-health.case-part.get',
  probation: 'rpc.probation.case-part.get',
};

export class CasePartQuery {
  @IsUUID()
  caseId: string;

  /** Field groups the caller asks for beyond core facts; each needs its own grant (AC-03). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  fieldGroups?: string[];
}

/** `null` from a service means it holds nothing for this case (yet). */
export type CasePartAnswer<T> = T | null;

/**
 * Risk-assessment's two parts of the case view in one request (body: `CasePartQuery`): the screening task
 * (as `CASE_PART['risk-assessment']` answers it) and the shareable risk summary (as `GET_RISK_SUMMARY`
 * answers it). Each is authorised, logged and answered on its own; one refused or failed does not take
 * the other with it.
 */
export const RISK_CASE_VIEW = 'rpc.risk-assessment.case-view.get';

/** One part of a combined answer: the part's own answer, or the problem it alone would have answered. */
export type SettledPart<T> = { ok: true; answer: CasePartAnswer<T> } | { ok: false; problem: Problem };

/**
 * A part's answer settled: its value, or the problem it answered (a `kind` of ProblemException, e.g. the
 * RPC client's error for a service's answer); any other failure rejects as it came.
 */
export function settlePart<T>(answer: Promise<CasePartAnswer<T>>, kind: new (p: Problem) => ProblemException = ProblemException): Promise<SettledPart<T>> {
  return answer.then(
    (a) => ({ ok: true as const, answer: a }),
    (e: unknown) => {
      if (e instanceof kind) return { ok: false as const, problem: e.problem };
      throw e;
    },
  );
}

export interface RiskCaseViewAnswer {
  screeningTask: SettledPart<ScreeningTaskPart>;
  summary: SettledPart<RiskSummaryView>;
}

export interface IntakeCasePart {
  caseId: string;
  /** Null on a partner agency's referral until the police attach it. */
  crimeReference: string | null;
  source: string;
  offenceClass: string;
  flags: string[];
  bcu: string;
  caseOfficer: string | null;
  status: string;
  referredAt: string;
  version: number;
  people: { personId: string; role: string; identityKnown: boolean; displayName?: string | null }[];
  incidents: { incidentId: string; occurredAt: string; behaviours: string[] }[];
  /** The case's current shared risk level (from `risk.level.changed.v1`); null until risk has set one. */
  riskLevel?: string | null;
  /** The victim's consent to advocacy as the charity last announced it (`advocacy.victim.consent-changed.v1`); null if none. */
  advocacyConsent?: { state: string; scope: string[]; changedAt: string } | null;
  /** Partner agencies' known-to-services answers (from their thin check-answered events), newest first. */
  partnerChecks?: PartnerCheckSummary[];
  /**
   * Counter-allegations: other cases on which this case's victim and person of concern stand with their
   * roles swapped (owning team only; only other cases the caller may see).
   */
  counterAllegations?: CounterAllegationView[];
}

/** A partner agency's answer on the multi-agency record: the code and whether a contact route is on record. */
export interface PartnerCheckSummary {
  agency: string;
  checkId: string;
  personId: string;
  answer: string;
  contactRouteAvailable: boolean;
  answeredAt: string;
  /** e.g. "known to mental-health services: YES, contact route available". */
  summary: string;
}

export interface ScreeningTaskPart {
  taskId: string;
  status: string;
  instrument: string;
  reason: string;
  dueAt: string;
  openedAt: string;
}

export interface AdvocacyOfferPart {
  offerId: string;
  status: string;
  openedAt: string;
  /** `URGENT | PRIORITY | ROUTINE`, from the case's shared risk level; null until risk has set one. */
  priority?: string | null;
  /** The victim's consent to advocacy: `GIVEN | WITHDRAWN | DECLINED | LAWFUL_OVERRIDE` (null before any is recorded). */
  consentState?: string | null;
  /** Whether an ISAC is allocated, and when; the advocate's name only to the charity itself. Absent when consent does not cover the reader. */
  allocation?: { allocated: boolean; allocatedAt: string | null; advocate?: string | null };
  /** The safety plan's status (never its measures); absent when consent does not cover the reader. */
  safetyPlan?: { status: string; reviewDueAt: string | null } | null;
}

export interface KnownToServicesCheckPart {
  checkId: string;
  status: string;
  answer: string | null;
  requestedAt: string;
}
