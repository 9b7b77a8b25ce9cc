import { areGivenNameVariants, formalNamesOf } from './given-name-variants';
import {
  compactName,
  consonantSkeleton,
  deletionNeighbourhood,
  isOtherScript,
  editDistance,
  nameTokens,
  normaliseIdentifier,
  phoneticCode,
  searchTokens,
} from './name-normalisation';

/** One name a person is or was known by. */
export interface PersonName {
  givenName?: string | null;
  familyName?: string | null;
}

/** A name other than the current one: alias, maiden name, name before a deed poll, with its dates. */
export interface OtherPersonName extends PersonName {
  kind?: string;
  usedFrom?: string | null;
  usedTo?: string | null;
}

/** What identifies a person for matching; decrypted values, held in memory only. */
export interface PersonIdentity extends PersonName {
  dateOfBirth?: string | null;
  identifiers?: readonly { kind: string; value: string }[] | null;
  /** Previous names and aliases; matched and searched like the current name. */
  otherNames?: readonly OtherPersonName[] | null;
}

export const MATCH_GRADES = ['LIKELY', 'POSSIBLE'] as const;
export type MatchGrade = (typeof MATCH_GRADES)[number];

export const MATCH_REASONS = {
  IDENTIFIER_MATCH: 'A known identifier (e.g. PNC or NHS number) is the same',
  GIVEN_NAME_EXACT: 'Given names are the same',
  GIVEN_NAME_ONE_EDIT: 'Given names differ by one letter (typing error or spelling variant)',
  GIVEN_NAME_PHONETIC: 'Given names sound the same',
  GIVEN_NAME_VARIANT: 'Given names are known variants of one name (a short form, diminutive or spelling, e.g. Kate and Katherine)',
  GIVEN_NAME_TRANSLITERATED: 'Given names agree in their consonants once transliterated from another script',
  GIVEN_NAME_PARTIAL: 'Given names share a word or an initial',
  FAMILY_NAME_EXACT: 'Family names are the same',
  FAMILY_NAME_ONE_EDIT: 'Family names differ by one letter (typing error or spelling variant)',
  FAMILY_NAME_PHONETIC: 'Family names sound the same',
  FAMILY_NAME_TRANSLITERATED: 'Family names agree in their consonants once transliterated from another script',
  FAMILY_NAME_PARTIAL: 'Family names share a word',
  FAMILY_NAME_DIFFERENT: 'Family names differ: the same given name and date of birth may be one person whose family name changed (marriage, deed poll)',
  OTHER_NAME_MATCH: 'Matches a recorded previous name or alias (maiden name, name before a deed poll)',
  NAMES_TRANSPOSED: 'Given and family names are recorded the other way round',
  NAME_SPELLING_NORMALISED: 'Names differ only in accents, case, hyphens, apostrophes or transliteration',
  NAME_OTHER_SCRIPT: 'A name is written in another script (Arabic, Chinese, Cyrillic...) and was compared through its Latin transliteration',
  DOB_EXACT: 'Dates of birth are the same',
  DOB_DAY_MONTH_SWAPPED: 'Dates of birth are the same with day and month swapped',
  DOB_ONE_DIGIT: 'Dates of birth differ by one digit',
  DOB_ONE_DIGIT_DECADE: 'Dates of birth differ by one digit of the decade (ten or more years apart: may be a relative of another generation)',
  DOB_MISSING: 'Date of birth is not known for one of them',
} as const;
export type MatchReasonCode = keyof typeof MATCH_REASONS;

export interface MatchReason {
  code: MatchReasonCode;
  explanation: string;
}

export interface MatchResult {
  grade: MatchGrade;
  /** 0..1, for ordering only; the grade is what people act on. */
  score: number;
  reasons: MatchReason[];
}

type NameAgreement = 'exact' | 'edit1' | 'phonetic' | 'translit' | 'variant' | 'partial' | 'missing' | 'different';
type DobAgreement = 'exact' | 'swapped' | 'near' | 'decade' | 'missing' | 'conflict';

const RANK: Record<NameAgreement, number> = { exact: 4, edit1: 3, phonetic: 3, translit: 3, variant: 2, partial: 1, missing: 0, different: -5 };
const STRONG: ReadonlySet<NameAgreement> = new Set(['exact', 'edit1', 'phonetic', 'translit']);
/** Given-name agreements that, with the same date of birth, can stand for one person whose family name changed. */
const SAME_GIVEN: ReadonlySet<NameAgreement> = new Set(['exact', 'edit1', 'phonetic', 'translit', 'variant']);

