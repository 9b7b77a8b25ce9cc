import { problem, ProblemException, type FieldProblem, type RiskAssessmentChanges } from '@stac/contracts';
import {
  MARAC_TICK_THRESHOLD,
  RISK_DOMAINS,
  type DomainLevels,
  type RiskLevel,
  type ScreeningAnswer,
  type StalkerType,
} from '@stac/domain';
import type { InstrumentDefinition } from '../instruments/instrument-definition';

/** The recordable content of an assessment (what the instrument's definition governs). */
export interface AssessmentContent {
  answers: { question: string; answer: ScreeningAnswer }[] | null;
  yesCount: number | null;
  maracFlag: boolean;
  level: RiskLevel | null;
  rationale: string | null;
  domainLevels: DomainLevels;
  stalkerType: StalkerType | null;
  stalkerTypeShared: boolean;
  formulation: string | null;
  requiresReview: boolean;
}

export const EMPTY_CONTENT: AssessmentContent = {
  answers: null,
  yesCount: null,
  maracFlag: false,
  level: null,
  rationale: null,
  domainLevels: {},
  stalkerType: null,
  stalkerTypeShared: false,
  formulation: null,
  requiresReview: false,
};

const badFields = (errors: FieldProblem[]) =>
  new ProblemException(problem(400, 'validation-failed', 'The request is not valid', { errors }));

/**
 * Applies a draft's changes under its instrument version: a field the instrument does not record is
 * refused (400 naming it) — so a licensed instrument can never receive item answers. The count is
 * derived here; the level is copied from the assessor's input and from nothing else.
 */
export function applyChanges(current: AssessmentContent, changes: RiskAssessmentChanges, def: InstrumentDefinition): AssessmentContent {
  const errors: FieldProblem[] = [];
  const judgement = new Set<string>(def.judgementFields);
  const label = `${def.code} v${def.version}`;
  const refuse = (field: string) => errors.push({ field, message: `${field} is not recorded by ${label}` });
  const next: AssessmentContent = { ...current, domainLevels: { ...current.domainLevels } };

  if (changes.answers !== undefined) {
    if (!def.questions) refuse('answers');
    else {
      // The gateway question is answerable too (it is asked first); it is not one of the counted questions.
      const form = formQuestions(def);
      const codes = new Set(form);
      const merged = new Map((current.answers ?? []).map((a) => [a.question, a.answer]));
      const seen = new Set<string>();
      changes.answers.forEach((a, i) => {
        if (!codes.has(a.question)) errors.push({ field: `answers.${i}.question`, message: `not a question of ${label}` });
        else if (seen.has(a.question)) errors.push({ field: `answers.${i}.question`, message: 'answered twice' });
        seen.add(a.question);
        merged.set(a.question, a.answer);
      });
      // Keep the instrument's question order (gateway first) so stored answers read like the form.
      next.answers = form.filter((q) => merged.has(q)).map((q) => ({ question: q, answer: merged.get(q)! }));
    }
  }
  if (changes.tickCount !== undefined) {
    if (!def.tickCount) refuse('tickCount');
    else if (changes.tickCount > def.tickCount.max) errors.push({ field: 'tickCount', message: `at most ${def.tickCount.max}` });
    else next.yesCount = changes.tickCount;
  }
  if (changes.level !== undefined) next.level = changes.level;
  if (changes.rationale !== undefined) {
    if (!judgement.has('rationale')) refuse('rationale');
    else next.rationale = changes.rationale;
  }
  if (changes.domainLevels !== undefined) {
    if (!judgement.has('domainLevels')) refuse('domainLevels');
    else for (const d of RISK_DOMAINS) if (changes.domainLevels[d] !== undefined) next.domainLevels[d] = changes.domainLevels[d];
  }
  if (changes.stalkerType !== undefined) {
    if (!judgement.has('stalkerType')) refuse('stalkerType');
    else next.stalkerType = changes.stalkerType;
  }
  if (changes.stalkerTypeShared !== undefined) {
    if (!judgement.has('stalkerType')) refuse('stalkerTypeShared');
    else next.stalkerTypeShared = changes.stalkerTypeShared;
  }
  if (changes.formulation !== undefined) {
    if (!judgement.has('formulation')) refuse('formulation');
    else next.formulation = changes.formulation;
  }
  if (changes.requiresReview !== undefined) next.requiresReview = changes.requiresReview;
  if (errors.length) throw badFields(errors);

  if (def.questions) next.yesCount = yesCount(countedAnswers(next.answers, def));
  next.maracFlag = maracFlag(def, next.yesCount);
  return next;
}

