import type { PersonIdentity } from '../people/duplicate-matching';

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
  /** For a second record or a look-alike: the index of the record it was made from. */
  source?: number;
  /** Other names the person is recorded under (alias, maiden name, deed poll). */
  otherNames?: { givenName?: string | null; familyName?: string | null; kind: string }[];
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

/**
 * Formal given names and the diminutive or spelling a second officer might write for the same person,
 * written independently of the matcher's own table so the evaluation does not grade itself.
 */
export const NICKNAME_PAIRS: readonly (readonly [string, string])[] = [
  ['Katherine', 'Kate'], ['Catherine', 'Cathy'], ['Robert', 'Bob'], ['Robert', 'Rob'], ['Jennifer', 'Jenny'],
  ['William', 'Bill'], ['William', 'Will'], ['Elizabeth', 'Liz'], ['Elizabeth', 'Beth'], ['Margaret', 'Maggie'],
  ['Richard', 'Rick'], ['James', 'Jim'], ['Michael', 'Mike'], ['Christopher', 'Chris'], ['Rebecca', 'Becky'],
  ['Victoria', 'Vicky'], ['Susan', 'Sue'], ['Thomas', 'Tom'], ['Daniel', 'Dan'], ['Jonathan', 'Jon'],
  ['Samuel', 'Sam'], ['Joshua', 'Josh'], ['Oliver', 'Ollie'], ['Alexander', 'Alex'], ['Edward', 'Ted'],
  ['Frederick', 'Freddie'], ['Henry', 'Harry'], ['Theodore', 'Theo'], ['Isabella', 'Bella'], ['Florence', 'Flo'],
  ['Patricia', 'Trish'], ['Deborah', 'Debbie'], ['Jacqueline', 'Jackie'], ['Stephen', 'Steve'], ['Anthony', 'Tony'],
  ['Nicholas', 'Nick'], ['Matthew', 'Matt'], ['Benjamin', 'Ben'], ['Joseph', 'Joe'], ['Charlotte', 'Lottie'],
  ['Abigail', 'Abby'], ['Alexandra', 'Sasha'], ['Eleanor', 'Ellie'], ['Gareth', 'Gaz'], ['Natalia', 'Natasha'],
];

/**
 * The same person written in their own script and as an English-language record would spell them
 * (passport or common usage, not the transliterator's output), with the script named.
 */
export const SCRIPT_PAIRS: readonly { script: string; native: [string, string]; latin: [string, string] }[] = [
  { script: 'Cyrillic', native: ['Сергей', 'Иванов'], latin: ['Sergei', 'Ivanov'] },
  { script: 'Cyrillic', native: ['Наталья', 'Смирнова'], latin: ['Natalia', 'Smirnova'] },
  { script: 'Cyrillic', native: ['Дмитрий', 'Кузнецов'], latin: ['Dmitry', 'Kuznetsov'] },
  { script: 'Cyrillic', native: ['Юлия', 'Волкова'], latin: ['Yulia', 'Volkova'] },
  { script: 'Cyrillic', native: ['Олександр', 'Шевченко'], latin: ['Oleksandr', 'Shevchenko'] },
  { script: 'Greek', native: ['Γιώργος', 'Παπαδόπουλος'], latin: ['Georgios', 'Papadopoulos'] },
  { script: 'Greek', native: ['Ελένη', 'Νικολάου'], latin: ['Eleni', 'Nikolaou'] },
  { script: 'Greek', native: ['Δημήτρης', 'Γεωργίου'], latin: ['Dimitris', 'Georgiou'] },
  { script: 'Greek', native: ['Κωνσταντίνος', 'Οικονόμου'], latin: ['Konstantinos', 'Oikonomou'] },
  { script: 'Greek', native: ['Σοφία', 'Αλεξίου'], latin: ['Sofia', 'Alexiou'] },
  { script: 'Greek', native: ['Μαρία', 'Παππά'], latin: ['Maria', 'Pappa'] },
  { script: 'Cyrillic', native: ['Анна', 'Петрова'], latin: ['Anna', 'Petrova'] },
  { script: 'Cyrillic', native: ['Ольга', 'Соколова'], latin: ['Olga', 'Sokolova'] },
  { script: 'Arabic', native: ['علي', 'حسن'], latin: ['Ali', 'Hassan'] },
  { script: 'Arabic', native: ['خالد', 'عمر'], latin: ['Khalid', 'Omar'] },
  { script: 'Arabic', native: ['زينب', 'أحمد'], latin: ['Zainab', 'Ahmed'] },
  { script: 'Arabic', native: ['محمد', 'خان'], latin: ['Mohammed', 'Khan'] },
  { script: 'Arabic', native: ['فاطمة', 'حسين'], latin: ['Fatima', 'Hussain'] },
  { script: 'Arabic', native: ['يوسف', 'علي'], latin: ['Yusuf', 'Ali'] },
  { script: 'Arabic', native: ['أحمد', 'رحمن'], latin: ['Ahmed', 'Rahman'] },
  { script: 'Arabic', native: ['إبراهيم', 'محمود'], latin: ['Ibrahim', 'Mahmood'] },
  { script: 'Arabic', native: ['مريم', 'إقبال'], latin: ['Maryam', 'Iqbal'] },
  { script: 'Han', native: ['伟', '张'], latin: ['Wei', 'Zhang'] },
  { script: 'Han', native: ['芳', '王'], latin: ['Fang', 'Wang'] },
  { script: 'Han', native: ['娜', '李'], latin: ['Na', 'Li'] },
  { script: 'Han', native: ['静', '陈'], latin: ['Jing', 'Chen'] },
  { script: 'Hangul', native: ['민준', '김'], latin: ['Minjun', 'Kim'] },
  { script: 'Hangul', native: ['지훈', '박'], latin: ['Jihoon', 'Park'] },
  { script: 'Kana', native: ['はなこ', 'さとう'], latin: ['Hanako', 'Sato'] },
  { script: 'Devanagari', native: ['प्रिया', 'शर्मा'], latin: ['Priya', 'Sharma'] },
  { script: 'Devanagari', native: ['राहुल', 'वर्मा'], latin: ['Rahul', 'Verma'] },
  { script: 'Gurmukhi', native: ['ਗੁਰਪ੍ਰੀਤ', 'ਸਿੰਘ'], latin: ['Gurpreet', 'Singh'] },
  { script: 'Bengali', native: ['অর্জুন', 'রহমান'], latin: ['Arjun', 'Rahman'] },
];