/** One name folded once per comparison: every test below reads these instead of folding again. */
interface NameForm {
  raw: string;
  tokens: string[];
  compact: string;
  phonetic: string;
  skeleton: string;
  otherScript: boolean;
  /** Written in a script that leaves out most vowels (Arabic, Hebrew) or an Indic one: consonants compared. */
  consonantal: boolean;
}

const CONSONANTAL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}]/u;
const VOWEL = /^[aeiouy]/;

function formOf(raw: string | null | undefined): NameForm | null {
  const tokens = nameTokens(raw);
  if (!raw || tokens.length === 0) return null;
  return {
    raw,
    tokens,
    compact: tokens.join(''),
    phonetic: tokens.map(phoneticCode).sort().join(' '),
    skeleton: tokens.map(consonantSkeleton).join(''),
    otherScript: isOtherScript(raw),
    consonantal: CONSONANTAL.test(raw),
  };
}

function compareName(a: NameForm | null, b: NameForm | null, given: boolean): NameAgreement {
  if (!a || !b) return 'missing';
  const x = a.compact;
  const y = b.compact;
  if (x === y) return 'exact';
  if (editDistance(x, y, 1) <= 1) return 'edit1';
  // The phonetic code folds every initial vowel to one: names that begin with a vowel must begin with
  // the same one (Olivia and Alfie are both 'ALF').
  if (a.phonetic === b.phonetic && (x[0] === y[0] || !VOWEL.test(x) || !VOWEL.test(y))) return 'phonetic';
  // Scripts that write few vowels (Arabic) or romanise them many ways (Indic): compare the consonants.
  // Not between two fully written scripts (Cyrillic and Han both spell their vowels: Анна is not 娜).
  if ((a.consonantal || b.consonantal) && a.skeleton.length > 0 && a.skeleton === b.skeleton) return 'translit';
  if (given && a.tokens.some((t) => b.tokens.some((u) => areGivenNameVariants(t, u)))) return 'variant';
  if (a.tokens.some((t) => t.length > 1 && b.tokens.includes(t))) return 'partial';
  // An initial against a full name: 'J' and 'John'.
  if ((x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y))) return 'partial';
  return 'different';
}

function compareDob(a: string | null | undefined, b: string | null | undefined): DobAgreement {
  if (!a || !b) return 'missing';
  if (a === b) return 'exact';
  const [ya, ma, da] = a.split('-');
  const [yb, mb, db] = b.split('-');
  if (ya === yb && ma === db && da === mb) return 'swapped';
  const digitsA = a.replace(/-/g, '');
  const digitsB = b.replace(/-/g, '');
  let diff = 0;
  for (let i = 0; i < digitsA.length; i++) if (digitsA[i] !== digitsB[i]) diff++;
  if (diff === 1 || editDistance(digitsA, digitsB, 1) <= 1) {
    // One digit of the century or decade is ten or more years: as likely a parent or child as a typing error.
    return Math.abs(Number(ya) - Number(yb)) >= 10 ? 'decade' : 'near';
  }
  return 'conflict';
}

function identifierAgreement(a: PersonIdentity, b: PersonIdentity): 'match' | 'conflict' | 'none' {
  const norm = (p: PersonIdentity) => (p.identifiers ?? []).map((i) => ({ kind: i.kind, value: normaliseIdentifier(i.value) }));
  const ia = norm(a);
  const ib = norm(b);
  if (ia.some((x) => ib.some((y) => y.kind === x.kind && y.value === x.value))) return 'match';
  if (ia.some((x) => ib.some((y) => y.kind === x.kind && y.value !== x.value))) return 'conflict';
  return 'none';
}

const reason = (code: MatchReasonCode): MatchReason => ({ code, explanation: MATCH_REASONS[code] });

