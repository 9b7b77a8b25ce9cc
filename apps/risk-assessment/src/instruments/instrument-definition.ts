import { ProblemException, problem } from '@stac/contracts';
import type { InstrumentDefinitionView, JudgementField } from '@stac/contracts';
import { JUDGEMENT_FIELDS } from '@stac/contracts';
import { ASSESSMENT_SUBJECTS, RISK_INSTRUMENTS, type AssessmentSubject, type RiskInstrument } from '@stac/domain';

/**
 * One version of a risk instrument, as stored in `instrument_definition.definition` (JSON). A new
 * version is a new row (a migration or an admin insert), never a code change; an assessment keeps
 * the (code, version) it was made with.
 */
export interface InstrumentDefinition {
  code: RiskInstrument;
  version: number;
  title: string;
  /** LICENSED instruments (SASH, SRP) are represented by judgement fields only: no items, ever. */
  licence: 'OPEN' | 'LICENSED';
  subjects: AssessmentSubject[];
  attribution?: string;
  whenToUse?: string;
  gatewayQuestion?: { code: string; text: string; guidance: string };
  questions?: { code: string; text: string }[];
  tickCount?: { max: number; maracThreshold: number };
  judgementFields: JudgementField[];
  /** Assessment fields required at submit: judgement fields plus `answers` or `tickCount`. */
  requiredAtSubmit: string[];
}

/** The only keys a licensed instrument's definition may have: what it is, and which judgements it records. */
export const LICENSED_DEFINITION_KEYS: readonly string[] = [
  'code',
  'version',
  'title',
  'licence',
  'subjects',
  'attribution',
  'whenToUse',
  'judgementFields',
  'requiredAtSubmit',
];

const OPEN_DEFINITION_KEYS: readonly string[] = [...LICENSED_DEFINITION_KEYS, 'gatewayQuestion', 'questions', 'tickCount'];
const CODE = /^[A-Z][A-Z0-9_]{1,49}$/;

function invalid(why: string): never {
  throw new ProblemException(problem(500, 'invalid-instrument-definition', `Instrument definition is invalid: ${why}`));
}

const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/**
 * Checks a stored definition before anything uses it. A licensed instrument with any key beyond its
 * judgement fields is refused outright, so item text can never be smuggled into the database.
 */
export function parseInstrumentDefinition(raw: unknown): InstrumentDefinition {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('not an object');
  const d = raw as Record<string, unknown>;
  if (!RISK_INSTRUMENTS.includes(d.code as RiskInstrument)) invalid('code');
  if (!Number.isInteger(d.version) || (d.version as number) < 1) invalid('version');
  if (!isText(d.title, 200)) invalid('title');
  if (d.licence !== 'OPEN' && d.licence !== 'LICENSED') invalid('licence');
  const allowed = d.licence === 'LICENSED' ? LICENSED_DEFINITION_KEYS : OPEN_DEFINITION_KEYS;
  const extra = Object.keys(d).filter((k) => !allowed.includes(k));
  if (extra.length) invalid(`${d.licence === 'LICENSED' ? 'licensed instruments hold judgement fields only; ' : ''}unexpected ${extra.join(', ')}`);
  if (!Array.isArray(d.subjects) || d.subjects.length === 0 || d.subjects.some((s) => !ASSESSMENT_SUBJECTS.includes(s))) invalid('subjects');
  for (const k of ['attribution', 'whenToUse'] as const) if (d[k] !== undefined && !isText(d[k], 2000)) invalid(k);
  if (!Array.isArray(d.judgementFields) || d.judgementFields.some((f) => !JUDGEMENT_FIELDS.includes(f))) invalid('judgementFields');
  if (!(d.judgementFields as string[]).includes('level')) invalid('judgementFields must include level');
  if (d.gatewayQuestion !== undefined) {
    const g = d.gatewayQuestion as Record<string, unknown>;
    if (!g || !isText(g.code, 50) || !CODE.test(g.code) || !isText(g.text, 500) || !isText(g.guidance, 1000)) invalid('gatewayQuestion');
  }
  if (d.questions !== undefined) {
    const qs = d.questions as Record<string, unknown>[];
    if (!Array.isArray(qs) || qs.length === 0 || qs.length > 60) invalid('questions');
    if (qs.some((q) => !q || !isText(q.code, 50) || !CODE.test(q.code) || !isText(q.text, 500))) invalid('questions');
    if (new Set(qs.map((q) => q.code)).size !== qs.length) invalid('questions: duplicate code');
  }
  if (d.tickCount !== undefined) {
    const t = d.tickCount as Record<string, unknown>;
    if (!t || !Number.isInteger(t.max) || !Number.isInteger(t.maracThreshold) || (t.maracThreshold as number) > (t.max as number)) invalid('tickCount');
  }
  if (d.questions !== undefined && d.tickCount !== undefined) invalid('questions and tickCount are exclusive');
  const recordable = [...(d.judgementFields as string[]), ...(d.questions ? ['answers'] : []), ...(d.tickCount ? ['tickCount'] : [])];
  if (!Array.isArray(d.requiredAtSubmit) || d.requiredAtSubmit.some((f) => !recordable.includes(f))) invalid('requiredAtSubmit');
  return d as unknown as InstrumentDefinition;
}

export function toInstrumentView(d: InstrumentDefinition, latest: boolean): InstrumentDefinitionView {
  return { ...d, latest };
}
