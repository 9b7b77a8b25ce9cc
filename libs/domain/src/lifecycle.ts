import type { CaseStatus } from './case';

/**
 * The case lifecycle and the parallel criminal-justice stage as explicit state machines
 * (domain.md §4). Pure data + guards: the intake service enforces them, the tests enumerate them.
 */
export interface StateMachine<S extends string> {
  readonly name: string;
  readonly states: readonly S[];
  readonly initial: S;
  /** Legal next states of each state; a state absent or mapped to [] is terminal. */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
}

export function canTransition<S extends string>(machine: StateMachine<S>, from: S, to: S): boolean {
  return (machine.transitions[from] ?? []).includes(to);
}

/** Every legal (from, to) pair, for tests and documentation. */
export function legalTransitions<S extends string>(machine: StateMachine<S>): [S, S][] {
  return machine.states.flatMap((from) => (machine.transitions[from] ?? []).map((to) => [from, to] as [S, S]));
}

/**
 * REFERRED -> SCREENING -> TRIAGED -> ACTIVE -> MONITORING -> CLOSED, and REOPENED when a new
 * incident or breach arrives on a closed case (domain.md §3 step 12). Screening and triage move the
 * case themselves; a re-opened case is screened again or goes straight back to work.
 */
export const CASE_LIFECYCLE: StateMachine<CaseStatus> = {
  name: 'case-status',
  states: ['REFERRED', 'SCREENING', 'TRIAGED', 'ACTIVE', 'MONITORING', 'CLOSED', 'REOPENED'],
  initial: 'REFERRED',
  transitions: {
    REFERRED: ['SCREENING'],
    SCREENING: ['TRIAGED'],
    TRIAGED: ['ACTIVE', 'MONITORING', 'CLOSED'],
    ACTIVE: ['MONITORING', 'CLOSED'],
    MONITORING: ['ACTIVE', 'CLOSED'],
    CLOSED: ['REOPENED'],
    REOPENED: ['SCREENING', 'ACTIVE', 'MONITORING', 'CLOSED'],
  },
};

/** Statuses in which the screening clock runs (the case still waits for S-TAC advice). */
export const AWAITING_SCREENING: readonly CaseStatus[] = ['REFERRED', 'SCREENING', 'REOPENED'];

export const CJ_STAGES = [
  'PRE_ARREST',
  'ARRESTED',
  'BAILED',
  'RUI',
  'REMANDED',
  'NFA',
  'CHARGE_REQUESTED',
  'CHARGED',
  'NFA_CPS',
  'AT_COURT',
  'CONVICTED',
  'ACQUITTED',
  'DISCONTINUED',
  'SENTENCED',
] as const;
export type CjStage = (typeof CJ_STAGES)[number];

/**
 * PRE_ARREST -> ARRESTED -> BAILED|RUI|REMANDED|NFA -> CHARGE_REQUESTED -> CHARGED|NFA_CPS -> AT_COURT ->
 * CONVICTED|ACQUITTED|DISCONTINUED -> SENTENCED. Also: a file sent back for further evidence returns to
 * bail or RUI (D10), RUI converts to bail (the advice is bail with conditions rather than RUI), and a
 * new offence in the same course of conduct (a breach, a further incident) can mean a fresh arrest
 * from any post-arrest outcome.
 */
export const CJ_STAGE_MACHINE: StateMachine<CjStage> = {
  name: 'criminal-justice-stage',
  states: CJ_STAGES,
  initial: 'PRE_ARREST',
  transitions: {
    PRE_ARREST: ['ARRESTED'],
    ARRESTED: ['BAILED', 'RUI', 'REMANDED', 'NFA', 'CHARGE_REQUESTED'],
    BAILED: ['CHARGE_REQUESTED', 'RUI', 'NFA', 'ARRESTED'],
    RUI: ['BAILED', 'CHARGE_REQUESTED', 'NFA', 'ARRESTED'],
    REMANDED: ['CHARGE_REQUESTED', 'BAILED'],
    NFA: ['ARRESTED'],
    CHARGE_REQUESTED: ['CHARGED', 'NFA_CPS', 'BAILED', 'RUI'],
    CHARGED: ['AT_COURT'],
    NFA_CPS: ['ARRESTED'],
    AT_COURT: ['CONVICTED', 'ACQUITTED', 'DISCONTINUED'],
    CONVICTED: ['SENTENCED'],
    ACQUITTED: ['ARRESTED'],
    DISCONTINUED: ['ARRESTED'],
    SENTENCED: ['ARRESTED'],
  },
};

