import { KeyRing } from '@stac/persistence';
import { evaluate, evaluateStandardSet, formatEvaluation, type Evaluation } from '../testing/matching-evaluation';
import { PersonalDataCipher } from './personal-data-cipher';
import { DECOY_KINDS, SAME_PERSON_KINDS, SCRIPT_KINDS, evaluationSet, type SamePersonKind } from '../testing/synthetic-people';

/**
 * Floors per kind on the standard synthetic register (`pnpm eval:matching` prints the same figures):
 * a change that loses a kind of duplicate, or starts calling a look-alike LIKELY, fails here.
 */
const FOUND_FLOORS: Record<SamePersonKind, number> = {
  exact: 1,
  case: 1,
  accents: 1,
  nfd: 1,
  hyphen: 1,
  transposed: 1,
  'typo-given': 0.97,
  'typo-family': 0.97,
  translit: 1,
  'dob-missing': 0.97,
  'dob-digit': 0.9,
  'dob-swapped': 1,
  barrel: 0.97,
  nickname: 0.95,
  'family-changed': 0.95,
  'previous-name-recorded': 0.97,
  'maiden-name-recorded': 0.97,
  'script-cyrillic': 0.97,
  'script-greek': 0.97,
  'script-arabic': 0.95,
  'script-east-asian': 0.95,
  'script-indic': 0.95,
};
/** Look-alikes proposed at all (as POSSIBLE: a person looks and rejects); none may be LIKELY. */
const FALSE_ALARM_CEILINGS: Record<(typeof DECOY_KINDS)[number], number> = {
  // A year one digit apart is as likely a typing error as a parent: proposed as POSSIBLE, never LIKELY.
  'other-generation': 0.2,
  twin: 0,
  'same-name-other-dob': 0.02,
  // The same given name and birthday with another family name is what a changed name looks like.
  'same-dob-other-name': 0.06,
  'one-letter-name-other-dob': 0.02,
  // Another person of the same script born the same day: consonants may agree by chance (Arabic, Indic).
  'other-script-same-dob': 0.03,
};

describe('duplicate detection: found and false-alarm rates per kind on a synthetic register', () => {
  let e: Evaluation;
  beforeAll(() => {
    e = evaluateStandardSet();
    process.stdout.write(`\n${formatEvaluation(e)}\n`);
  });

  it('is measured on several thousand records with every kind present', () => {
    expect(e.records).toBeGreaterThanOrEqual(5000);
    for (const k of [...e.samePerson, ...e.decoys]) expect(k.records).toBeGreaterThanOrEqual(100);
  });

  it.each(SAME_PERSON_KINDS.map((k) => [k]))('finds second records of the same person: %s', (kind) => {
    const k = e.samePerson.find((x) => x.kind === kind)!;
    expect(k.rate).toBeGreaterThanOrEqual(FOUND_FLOORS[kind]);
  });

  it('nicknames, changed family names and other scripts are found at least as POSSIBLE', () => {
    for (const kind of ['nickname', 'family-changed', 'previous-name-recorded', 'maiden-name-recorded', ...Object.keys(SCRIPT_KINDS)]) {
      const k = e.samePerson.find((x) => x.kind === kind)!;
      expect(k.likely + k.possible).toBe(Math.round(k.rate * k.records));
      expect(k.rate).toBeGreaterThanOrEqual(0.95);
    }
  });

  it.each(DECOY_KINDS.map((k) => [k]))('never calls a look-alike LIKELY, and rarely proposes it: %s', (kind) => {
    const k = e.decoys.find((x) => x.kind === kind)!;
    expect(k.likely).toBe(0);
    expect(k.rate).toBeLessThanOrEqual(FALSE_ALARM_CEILINGS[kind]);
  });

  it('overall: LIKELY is precise, LIKELY or POSSIBLE finds nearly every true pair', () => {
    expect(e.overall.likely.precision).toBeGreaterThanOrEqual(0.995);
    expect(e.overall.likelyOrPossible.precision).toBeGreaterThanOrEqual(0.9);
    expect(e.overall.likelyOrPossible.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('the earlier register (1,200 people, 400 second records, 300 look-alikes) keeps its figures', () => {
    const set = evaluationSet({ seed: 20261127, people: 1200, duplicates: 400, lookalikes: 300 });
    const r = evaluate(set.records, new PersonalDataCipher(KeyRing.generate(), Buffer.alloc(32, 3)));
    expect(r.records).toBeGreaterThanOrEqual(1000);
    expect(r.overall.likely.precision).toBeGreaterThanOrEqual(0.97);
    expect(r.overall.likelyOrPossible.recall).toBeGreaterThanOrEqual(0.95);
  });
});
