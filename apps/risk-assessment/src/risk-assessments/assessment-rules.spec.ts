import 'reflect-metadata';
import { ProblemException } from '@stac/contracts';
import { SCREENING_ANSWERS, type ScreeningAnswer } from '@stac/domain';
import { parseInstrumentDefinition } from '../instruments/instrument-definition';
import { INSTRUMENT_SEED_V1 } from '../migrations/1795743000000-instrument-definitions';
import { applyChanges, assertSubmittable, EMPTY_CONTENT, gatewayAnsweredYes, missingAtSubmit, reviewDueFrom } from './assessment-rules';

const def = (code: string) => parseInstrumentDefinition(JSON.parse(JSON.stringify(INSTRUMENT_SEED_V1.find((d) => d.code === code))));
const sDash = def('S_DASH');
const allAnswers = (answer: ScreeningAnswer) => sDash.questions!.map((q) => ({ question: q.code, answer }));

function problemOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof ProblemException) return e.problem;
    throw e;
  }
  throw new Error('expected a problem');
}

describe('S-DASH count is information only (domain.md §6.8: nothing is auto-graded)', () => {
  it('eleven yes answers alone set no level, and the assessment cannot be submitted without a judged one', () => {
    const c = applyChanges(EMPTY_CONTENT, { answers: allAnswers('YES'), rationale: 'Victim frightened; escalating.' }, sDash);
    expect(c.yesCount).toBe(11);
    expect(c.level).toBeNull();
    const p = problemOf(() => assertSubmittable(c, sDash));
    expect(p).toMatchObject({ status: 422, code: 'assessment-incomplete' });
    expect(p.errors!.map((e) => e.field)).toEqual(['level']);
  });

  it.each([
    ['STANDARD', 'YES', 11],
    ['HIGH', 'NO', 0],
    ['MEDIUM', 'NOT_KNOWN', 0],
  ] as const)('the judged level %s stands whatever the answers (all %s: count %d)', (level, answer, count) => {
    const c = applyChanges(EMPTY_CONTENT, { answers: allAnswers(answer), level, rationale: 'Professional judgement.' }, sDash);
    expect(c.yesCount).toBe(count);
    expect(c.level).toBe(level);
    expect(() => assertSubmittable(c, sDash)).not.toThrow();
    // Changing answers later never moves the level either.
    const flipped = applyChanges(c, { answers: allAnswers(answer === 'YES' ? 'NO' : 'YES') }, sDash);
    expect(flipped.level).toBe(level);
  });

  it('answers merge by question, keep the form order, and NOT_KNOWN is not counted as yes', () => {
    const first = applyChanges(EMPTY_CONTENT, { answers: [{ question: 'LOITERING', answer: 'YES' }] }, sDash);
    const second = applyChanges(first, { answers: [{ question: 'VERY_FRIGHTENED', answer: 'NOT_KNOWN' }] }, sDash);
    expect(second.answers).toEqual([
      { question: 'VERY_FRIGHTENED', answer: 'NOT_KNOWN' },
      { question: 'LOITERING', answer: 'YES' },
    ]);
    expect(second.yesCount).toBe(1);
    expect(SCREENING_ANSWERS).toContain('NOT_KNOWN');
  });

  it('unanswered questions are named at submit', () => {
    const c = applyChanges(EMPTY_CONTENT, { answers: [{ question: 'LOITERING', answer: 'YES' }], level: 'MEDIUM', rationale: 'x' }, sDash);
    expect(missingAtSubmit(c, sDash).map((m) => m.field)).toContain('answers.VERY_FRIGHTENED');
  });

  it('an unknown or repeated question code is a 400 naming the item', () => {
    const p = problemOf(() =>
      applyChanges(EMPTY_CONTENT, { answers: [{ question: 'NOT_A_QUESTION', answer: 'YES' }, { question: 'LOITERING', answer: 'NO' }, { question: 'LOITERING', answer: 'YES' }] }, sDash),
    );
    expect(p.status).toBe(400);
    expect(p.errors!.map((e) => e.field)).toEqual(['answers.0.question', 'answers.2.question']);
  });
});