/** Decisions not taken are recorded with reasons (domain.md §6.4): these stages need one. */
export const CJ_STAGES_NEEDING_REASON: readonly CjStage[] = ['RUI', 'NFA', 'NFA_CPS', 'DISCONTINUED'];

/** Why a case closed (D15); closing always needs one. */
export const CLOSURE_REASONS = [
  'RISK_MANAGED',
  'NO_FURTHER_ACTION_NO_ONGOING_RISK',
  'CONVICTED_AND_SENTENCED',
  'VICTIM_DISENGAGED',
  'NOT_STALKING',
  'TRANSFERRED_OUT_OF_AREA',
  'OTHER',
] as const;
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

/** Why a closed case re-opened. */
export const REOPEN_REASONS = ['NEW_INCIDENT', 'BREACH', 'NEW_INFORMATION'] as const;
export type ReopenReason = (typeof REOPEN_REASONS)[number];

/** D1: the FOUR test (Fixated, Obsessive, Unwanted, Repeated). */
export const FOUR_TEST_ELEMENTS = ['fixated', 'obsessive', 'unwanted', 'repeated'] as const;
export type FourTestElement = (typeof FOUR_TEST_ELEMENTS)[number];

/** D3 triage outcomes. */
export const TRIAGE_DECISIONS = ['ADVICE_ONLY', 'ADVICE_AND_MONITOR', 'CONSULTATION'] as const;
export type TriageDecisionCode = (typeof TRIAGE_DECISIONS)[number];

/** Coded reasons for a triage decision (design choice); free-text detail goes in the note. */
export const TRIAGE_REASONS = [
  'FIRST_REPORT_LOW_CONCERN',
  'ESCALATING_BEHAVIOUR',
  'THREATS_OR_VIOLENCE',
  'HIGH_RISK_SCREENING',
  'VICTIM_VERY_FRIGHTENED',
  'REPEAT_PERSON_OF_CONCERN',
  'MULTIPLE_VICTIMS',
  'KNOWN_TO_MENTAL_HEALTH',
  'KNOWN_TO_PROBATION',
  'DOMESTIC_CONTEXT',
  'ORDER_BREACH',
  'COMPLEX_CASE',
  'PROFESSIONAL_JUDGEMENT',
] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

/** Coded decisions of a multi-agency consultation (domain.md §3 step 7; D6 mental-health route). */
export const CONSULTATION_DECISIONS = [
  'FORMULATION_AGREED',
  'RISK_MANAGEMENT_PLAN_AGREED',
  'MH_ROUTE_NONE',
  'MH_ROUTE_CO_WORK',
  'MH_ROUTE_DIVERT',
  'MH_ROUTE_MHA_ASSESSMENT',
  'MH_ROUTE_TREATMENT_OFFER',
  'APPLY_FOR_SPO',
  'REFER_TO_MARAC',
  'REFER_TO_ISAC',
  'PROBATION_CONSULTATION',
  'REVIEW_AT_NEXT_CONSULTATION',
] as const;
export type ConsultationDecisionCode = (typeof CONSULTATION_DECISIONS)[number];