/** The same person in their own script and in Latin letters, one kind per family of scripts. */
export const SCRIPT_KINDS = {
  'script-cyrillic': ['Cyrillic'],
  'script-greek': ['Greek'],
  'script-arabic': ['Arabic'],
  'script-east-asian': ['Han', 'Hangul', 'Kana'],
  'script-indic': ['Devanagari', 'Gurmukhi', 'Bengali'],
} as const;
type ScriptKind = keyof typeof SCRIPT_KINDS;
const pairsOf = (kind: ScriptKind) => SCRIPT_PAIRS.filter((p) => (SCRIPT_KINDS[kind] as readonly string[]).includes(p.script));

/** Kinds of second record of the same person in the hard evaluation set. */
export const SAME_PERSON_KINDS = [
  'exact', 'case', 'accents', 'nfd', 'hyphen', 'transposed', 'typo-given', 'typo-family', 'translit',
  'dob-missing', 'dob-digit', 'dob-swapped', 'barrel', 'nickname', 'family-changed', 'previous-name-recorded',
  'maiden-name-recorded', ...(Object.keys(SCRIPT_KINDS) as ScriptKind[]),
] as const;
/** Kinds of different person built to look like someone already registered. */
export const DECOY_KINDS = [
  'other-generation', 'twin', 'same-name-other-dob', 'same-dob-other-name', 'one-letter-name-other-dob', 'other-script-same-dob',
] as const;
export type SamePersonKind = (typeof SAME_PERSON_KINDS)[number];
export type DecoyKind = (typeof DECOY_KINDS)[number];

/** One name of a person, whichever script it is written in (a script pair's Latin form stands for both). */
function personNamed(givenName: string, familyName: string): string {
  const pair = SCRIPT_PAIRS.find((p) => (p.native[0] === givenName && p.native[1] === familyName) || (p.latin[0] === givenName && p.latin[1] === familyName));
  return pair ? pair.latin.join('|') : `${givenName}|${familyName}`;
}

/** Birthdays one typing error apart (one digit, or day and month swapped), or the same. */
function nearBirthday(a: string, b: string): boolean {
  return [...a].filter((ch, i) => ch !== b[i]).length <= 1 || a === `${b.slice(0, 5)}${b.slice(8)}-${b.slice(5, 7)}`;
}

function shiftYears(dob: string, years: number): string {
  return `${Number(dob.slice(0, 4)) + years}${dob.slice(4)}`;
}

