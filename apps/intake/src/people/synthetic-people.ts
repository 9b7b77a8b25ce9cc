import type { PersonIdentity } from './duplicate-matching';

/**
 * Synthetic people for the duplicate-detection evaluation and the search benchmark. Deterministic
 * (seeded), entirely made up, with the kinds of variation real registers have.
 */

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const GIVEN_NAMES = [
  'Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Ivy', 'Lily', 'Isabella', 'Rosie', 'Sophia', 'Grace', 'Freya',
  'Florence', 'Willow', 'Evie', 'Phoebe', 'Ella', 'Sienna', 'Poppy', 'Harper', 'Zoë', 'Chloé', 'Noémie', 'Aoife',
  'Siobhán', 'Małgorzata', 'Agnieszka', 'Priya', 'Aisha', 'Fatima', 'Maryam', 'Natalia', 'Tatiana', 'Elena',
  'Noah', 'Oliver', 'George', 'Arthur', 'Leo', 'Muhammad', 'Harry', 'Oscar', 'Archie', 'Henry', 'Theodore',
  'Freddie', 'Jack', 'Charlie', 'Finley', 'Thomas', 'Alfie', 'Lucas', 'Isaac', 'Edward', 'Samuel', 'Joshua',
  'Sebastián', 'José', 'Łukasz', 'Grzegorz', 'Sergei', 'Dmitri', 'Alexander', 'Yusuf', 'Ahmed', 'Ibrahim',
  'Rahul', 'Arjun', 'Chidi', 'Kwame', 'Tomasz', 'Mateo', 'Mary Ann', 'Jean-Luc', 'Anne-Marie', 'Ciarán',
];

export const FAMILY_NAMES = [
  'Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Johnson', 'Roberts',
  'Robinson', 'Thompson', 'Wright', 'Walker', 'White', 'Edwards', 'Hughes', 'Green', 'Hall', 'Lewis', 'Harris',
  'Clarke', 'Patel', 'Jackson', 'Wood', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Morris', 'Moore', 'Clark',
  'Lee', 'King', 'Baker', 'Harrison', 'Morgan', 'Allen', 'James', 'Scott', 'Phillips', 'Watson', 'Davis', 'Parker',
  'Price', 'Bennett', 'Young', 'Griffiths', 'Mitchell', 'Kelly', 'Cook', 'Carter', 'Richardson', 'Bailey',
  'Collins', 'Bell', 'Shaw', 'Murphy', 'Miller', 'Cox', 'Richards', 'Khan', 'Marshall', 'Anderson', 'Simpson',
  'Ellis', 'Adams', 'Singh', 'Begum', 'Ahmed', 'Hussain', 'Ali', 'Kowalski', 'Nowak', 'Wiśniewski', 'Ivanov',
  'Petrov', 'Müller', 'Schröder', "O'Brien", "O'Connor", 'McDonald', 'MacLeod', 'Smith-Jones', 'Lloyd-Webber',
  'García', 'Martínez', 'Fernández', 'Nguyen', 'Okafor', 'Mensah', 'Oyelaran', 'Papadopoulos', 'Østergaard',
  'Ó Súilleabháin', 'de la Cruz', 'van der Berg', 'Abdullah', 'Rahman', 'Chowdhury', 'Mahmood', 'Iqbal',
];

/** Spelling variants a second officer might type for the same person. */
const TRANSLIT: Record<string, string[]> = {
  Muhammad: ['Mohammed', 'Mohamed', 'Mohammad'],
  Sergei: ['Sergey'],
  Dmitri: ['Dmitry'],
  Alexander: ['Aleksandr'],
  Yusuf: ['Yousef', 'Youssef'],
  Ahmed: ['Ahmad'],
  Natalia: ['Natalya'],
  Tatiana: ['Tatyana'],
  Hussain: ['Hussein'],
  Elena: ['Yelena'],
};