function nameReasons(prefix: 'GIVEN' | 'FAMILY', a: NameAgreement): MatchReason[] {
  switch (a) {
    case 'exact':
      return [reason(`${prefix}_NAME_EXACT`)];
    case 'edit1':
      return [reason(`${prefix}_NAME_ONE_EDIT`)];
    case 'phonetic':
      return [reason(`${prefix}_NAME_PHONETIC`)];
    case 'translit':
      return [reason(`${prefix}_NAME_TRANSLITERATED`)];
    case 'variant':
      return [reason('GIVEN_NAME_VARIANT')];
    case 'partial':
      return [reason(`${prefix}_NAME_PARTIAL`)];
    case 'different':
      return prefix === 'FAMILY' ? [reason('FAMILY_NAME_DIFFERENT')] : [];
    default:
      return [];
  }
}

export interface MatchOptions {
  /**
   * `duplicate`: both people are full records (a person being added against the register).
   * `search`: the query may name only some fields; fields the query leaves out are not held against a match.
   */
  mode: 'duplicate' | 'search';
}

/** Every name of a person, the current one first; a previous name without a given name keeps the current one. */
export function namesOf(p: PersonIdentity): PersonName[] {
  const current = { givenName: p.givenName ?? null, familyName: p.familyName ?? null };
  const others = (p.otherNames ?? []).map((n) => ({ givenName: n.givenName || current.givenName, familyName: n.familyName || current.familyName }));
  return [current, ...others];
}

const better = (a: MatchResult | null, b: MatchResult | null): boolean =>
  !!a && (!b || (a.grade !== b.grade ? a.grade === 'LIKELY' : a.score > b.score));

/**
 * Grades whether two records are the same person, with the reasons in codes and words. Never decides
 * on its own: LIKELY and POSSIBLE are proposals a person confirms or rejects. `null` = not a candidate.
 * Every name of each (the current name, previous names and aliases) is compared; the best pair counts,
 * and a match through a previous name or alias says so.
 */
export function matchPeople(query: PersonIdentity, candidate: PersonIdentity, o: MatchOptions = { mode: 'duplicate' }): MatchResult | null {
  return prepareMatch(query, o)(candidate);
}

/**
 * `matchPeople` with the query folded once, for grading many candidates against one query (a search, a
 * duplicate check): the query's names are folded a single time, and each distinct name of the candidates
 * once per call (a common family name shared by hundreds of candidates is folded once). The folded
 * forms live only as long as the returned function.
 */
export function prepareMatch(query: PersonIdentity, o: MatchOptions = { mode: 'duplicate' }): (candidate: PersonIdentity) => MatchResult | null {
  const folded = new Map<string, NameForm | null>();
  const formOnce = (raw: string | null | undefined): NameForm | null => {
    if (!raw) return null;
    let f = folded.get(raw);
    if (f === undefined) {
      f = formOf(raw);
      folded.set(raw, f);
    }
    return f;
  };
  const forms = (n: PersonName): NamePair => ({ given: formOnce(n.givenName), family: formOnce(n.familyName) });
  const qNames = namesOf(query).map(forms);
  const queryHasDob = !!query.dateOfBirth;
  return (candidate) => {
    const ids = identifierAgreement(query, candidate);
    if (ids === 'conflict') return null; // two different PNC/NHS numbers are two people
    const dob = compareDob(query.dateOfBirth, candidate.dateOfBirth);
    const cNames = namesOf(candidate).map(forms);
    let best: MatchResult | null = null;
    let bestViaOther = false;
    for (let i = 0; i < qNames.length; i++) {
      for (let j = 0; j < cNames.length; j++) {
        const r = matchNames(qNames[i], cNames[j], ids, dob, o, queryHasDob);
        if (better(r, best)) {
          best = r;
          bestViaOther = i > 0 || j > 0;
        }
      }
    }
    if (best && bestViaOther) best.reasons.splice(ids === 'match' ? 1 : 0, 0, reason('OTHER_NAME_MATCH'));
    return best;
  };
}

interface NamePair {
  given: NameForm | null;
  family: NameForm | null;
}