/** The answerable question codes of an instrument in form order: its gateway question, then its questions. */
export function formQuestions(def: InstrumentDefinition): string[] {
  return [...(def.gatewayQuestion ? [def.gatewayQuestion.code] : []), ...(def.questions ?? []).map((q) => q.code)];
}

/** The answers that count towards the yes-count: the instrument's questions, never its gateway question. */
function countedAnswers<A extends { question: string }>(answers: A[] | null, def: InstrumentDefinition): A[] | null {
  if (!answers) return null;
  const counted = new Set((def.questions ?? []).map((q) => q.code));
  return answers.filter((a) => counted.has(a.question));
}

/**
 * The gateway question answered YES (S-DASH: "constantly contacting, following, stalking or harassing"):
 * in a domestic context that prompts the full DASH (domain.md §3 D8).
 */
export function gatewayAnsweredYes(c: Pick<AssessmentContent, 'answers'>, def: InstrumentDefinition): boolean {
  return !!def.gatewayQuestion && !!c.answers?.some((a) => a.question === def.gatewayQuestion!.code && a.answer === 'YES');
}

/** Yes answers: shown to the assessor as information; it never sets or changes the level. */
export function yesCount(answers: { answer: ScreeningAnswer }[] | null): number | null {
  return answers ? answers.filter((a) => a.answer === 'YES').length : null;
}

/** DASH with 14+ ticks flags the case for MARAC (a referral can also be made on judgement with fewer). */
export function maracFlag(def: InstrumentDefinition, count: number | null): boolean {
  return !!def.tickCount && count !== null && count >= (def.tickCount.maracThreshold ?? MARAC_TICK_THRESHOLD);
}

/** What is still missing before the assessment may be submitted (422 naming each field). */
export function missingAtSubmit(c: AssessmentContent, def: InstrumentDefinition): FieldProblem[] {
  const missing: FieldProblem[] = [];
  for (const f of def.requiredAtSubmit) {
    if (f === 'answers') {
      const answered = new Set((c.answers ?? []).map((a) => a.question));
      for (const q of def.questions ?? []) if (!answered.has(q.code)) missing.push({ field: `answers.${q.code}`, message: 'unanswered' });
    } else if (f === 'tickCount' && c.yesCount === null) missing.push({ field: 'tickCount', message: 'required' });
    else if (f === 'level' && !c.level) missing.push({ field: 'level', message: 'a level set by professional judgement is required' });
    else if (f === 'rationale' && !c.rationale?.trim()) missing.push({ field: 'rationale', message: 'required' });
    else if (f === 'domainLevels') {
      for (const d of RISK_DOMAINS) if (!c.domainLevels[d]) missing.push({ field: `domainLevels.${d}`, message: 'required' });
    } else if (f === 'stalkerType' && !c.stalkerType) missing.push({ field: 'stalkerType', message: 'required' });
    else if (f === 'formulation' && !c.formulation?.trim()) missing.push({ field: 'formulation', message: 'required' });
  }
  // Never auto-graded: whatever the instrument says, a level is always the assessor's to set.
  if (!c.level && !missing.some((m) => m.field === 'level')) {
    missing.push({ field: 'level', message: 'a level set by professional judgement is required' });
  }
  return missing;
}

export function assertSubmittable(c: AssessmentContent, def: InstrumentDefinition): void {
  const missing = missingAtSubmit(c, def);
  if (missing.length) {
    throw new ProblemException(problem(422, 'assessment-incomplete', 'The assessment cannot be submitted yet', { errors: missing }));
  }
}

/** Review interval for a level (configurable rows in `review_policy`). Null: reviewed on trigger events only. */
export interface ReviewInterval {
  days: number | null;
  months: number | null;
}

/** The review date of an assessment that became current at `from`. Calendar months keep the day where it exists. */
export function reviewDueFrom(from: Date, interval: ReviewInterval | undefined): Date | null {
  if (!interval || (!interval.days && !interval.months)) return null;
  const d = new Date(from.getTime());
  if (interval.months) {
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + interval.months);
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, last));
  }
  if (interval.days) d.setUTCDate(d.getUTCDate() + interval.days);
  return d;
}