export interface SyntheticPerson extends PersonIdentity {
  /** Records with the same cluster are the same human being (ground truth). */
  cluster: number;
  variant: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function randomDob(rnd: () => number): string {
  const y = 1950 + Math.floor(rnd() * 55);
  const m = 1 + Math.floor(rnd() * 12);
  const d = 1 + Math.floor(rnd() * 28);
  return `${y}-${pad(m)}-${pad(d)}`;
}

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** One random keyboard error: substitution, insertion, deletion or swap of neighbours. */
export function typo(rnd: () => number, name: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const chars = [...name];
  const i = 1 + Math.floor(rnd() * Math.max(1, chars.length - 1));
  const op = Math.floor(rnd() * 4);
  if (op === 0 && i < chars.length) chars[i] = pick(rnd, [...letters].filter((c) => c !== chars[i].toLowerCase()));
  else if (op === 1) chars.splice(i, 0, pick(rnd, [...letters]));
  else if (op === 2 && chars.length > 3 && i < chars.length) chars.splice(i, 1);
  else if (i < chars.length - 1 && chars[i] !== chars[i + 1]) [chars[i], chars[i + 1]] = [chars[i + 1], chars[i]];
  else chars.push(pick(rnd, [...letters]));
  return chars.join('');
}

const stripAccents = (s: string) => s.normalize('NFD').replace(/\p{M}+/gu, '');

/** A second record of the same person as another officer would enter it. */
export function variantOf(rnd: () => number, p: SyntheticPerson): SyntheticPerson {
  const g = p.givenName!;
  const f = p.familyName!;
  const kinds = ['case', 'accents', 'nfd', 'hyphen', 'transposed', 'typo-given', 'typo-family', 'translit', 'dob-missing', 'dob-digit', 'dob-swapped'];
  const kind = pick(rnd, kinds);
  const out: SyntheticPerson = { ...p, variant: kind };
  switch (kind) {
    case 'case':
      return { ...out, givenName: g.toUpperCase(), familyName: f.toLowerCase() };
    case 'accents':
      return { ...out, givenName: stripAccents(g), familyName: stripAccents(f) };
    case 'nfd':
      return { ...out, givenName: g.normalize('NFD'), familyName: f.normalize('NFD') };
    case 'hyphen':
      if (/[- ]/.test(f)) return { ...out, familyName: f.replace(/-/g, ' ').replace(/ /g, rnd() < 0.5 ? '' : '-') };
      if (/[- ]/.test(g)) return { ...out, givenName: g.replace(/[- ]/g, rnd() < 0.5 ? '' : '-') };
      return { ...out, variant: 'case', familyName: f.toUpperCase() };
    case 'transposed':
      return { ...out, givenName: f, familyName: g };
    case 'typo-given':
      return { ...out, givenName: typo(rnd, g) };
    case 'typo-family':
      return { ...out, familyName: typo(rnd, f) };
    case 'translit': {
      const alt = TRANSLIT[g] ?? TRANSLIT[f];
      if (!alt) return { ...out, variant: 'case', givenName: g.toLowerCase() };
      return TRANSLIT[g] ? { ...out, givenName: pick(rnd, alt) } : { ...out, familyName: pick(rnd, alt) };
    }
    case 'dob-missing':
      return { ...out, dateOfBirth: null };
    case 'dob-digit': {
      const d = p.dateOfBirth!;
      const day = Number(d.slice(8));
      return { ...out, dateOfBirth: `${d.slice(0, 8)}${pad(day === 28 ? 27 : day + 1)}` };
    }
    default: {
      const [y, m, d] = p.dateOfBirth!.split('-');
      return Number(d) <= 12 && d !== m ? { ...out, dateOfBirth: `${y}-${d}-${m}` } : { ...out, variant: 'case', givenName: g.toUpperCase() };
    }
  }
}

export interface EvaluationSet {
  /** In the order they would be registered. */
  records: SyntheticPerson[];
  distinctPeople: number;
}

/**
 * `people` distinct people (unique name + date of birth, many sharing common names or a birthday),
 * `duplicates` second records of some of them, and `lookalikes` distinct people built to be hard
 * negatives (same name different birthday, same birthday different name, one-letter-different name
 * with another birthday).
 */
export function evaluationSet(o: { seed: number; people: number; duplicates: number; lookalikes: number }): EvaluationSet {
  const rnd = seededRandom(o.seed);
  const seen = new Set<string>();
  const base: SyntheticPerson[] = [];
  let cluster = 0;
  const key = (p: PersonIdentity) => `${p.givenName}|${p.familyName}|${p.dateOfBirth}`;
  while (base.length < o.people) {
    const p: SyntheticPerson = { givenName: pick(rnd, GIVEN_NAMES), familyName: pick(rnd, FAMILY_NAMES), dateOfBirth: randomDob(rnd), cluster: 0, variant: 'original' };
    if (seen.has(key(p))) continue;
    seen.add(key(p));
    base.push({ ...p, cluster: cluster++ });
  }
  const extra: SyntheticPerson[] = [];
  for (let i = 0; i < o.lookalikes; i++) {
    const src = pick(rnd, base);
    const kind = i % 3;
    const p: SyntheticPerson =
      kind === 0
        ? { givenName: src.givenName, familyName: src.familyName, dateOfBirth: randomDob(rnd), cluster: cluster++, variant: 'lookalike-same-name' }
        : kind === 1
          ? { givenName: pick(rnd, GIVEN_NAMES), familyName: pick(rnd, FAMILY_NAMES), dateOfBirth: src.dateOfBirth, cluster: cluster++, variant: 'lookalike-same-dob' }
          : { givenName: src.givenName, familyName: typo(rnd, src.familyName!), dateOfBirth: randomDob(rnd), cluster: cluster++, variant: 'lookalike-typo-name' };
    if (seen.has(key(p))) continue;
    seen.add(key(p));
    extra.push(p);
  }
  for (let i = 0; i < o.duplicates; i++) extra.push(variantOf(rnd, pick(rnd, base)));
  // Shuffle the later records so duplicates and lookalikes arrive interleaved.
  for (let i = extra.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [extra[i], extra[j]] = [extra[j], extra[i]];
  }
  return { records: [...base, ...extra], distinctPeople: cluster };
}

const ONSETS = ['b', 'br', 'c', 'ch', 'd', 'dr', 'f', 'g', 'gr', 'h', 'j', 'k', 'kl', 'l', 'm', 'n', 'p', 'pr', 'r', 's', 'st', 'sh', 't', 'tr', 'v', 'w', 'z'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou', 'y'];
const CODAS = ['', 'n', 'r', 'l', 's', 'th', 'ck', 'm', 'nd', 'rt', 'ss', 'x'];
const SUFFIXES = ['', 'son', 'ton', 'ley', 'er', 'ski', 'ova', 'ez', 'ini', 'ford', 'well', 'by'];

/** A made-up surname from syllables: the long tail of a real register. */
export function syllableSurname(rnd: () => number): string {
  const syllables = 1 + Math.floor(rnd() * 2);
  let s = '';
  for (let i = 0; i < syllables; i++) s += pick(rnd, ONSETS) + pick(rnd, NUCLEI) + pick(rnd, CODAS);
  s += pick(rnd, SUFFIXES);
  return s[0].toUpperCase() + s.slice(1);
}

/**
 * One person of a large synthetic population (benchmarks): common given names, surnames half from
 * the common list and half from a long tail, a date of birth for nine in ten.
 */
export function populationPerson(rnd: () => number): PersonIdentity {
  return {
    givenName: pick(rnd, GIVEN_NAMES),
    familyName: rnd() < 0.5 ? pick(rnd, FAMILY_NAMES) : syllableSurname(rnd),
    dateOfBirth: rnd() < 0.9 ? randomDob(rnd) : null,
  };
}
