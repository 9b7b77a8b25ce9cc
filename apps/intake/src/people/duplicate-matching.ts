import {
  compactName,
  deletionNeighbourhood,
  editDistance,
  nameTokens,
  normaliseIdentifier,
  phoneticCode,
  searchTokens,
} from './name-normalisation';

/** What identifies a person for matching; decrypted values, held in memory only. */
export interface PersonIdentity {
  givenName?: string | null;
  familyName?: string | null;
  dateOfBirth?: string | null;
  identifiers?: readonly { kind: string; value: string }[] | null;
}

export const MATCH_GRADES = ['LIKELY', 'POSSIBLE'] as const;
export type MatchGrade = (typeof MATCH_GRADES)[number];

export const MATCH_REASONS = {
  IDENTIFIER_MATCH: 'A known identifier (e.g. PNC or NHS number) is the same',
  GIVEN_NAME_EXACT: 'Given names are the same',
  GIVEN_NAME_ONE_EDIT: 'Given names differ by one letter (typing error or spelling variant)',
  GIVEN_NAME_PHONETIC: 'Given names sound the same',
  GIVEN_NAME_PARTIAL: 'Given names share a word or an initial',
  FAMILY_NAME_EXACT: 'Family names are the same',
  FAMILY_NAME_ONE_EDIT: 'Family names differ by one letter (typing error or spelling variant)',
  FAMILY_NAME_PHONETIC: 'Family names sound the same',
  FAMILY_NAME_PARTIAL: 'Family names share a word',
  NAMES_TRANSPOSED: 'Given and family names are recorded the other way round',
  NAME_SPELLING_NORMALISED: 'Names differ only in accents, case, hyphens, apostrophes or transliteration',
  DOB_EXACT: 'Dates of birth are the same',
  DOB_DAY_MONTH_SWAPPED: 'Dates of birth are the same with day and month swapped',
  DOB_ONE_DIGIT: 'Dates of birth differ by one digit',
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

type NameAgreement = 'exact' | 'edit1' | 'phonetic' | 'partial' | 'missing' | 'different';
type DobAgreement = 'exact' | 'swapped' | 'near' | 'missing' | 'conflict';

const RANK: Record<NameAgreement, number> = { exact: 4, edit1: 3, phonetic: 3, partial: 1, missing: 0, different: -5 };
const STRONG: ReadonlySet<NameAgreement> = new Set(['exact', 'edit1', 'phonetic']);

function phoneticOf(raw: string | null | undefined): string {
  return nameTokens(raw).map(phoneticCode).sort().join(' ');
}

function compareName(a: string | null | undefined, b: string | null | undefined): NameAgreement {
  const x = compactName(a);
  const y = compactName(b);
  if (!x || !y) return 'missing';
  if (x === y) return 'exact';
  if (editDistance(x, y, 1) <= 1) return 'edit1';
  if (phoneticOf(a) === phoneticOf(b)) return 'phonetic';
  const tx = nameTokens(a);
  const ty = nameTokens(b);
  if (tx.some((t) => t.length > 1 && ty.includes(t))) return 'partial';
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
  if (diff === 1 || editDistance(digitsA, digitsB, 1) <= 1) return 'near';
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
    case 'partial':
      return [reason(`${prefix}_NAME_PARTIAL`)];
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

/**
 * Grades whether two records are the same person, with the reasons in codes and words. Never decides
 * on its own: LIKELY and POSSIBLE are proposals a person confirms or rejects. `null` = not a candidate.
 */
export function matchPeople(query: PersonIdentity, candidate: PersonIdentity, o: MatchOptions = { mode: 'duplicate' }): MatchResult | null {
  const ids = identifierAgreement(query, candidate);
  if (ids === 'conflict') return null; // two different PNC/NHS numbers are two people
  const dob = compareDob(query.dateOfBirth, candidate.dateOfBirth);

  const straight: [NameAgreement, NameAgreement] = [
    compareName(query.givenName, candidate.givenName),
    compareName(query.familyName, candidate.familyName),
  ];
  const swapped: [NameAgreement, NameAgreement] = [
    compareName(query.givenName, candidate.familyName),
    compareName(query.familyName, candidate.givenName),
  ];
  const rankOf = (p: [NameAgreement, NameAgreement]) => RANK[p[0]] + RANK[p[1]];
  const transposed = rankOf(swapped) > rankOf(straight);
  const [given, family] = transposed ? swapped : straight;

  const reasons: MatchReason[] = [];
  if (ids === 'match') reasons.push(reason('IDENTIFIER_MATCH'));
  reasons.push(...nameReasons('GIVEN', given), ...nameReasons('FAMILY', family));
  if (transposed) reasons.push(reason('NAMES_TRANSPOSED'));
  const rawDiffers = (a?: string | null, b?: string | null) => !!a && !!b && a.trim() !== b.trim();
  const [cg, cf] = transposed ? [candidate.familyName, candidate.givenName] : [candidate.givenName, candidate.familyName];
  if (
    (given === 'exact' && rawDiffers(query.givenName, cg)) ||
    (family === 'exact' && rawDiffers(query.familyName, cf))
  ) {
    reasons.push(reason('NAME_SPELLING_NORMALISED'));
  }
  const dobReason: Partial<Record<DobAgreement, MatchReasonCode>> = {
    exact: 'DOB_EXACT',
    swapped: 'DOB_DAY_MONTH_SWAPPED',
    near: 'DOB_ONE_DIGIT',
    missing: 'DOB_MISSING',
  };
  if (dobReason[dob]) reasons.push(reason(dobReason[dob]!));

  const score = Math.min(
    1,
    (ids === 'match' ? 0.5 : 0) +
      (Math.max(0, RANK[given]) + Math.max(0, RANK[family])) / 8 * 0.6 +
      { exact: 0.4, swapped: 0.25, near: 0.25, missing: 0.1, conflict: 0 }[dob],
  );
  const result = (grade: MatchGrade): MatchResult => ({ grade, score: Math.round(score * 1000) / 1000, reasons });

  if (ids === 'match') return dob === 'conflict' ? result('POSSIBLE') : result('LIKELY');
  if (dob === 'conflict') return null;
  if (given === 'different' || family === 'different') return null;

  if (o.mode === 'search') {
    const asked = [given, family].filter((a) => a !== 'missing' || false);
    const provided = [query.givenName, query.familyName].filter((n) => compactName(n)).length;
    if (provided === 0) return dob === 'exact' ? result('POSSIBLE') : null;
    // Every name the searcher gave must agree (strongly, or a shared word for multi-word names).
    if (asked.length < provided || asked.some((a) => a === 'missing')) return null;
    const allStrong = asked.every((a) => STRONG.has(a));
    if (allStrong && provided === 2 && asked.filter((a) => a !== 'exact').length <= 1 && (dob === 'exact' || (dob !== 'missing' && asked.every((a) => a === 'exact')))) {
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
    case 'missing':
      if (strong && fuzzy <= 1) return result('POSSIBLE');
      return null;
    default:
      return null;
  }
}

/** Hashing for blocking keys: the cipher's keyed hash, injected so this file stays key-free. */
export type KeyedHash = (label: string, value: string) => Buffer;

/**
 * Blocking keys of a person, stored as keyed hashes so candidate lookup is an index probe and never
 * reveals a name (DP-02). Two records of the same person share at least one key when they differ by
 * accents, case, hyphens, transliteration, transposed names, one edit in one of the names, or when
 * their date of birth or an identifier agrees.
 */
export function blockingKeys(p: PersonIdentity, hash: KeyedHash): Buffer[] {
  const keys = new Map<string, Buffer>();
  const add = (label: string, value: string) => {
    const k = hash(label, value);
    keys.set(k.toString('hex'), k);
  };
  const g = compactName(p.givenName);
  const f = compactName(p.familyName);
  if (g && f) {
    // One name exact, the other within one edit (deletion neighbourhoods); both orders so a
    // transposed record produces the same set.
    for (const [x, y] of [
      [g, f],
      [f, g],
    ]) {
      for (const v of deletionNeighbourhood(y)) add('pair', `${x}|${v}`);
    }
    const phon = [...nameTokens(p.givenName), ...nameTokens(p.familyName)].map(phoneticCode).sort().join(' ');
    add('phon', phon);
  }
  for (const t of new Set([...searchTokens(p.givenName), ...searchTokens(p.familyName)])) add('tok', t);
  if (p.dateOfBirth) add('dob', p.dateOfBirth);
  for (const i of p.identifiers ?? []) add('id', `${i.kind}|${normaliseIdentifier(i.value)}`);
  return [...keys.values()];
}

/**
 * The keys to probe when looking a person up: a full name probes the pair/phonetic blocks (never the
 * broad single-token block), a single name probes its tokens; date of birth and identifiers always.
 */
export function probeKeys(q: PersonIdentity, hash: KeyedHash): Buffer[] {
  const keys: Buffer[] = [];
  const g = compactName(q.givenName);
  const f = compactName(q.familyName);
  if (g && f) {
    for (const [x, y] of [
      [g, f],
      [f, g],
    ]) {
      for (const v of deletionNeighbourhood(y)) keys.push(hash('pair', `${x}|${v}`));
    }
    keys.push(hash('phon', [...nameTokens(q.givenName), ...nameTokens(q.familyName)].map(phoneticCode).sort().join(' ')));
  } else {
    for (const t of new Set([...searchTokens(q.givenName), ...searchTokens(q.familyName)])) keys.push(hash('tok', t));
  }
  if (q.dateOfBirth) keys.push(hash('dob', q.dateOfBirth));
  for (const i of q.identifiers ?? []) keys.push(hash('id', `${i.kind}|${normaliseIdentifier(i.value)}`));
  return keys;
}