export const CONSULTATION_STATUSES = ['SCHEDULED', 'HELD', 'CANCELLED'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

/**
 * SCHEDULED -> HELD (its first decision is recorded) | CANCELLED (with a coded reason). A scheduled
 * consultation may also be rescheduled (it stays SCHEDULED, with a coded reason); once held or cancelled
 * it is neither rescheduled nor cancelled: a new meeting is a new consultation.
 */
export const CONSULTATION_MACHINE: StateMachine<ConsultationStatus> = {
  name: 'consultation-status',
  states: CONSULTATION_STATUSES,
  initial: 'SCHEDULED',
  transitions: {
    SCHEDULED: ['HELD', 'CANCELLED'],
    HELD: [],
    CANCELLED: [],
  },
};

/** Only a consultation still to be held can be moved to another date. */
export const RESCHEDULABLE: readonly ConsultationStatus[] = ['SCHEDULED'];

/** Why a scheduled consultation was called off (design choice); OTHER needs a note. */
export const CONSULTATION_CANCELLATION_REASONS = [
  'NO_LONGER_REQUIRED',
  'MANAGED_IN_ANOTHER_FORUM',
  'CASE_TRANSFERRED_OUT_OF_AREA',
  'SCHEDULED_IN_ERROR',
  'DUPLICATE',
  'OTHER',
] as const;
export type ConsultationCancellationReason = (typeof CONSULTATION_CANCELLATION_REASONS)[number];

/** Why a scheduled consultation moved to another date (design choice); OTHER needs a note. */
export const CONSULTATION_RESCHEDULE_REASONS = [
  'ATTENDEE_UNAVAILABLE',
  'QUORUM_NOT_MET',
  'AWAITING_INFORMATION',
  'RISK_ESCALATED_BROUGHT_FORWARD',
  'VENUE_OR_TECHNICAL',
  'OTHER',
] as const;
export type ConsultationRescheduleReason = (typeof CONSULTATION_RESCHEDULE_REASONS)[number];

/** What happened to a consultation, in its history. */
export const CONSULTATION_CHANGES = ['SCHEDULED', 'RESCHEDULED', 'HELD', 'CANCELLED'] as const;
export type ConsultationChange = (typeof CONSULTATION_CHANGES)[number];

export const CONSULTATION_ACTION_STATUSES = ['OPEN', 'DONE'] as const;
export type ConsultationActionStatus = (typeof CONSULTATION_ACTION_STATUSES)[number];

/**
 * Investigation milestones the case officer records that do not move the criminal-justice stage, each of
 * which the Victims' Code says the victim must be told about (domain.md §4 advocacy, §6.3):
 * - SUSPECT_INTERVIEWED: under caution, after arrest or as a voluntary attendance before any arrest.
 * - BAIL_CONDITIONS_CHANGED: existing bail conditions varied, added to or lifted (imposing conditions as
 *   a BAIL_CONDITIONS order is recorded through orders and already counts as the change).
 * - DECISION_NOT_TO_INVESTIGATE: the police decide not to investigate (further) before any arrest. It is a
 *   decision, not a stage: no suspect moved through the process, the stage stays PRE_ARREST, and new
 *   evidence simply leads to an arrest (PRE_ARREST -> ARRESTED) with no "resume" step. After an arrest the
 *   same decision is the NFA stage (release without charge).
 */
export const INVESTIGATION_MILESTONES = ['SUSPECT_INTERVIEWED', 'BAIL_CONDITIONS_CHANGED', 'DECISION_NOT_TO_INVESTIGATE'] as const;
export type InvestigationMilestone = (typeof INVESTIGATION_MILESTONES)[number];

/** The criminal-justice stages at which each milestone can be recorded (any other stage is 409). */
export const MILESTONE_STAGES: Readonly<Record<InvestigationMilestone, readonly CjStage[]>> = {
  SUSPECT_INTERVIEWED: ['PRE_ARREST', 'ARRESTED', 'BAILED', 'RUI', 'REMANDED', 'CHARGE_REQUESTED'],
  BAIL_CONDITIONS_CHANGED: ['BAILED', 'CHARGED', 'AT_COURT', 'CONVICTED'],
  DECISION_NOT_TO_INVESTIGATE: ['PRE_ARREST'],
};

/** Decisions not taken are recorded with reasons (domain.md §6.4). */
export const MILESTONES_NEEDING_REASON: readonly InvestigationMilestone[] = ['DECISION_NOT_TO_INVESTIGATE'];