function matchNames(
  query: NamePair,
  candidate: NamePair,
  ids: 'match' | 'none',
  dob: DobAgreement,
  o: MatchOptions,
  queryHasDob: boolean,
): MatchResult | null {
  const straight: [NameAgreement, NameAgreement] = [
    compareName(query.given, candidate.given, true),
    compareName(query.family, candidate.family, false),
  ];
  const swapped: [NameAgreement, NameAgreement] = [
    compareName(query.given, candidate.family, false),
    compareName(query.family, candidate.given, false),
  ];
  const rankOf = (p: [NameAgreement, NameAgreement]) => RANK[p[0]] + RANK[p[1]];
  const transposed = rankOf(swapped) > rankOf(straight);
  const [given, family] = transposed ? swapped : straight;

  const reasons: MatchReason[] = [];
  if (ids === 'match') reasons.push(reason('IDENTIFIER_MATCH'));
  reasons.push(...nameReasons('GIVEN', given), ...nameReasons('FAMILY', family));
  if (transposed) reasons.push(reason('NAMES_TRANSPOSED'));
  const rawDiffers = (a: NameForm | null, b: NameForm | null) => !!a && !!b && a.raw.trim() !== b.raw.trim();
  const [cg, cf] = transposed ? [candidate.family, candidate.given] : [candidate.given, candidate.family];
  if ((given === 'exact' && rawDiffers(query.given, cg)) || (family === 'exact' && rawDiffers(query.family, cf))) {
    reasons.push(reason('NAME_SPELLING_NORMALISED'));
  }
  const otherScript = [query.given, query.family, cg, cf].some((n) => n?.otherScript);
  if (otherScript && given !== 'different' && family !== 'different') reasons.push(reason('NAME_OTHER_SCRIPT'));
  const dobReason: Partial<Record<DobAgreement, MatchReasonCode>> = {
    exact: 'DOB_EXACT',
    swapped: 'DOB_DAY_MONTH_SWAPPED',
    near: 'DOB_ONE_DIGIT',
    decade: 'DOB_ONE_DIGIT_DECADE',
    missing: 'DOB_MISSING',
  };
  if (dobReason[dob]) reasons.push(reason(dobReason[dob]!));

  const score = Math.min(
    1,
    (ids === 'match' ? 0.5 : 0) +
      (Math.max(0, RANK[given]) + Math.max(0, RANK[family])) / 8 * 0.6 +
      { exact: 0.4, swapped: 0.25, near: 0.25, decade: 0.1, missing: 0.1, conflict: 0 }[dob],
  );
  // A consonant-only agreement (another script) or a diminutive is evidence, never enough for LIKELY alone.
  const capped = given === 'translit' || family === 'translit' || given === 'variant';
  const result = (grade: MatchGrade): MatchResult => ({
    grade: capped && grade === 'LIKELY' && ids !== 'match' ? 'POSSIBLE' : grade,
    score: Math.round(score * 1000) / 1000,
    reasons,
  });

  if (ids === 'match') return dob === 'conflict' ? result('POSSIBLE') : result('LIKELY');
  if (dob === 'conflict') return null;
  // A changed family name (marriage, deed poll): the same given name and the same full date of birth.
  if (!transposed && family === 'different' && SAME_GIVEN.has(given) && dob === 'exact') return result('POSSIBLE');
  if (given === 'different' || family === 'different') return null;
  if (given === 'variant') {
    // A diminutive with the same family name: only with a date of birth that agrees.
    return STRONG.has(family) && (dob === 'exact' || dob === 'swapped' || dob === 'near' || (o.mode === 'search' && !queryHasDob))
      ? result('POSSIBLE')
      : null;
  }

  if (o.mode === 'search') {
    const asked = [given, family].filter((a) => a !== 'missing' || false);
    const provided = [query.given, query.family].filter((n) => n !== null).length;
    if (provided === 0) return dob === 'exact' ? result('POSSIBLE') : null;
    // Every name the searcher gave must agree (strongly, or a shared word for multi-word names).
    if (asked.length < provided || asked.some((a) => a === 'missing')) return null;
    const allStrong = asked.every((a) => STRONG.has(a));
    if (allStrong && provided === 2 && asked.filter((a) => a !== 'exact').length <= 1 && (dob === 'exact' || (dob !== 'missing' && dob !== 'decade' && asked.every((a) => a === 'exact')))) {
      return result('LIKELY');
    }
    return allStrong || asked.some((a) => a === 'exact') ? result('POSSIBLE') : null;
  }

  const strong = STRONG.has(given) && STRONG.has(family);
  const fuzzy = [given, family].filter((a) => a !== 'exact').length;
  const exactNames = given === 'exact' && family === 'exact';
  switch (dob) {
    case 'exact':
      if (strong && fuzzy <= 1) return result('LIKELY');
      if (strong) return result('POSSIBLE');
      if ((STRONG.has(given) && family === 'partial') || (STRONG.has(family) && given === 'partial')) return result('POSSIBLE');
      return null;
    case 'swapped':
    case 'near':
      if (exactNames) return result('LIKELY');
      if (strong && fuzzy <= 1) return result('POSSIBLE');
      return null;
    case 'decade':
      return exactNames ? result('POSSIBLE') : null;
    case 'missing':
      if (strong && fuzzy <= 1) return result('POSSIBLE');
      return null;
    default:
      return null;
  }
}