describe('the S-DASH gateway question is answerable', () => {
  it('a gateway answer is recorded first in form order, never counted, and not required at submit', () => {
    const c = applyChanges(
      EMPTY_CONTENT,
      { answers: [...allAnswers('NO'), { question: 'DASH_STALKING_GATEWAY', answer: 'YES' }], level: 'MEDIUM', rationale: 'Judged.' },
      sDash,
    );
    expect(c.answers![0]).toEqual({ question: 'DASH_STALKING_GATEWAY', answer: 'YES' });
    expect(c.answers).toHaveLength(12);
    expect(c.yesCount).toBe(0);
    expect(gatewayAnsweredYes(c, sDash)).toBe(true);
    expect(() => assertSubmittable(applyChanges(EMPTY_CONTENT, { answers: allAnswers('NO'), level: 'MEDIUM', rationale: 'Judged.' }, sDash), sDash)).not.toThrow();
  });

  it('a NO, NOT_KNOWN or missing gateway answer is not a yes; an instrument without a gateway question refuses it', () => {
    for (const answer of ['NO', 'NOT_KNOWN'] as const) {
      expect(gatewayAnsweredYes(applyChanges(EMPTY_CONTENT, { answers: [{ question: 'DASH_STALKING_GATEWAY', answer }] }, sDash), sDash)).toBe(false);
    }
    expect(gatewayAnsweredYes(applyChanges(EMPTY_CONTENT, { answers: allAnswers('YES') }, sDash), sDash)).toBe(false);
    const p = problemOf(() => applyChanges(EMPTY_CONTENT, { answers: [{ question: 'DASH_STALKING_GATEWAY', answer: 'YES' }] }, def('PROFESSIONAL_JUDGEMENT')));
    expect(p.errors).toEqual([{ field: 'answers', message: 'answers is not recorded by PROFESSIONAL_JUDGEMENT v1' }]);
  });
});

describe('instrument definitions govern what an assessment records', () => {
  it('licensed instruments (SRP, SASH) refuse item answers: judgement fields only', () => {
    for (const code of ['SRP', 'SASH']) {
      const p = problemOf(() => applyChanges(EMPTY_CONTENT, { answers: [{ question: 'VERY_FRIGHTENED', answer: 'YES' }] }, def(code)));
      expect(p.errors).toEqual([{ field: 'answers', message: `answers is not recorded by ${code} v1` }]);
    }
  });

  it('SRP records the four domains, stalker type and formulation, and needs them at submit', () => {
    const srp = def('SRP');
    const c = applyChanges(EMPTY_CONTENT, { level: 'HIGH', rationale: 'r', domainLevels: { VIOLENCE: 'HIGH' }, stalkerType: 'REJECTED' }, srp);
    expect(c.yesCount).toBeNull();
    expect(missingAtSubmit(c, srp).map((m) => m.field)).toEqual(['domainLevels.PERSISTENCE', 'domainLevels.RECURRENCE', 'domainLevels.PSYCHOSOCIAL_DAMAGE']);
  });

  it('S-DASH refuses SRP-style domains', () => {
    const p = problemOf(() => applyChanges(EMPTY_CONTENT, { domainLevels: { VIOLENCE: 'LOW' } }, sDash));
    expect(p.errors![0].field).toBe('domainLevels');
  });

  it('DASH: 14 or more ticks set the MARAC flag, 13 do not; the level is still the assessor\'s', () => {
    const dash = def('DASH');
    expect(applyChanges(EMPTY_CONTENT, { tickCount: 13 }, dash)).toMatchObject({ maracFlag: false, yesCount: 13, level: null });
    expect(applyChanges(EMPTY_CONTENT, { tickCount: 14 }, dash)).toMatchObject({ maracFlag: true, yesCount: 14, level: null });
    expect(problemOf(() => applyChanges(EMPTY_CONTENT, { tickCount: 28 }, dash)).errors![0].field).toBe('tickCount');
    // S-DASH never raises a MARAC flag from its own count.
    expect(applyChanges(EMPTY_CONTENT, { answers: allAnswers('YES') }, sDash).maracFlag).toBe(false);
  });
});

describe('review dates by judged level (HIGH 28 days, MEDIUM 3 months, STANDARD on events)', () => {
  const from = new Date('2026-11-30T10:00:00Z');
  it('HIGH: 28 days', () => expect(reviewDueFrom(from, { days: 28, months: null })!.toISOString()).toBe('2026-12-28T10:00:00.000Z'));
  it('MEDIUM: 3 calendar months, clamped to the month end', () =>
    expect(reviewDueFrom(from, { days: null, months: 3 })!.toISOString()).toBe('2027-02-28T10:00:00.000Z'));
  it('STANDARD: no date (reviewed on trigger events)', () => expect(reviewDueFrom(from, { days: null, months: null })).toBeNull());
});