/**
 * The hard evaluation set: `people` distinct people, then for every kind `perKind` second records of the
 * same person (each with `source` = the record it was made from) and `perKind` look-alike decoys of
 * someone registered, shuffled together. Fixed seed: the same records every run.
 */
export function hardEvaluationSet(o: { seed: number; people: number; perKind: number }): EvaluationSet {
  const rnd = seededRandom(o.seed);
  const seen = new Set<string>();
  const key = (p: PersonIdentity) => `${p.givenName}|${p.familyName}|${p.dateOfBirth}`;
  const records: SyntheticPerson[] = [];
  let cluster = 0;
  const register = (p: Omit<SyntheticPerson, 'cluster'>, c = cluster++) => {
    records.push({ ...p, cluster: c });
    seen.add(key(p));
    return records.length - 1;
  };
  while (records.length < o.people) {
    const p = { givenName: pick(rnd, GIVEN_NAMES), familyName: pick(rnd, FAMILY_NAMES), dateOfBirth: randomDob(rnd), variant: 'original' };
    if (!seen.has(key(p))) register(p);
  }
  const base = records.slice();
  const later: SyntheticPerson[] = [];
  // A first record of someone new (a name the base lists do not have), registered with the base. The
  // few names of the script and nickname lists recur (and some are also base names), so each new
  // person's birthday is kept more than one typing error away from every namesake's, whichever script
  // the namesake was written in: distinct people by construction, not near-duplicates.
  const firstRecord = (givenName: string, familyName: string) => {
    let dateOfBirth = randomDob(rnd);
    while (hasNearNamesake(givenName, familyName, dateOfBirth)) dateOfBirth = randomDob(rnd);
    const i = register({ givenName, familyName, dateOfBirth, variant: 'original' });
    return records[i];
  };
  const hasNearNamesake = (givenName: string, familyName: string, dob: string) => {
    const who = personNamed(givenName, familyName);
    return records.some((r) => r.otherNames === undefined && personNamed(r.givenName!, r.familyName!) === who && nearBirthday(r.dateOfBirth!, dob));
  };
  const second = (kind: SamePersonKind, src: SyntheticPerson, change: Partial<SyntheticPerson>) =>
    later.push({ ...src, ...change, variant: kind, source: records.indexOf(src), cluster: src.cluster });
  for (const kind of SAME_PERSON_KINDS) {
    for (let n = 0; n < o.perKind; n++) {
      const src = pick(rnd, base);
      const g = src.givenName!;
      const f = src.familyName!;
      switch (kind) {
        case 'exact':
          second(kind, src, {});
          break;
        case 'case':
          second(kind, src, { givenName: g.toUpperCase(), familyName: f.toLowerCase() });
          break;
        case 'accents': {
          const accented = base.filter((b) => stripAccents(`${b.givenName}${b.familyName}`) !== `${b.givenName}${b.familyName}`);
          const a = pick(rnd, accented);
          second(kind, a, { givenName: stripAccents(a.givenName!), familyName: stripAccents(a.familyName!) });
          break;
        }
        case 'nfd':
          second(kind, src, { givenName: g.normalize('NFD'), familyName: f.normalize('NFD') });
          break;
        case 'hyphen': {
          const multi = base.filter((b) => /[- ]/.test(b.familyName!));
          const h = pick(rnd, multi);
          second(kind, h, { familyName: h.familyName!.replace(/[- ]/g, rnd() < 0.5 ? '' : '-') });
          break;
        }
        case 'transposed':
          second(kind, src, { givenName: f, familyName: g });
          break;
        case 'typo-given':
          second(kind, src, { givenName: typo(rnd, g) });
          break;
        case 'typo-family':
          second(kind, src, { familyName: typo(rnd, f) });
          break;
        case 'translit': {
          const withAlt = base.filter((b) => TRANSLIT[b.givenName!] || TRANSLIT[b.familyName!]);
          const t = pick(rnd, withAlt);
          second(kind, t, TRANSLIT[t.givenName!] ? { givenName: pick(rnd, TRANSLIT[t.givenName!]) } : { familyName: pick(rnd, TRANSLIT[t.familyName!]) });
          break;
        }
        case 'dob-missing':
          second(kind, src, { dateOfBirth: null });
          break;
        case 'dob-digit': {
          const d = src.dateOfBirth!;
          const day = Number(d.slice(8));
          second(kind, src, { dateOfBirth: `${d.slice(0, 8)}${pad(day === 28 ? 27 : day + 1)}` });
          break;
        }
        case 'dob-swapped': {
          const swappable = base.filter((b) => Number(b.dateOfBirth!.slice(8)) <= 12 && b.dateOfBirth!.slice(8) !== b.dateOfBirth!.slice(5, 7));
          const s = pick(rnd, swappable);
          const [y, m, d] = s.dateOfBirth!.split('-');
          second(kind, s, { dateOfBirth: `${y}-${d}-${m}` });
          break;
        }
        case 'barrel': {
          const single = base.filter((b) => !/[- ]/.test(b.familyName!));
          const b = pick(rnd, single);
          second(kind, b, { familyName: `${b.familyName}-${pick(rnd, FAMILY_NAMES.filter((x) => !/[- ]/.test(x)))}` });
          break;
        }
        case 'nickname': {
          const [formal, short] = pick(rnd, NICKNAME_PAIRS);
          const [a, b] = rnd() < 0.5 ? [formal, short] : [short, formal];
          second(kind, firstRecord(a, pick(rnd, FAMILY_NAMES)), { givenName: b });
          break;
        }
        case 'family-changed':
        case 'previous-name-recorded': {
          const other = FAMILY_NAMES.filter((x) => x !== f);
          const newFamily = pick(rnd, other);
          second(kind, src, {
            familyName: newFamily,
            ...(kind === 'previous-name-recorded' ? { otherNames: [{ givenName: g, familyName: f, kind: pick(rnd, ['MAIDEN_NAME', 'DEED_POLL', 'ALIAS']) }] } : {}),
          });
          break;
        }
        case 'maiden-name-recorded': {
          // The later record under a married name, with the previous family name alone (the given name is the current one).
          const newFamily = pick(rnd, FAMILY_NAMES.filter((x) => x !== f));
          second(kind, src, { familyName: newFamily, otherNames: [{ familyName: f, kind: 'MAIDEN_NAME' }] });
          break;
        }
        case 'script-cyrillic':
        case 'script-greek':
        case 'script-arabic':
        case 'script-east-asian':
        case 'script-indic': {
          const s = pick(rnd, pairsOf(kind));
          const [first, then] = rnd() < 0.5 ? [s.native, s.latin] : [s.latin, s.native];
          const r = firstRecord(first[0], first[1]);
          second(kind, r, { givenName: then[0], familyName: then[1] });
          break;
        }
      }
    }
  }
  for (const kind of DECOY_KINDS) {
    for (let n = 0; n < o.perKind; n++) {
      const src = pick(rnd, base);
      const decoy = (p: Partial<SyntheticPerson>) => {
        const d = { ...src, otherNames: undefined, ...p, variant: kind, source: records.indexOf(src), cluster: cluster++ };
        if (seen.has(key(d))) return;
        seen.add(key(d));
        later.push(d);
      };
      switch (kind) {
        case 'other-generation':
          decoy({ dateOfBirth: shiftYears(src.dateOfBirth!, (rnd() < 0.5 ? -1 : 1) * (20 + Math.floor(rnd() * 16))) });
          break;
        case 'twin':
          decoy({ givenName: pick(rnd, GIVEN_NAMES.filter((x) => x !== src.givenName)) });
          break;
        case 'same-name-other-dob':
          decoy({ dateOfBirth: randomDob(rnd) });
          break;
        case 'same-dob-other-name':
          decoy({ givenName: pick(rnd, GIVEN_NAMES), familyName: pick(rnd, FAMILY_NAMES) });
          break;
        case 'one-letter-name-other-dob':
          decoy({ familyName: typo(rnd, src.familyName!), dateOfBirth: randomDob(rnd) });
          break;
        case 'other-script-same-dob': {
          // Someone registered in their own script, and another person of that script born the same day.
          const [a, b] = [pick(rnd, SCRIPT_PAIRS), pick(rnd, SCRIPT_PAIRS)];
          if (a.native[0] === b.native[0] || a.native[1] === b.native[1]) break;
          const first = firstRecord(a.native[0], a.native[1]);
          const other = rnd() < 0.5 ? b.native : b.latin;
          const d = { ...first, otherNames: undefined, givenName: other[0], familyName: other[1], variant: kind, source: records.indexOf(first), cluster: cluster++ };
          if (!seen.has(key(d)) && !hasNearNamesake(other[0], other[1], first.dateOfBirth!)) {
            seen.add(key(d));
            later.push(d);
          }
          break;
        }
      }
    }
  }
  for (let i = later.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [later[i], later[j]] = [later[j], later[i]];
  }
  return { records: [...records, ...later], distinctPeople: cluster };
}