/** Hashing for blocking keys: the cipher's keyed hash, injected so this file stays key-free. */
export type KeyedHash = (label: string, value: string) => Buffer;

/** The blocking keys of one name (given + family), with or without the date of birth. */
function nameKeys(n: PersonName, dob: string | null | undefined, add: (label: string, value: string) => void, probe: boolean): void {
  const g = compactName(n.givenName);
  const f = compactName(n.familyName);
  const givenForms = [...new Set(nameTokens(n.givenName).flatMap(formalNamesOf))];
  if (g && f) {
    // One name exact, the other within one edit (deletion neighbourhoods); both orders so a
    // transposed record produces the same set.
    for (const [x, y] of [
      [g, f],
      [f, g],
    ]) {
      for (const v of deletionNeighbourhood(y)) add('pair', `${x}|${v}`);
    }
    add('phon', [...nameTokens(n.givenName), ...nameTokens(n.familyName)].map(phoneticCode).sort().join(' '));
    // A diminutive or other form of the given name with the same family name: Kate Smith, Katherine Smith.
    for (const formal of givenForms) add('nick', `${formal}|${f}`);
    // Consonants of both names, for names in scripts written without (most) vowels.
    const sg = nameTokens(n.givenName).map(consonantSkeleton).join('');
    const sf = nameTokens(n.familyName).map(consonantSkeleton).join('');
    if (sg.length >= 2 && sf.length >= 2) add('skel', `${sg}|${sf}`);
  } else if (probe) {
    for (const t of new Set([...searchTokens(n.givenName), ...searchTokens(n.familyName)])) add('tok', t);
  }
  // The given name (or its formal forms) with the date of birth: a changed family name.
  if (g && dob) for (const v of new Set([g, ...givenForms])) add('gdob', `${v}|${dob}`);
}

/**
 * Blocking keys of a person, stored as keyed hashes so candidate lookup is an index probe and never
 * reveals a name (DP-02). Two records of the same person share at least one key when they differ by
 * accents, case, hyphens, script or transliteration, transposed names, one edit in one of the names, a
 * diminutive of the given name, a changed family name (same given name and date of birth), or when
 * their date of birth or an identifier agrees. Previous names and aliases get the same keys.
 */
export function blockingKeys(p: PersonIdentity, hash: KeyedHash): Buffer[] {
  const keys = new Map<string, Buffer>();
  const add = (label: string, value: string) => {
    const k = hash(label, value);
    keys.set(k.toString('hex'), k);
  };
  for (const n of namesOf(p)) {
    nameKeys(n, p.dateOfBirth, add, false);
    for (const t of new Set([...searchTokens(n.givenName), ...searchTokens(n.familyName)])) add('tok', t);
  }
  if (p.dateOfBirth) add('dob', p.dateOfBirth);
  for (const i of p.identifiers ?? []) add('id', `${i.kind}|${normaliseIdentifier(i.value)}`);
  return [...keys.values()];
}

/**
 * The keys to probe when looking a person up: a full name probes the pair/phonetic/variant blocks
 * (never the broad single-token block), a single name probes its tokens; date of birth and identifiers
 * always.
 */
export function probeKeys(q: PersonIdentity, hash: KeyedHash): Buffer[] {
  const keys = new Map<string, Buffer>();
  const add = (label: string, value: string) => {
    const k = hash(label, value);
    keys.set(k.toString('hex'), k);
  };
  for (const n of namesOf(q)) nameKeys(n, q.dateOfBirth, add, true);
  if (q.dateOfBirth) add('dob', q.dateOfBirth);
  for (const i of q.identifiers ?? []) add('id', `${i.kind}|${normaliseIdentifier(i.value)}`);
  return [...keys.values()];
}
