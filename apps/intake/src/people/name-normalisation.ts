/**
 * Normalisation of people's names for duplicate detection and search (domain.md §4 Person, DP-02).
 * Pure functions: no I/O, no keys. The keyed hashes are made from what these return.
 */
import anyAscii from 'any-ascii';
import { normaliseUnicode } from '@stac/domain';

/** Letters that NFKD does not decompose into ASCII, and common Cyrillic/Greek letters (BGN/PCGN-ish). */
const LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h', ŧ: 't', ŋ: 'n',
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', є: 'ye', і: 'i', ї: 'yi', ґ: 'g',
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm',
  ν: 'n', ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
};

/**
 * Common transliteration variants of the same name, mapped to one canonical spelling. Only forms that
 * are the same name written differently, never different names that sound alike (Catherine/Kathryn).
 */
const VARIANT_GROUPS: readonly (readonly string[])[] = [
  ['muhammad', 'mohammed', 'mohammad', 'muhammed', 'mohamed', 'mohamad', 'muhamad', 'mohammod', 'mehmet', 'mohd'],
  ['ahmed', 'ahmad', 'ahmet'],
  ['mustafa', 'mustapha', 'moustafa'],
  ['yusuf', 'yousef', 'youssef', 'yusef', 'yousuf', 'yossef'],
  ['ibrahim', 'ebrahim', 'ibraheem'],
  ['hussein', 'hussain', 'husain', 'hossein', 'husein'],
  ['abdul', 'abdal', 'abdoul'],
  ['alexander', 'aleksandr', 'aleksander', 'alexandr', 'oleksandr'],
  ['sergei', 'sergey', 'serhiy', 'serguei'],
  ['yuri', 'yury', 'iurii', 'yuriy', 'iouri'],
  ['dmitri', 'dmitry', 'dmitrii', 'dmytro'],
  ['andrei', 'andrey', 'andriy'],
  ['alexei', 'alexey', 'aleksei', 'aleksey', 'oleksiy'],
  ['nikolai', 'nikolay', 'mykola'],
  ['evgeny', 'yevgeny', 'evgeni', 'yevgeniy', 'evgenii'],
  ['natalia', 'natalya', 'nataliya'],
  ['tatiana', 'tatyana', 'tetiana'],
  ['olga', 'olha'],
  ['maria', 'mariya'],
  ['elena', 'yelena', 'olena'],
  ['tchaikovsky', 'chaikovsky', 'tschaikowsky'],
  ['zhang', 'chang'],
  // Korean family names: common usage, Revised Romanization and any-ascii's reading of the Hangul.
  ['park', 'pak', 'bak', 'bag'],
  ['choi', 'choe'],
  ['jeong', 'jung'],
  ['mohan', 'mohun'],
];
const VARIANTS = new Map<string, string>(VARIANT_GROUPS.flatMap((g) => g.map((v) => [v, g[0]] as [string, string])));

/** Name particles kept as tokens but not enough on their own to block on. */
const PARTICLES = new Set(['de', 'da', 'del', 'della', 'di', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'bin', 'ibn', 'al', 'el', 'mac', 'st']);

/** Letters of scripts whose accents are dropped letter by letter (Latin, Greek, Cyrillic). */
const ALPHABETIC = /[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]/u;
/** Any letter or digit outside ASCII: handed to the transliterator. */
const NON_ASCII = /[^\p{ASCII}]/u;
const PRINTABLE_ASCII = /^[ -~]*$/;

/**
 * Folds one raw name to lower-case ASCII words, for every name stored or searched: the platform's one
 * Unicode normalisation (`normaliseUnicode` in @stac/domain: NFKC, invisible characters removed), lower case;
 * Latin, Greek and Cyrillic letters lose their accents (NFC and NFD agree) and are transliterated by
 * the table above (Greek ου as 'ou'); every other script (Arabic, Han, Hangul, kana, Indic, Hebrew...) is transliterated
 * to Latin by `any-ascii`; apostrophes dropped, hyphens and other punctuation separate words.
 */
export function foldName(raw: string): string {
  // Printable ASCII (most names): NFKC, the invisible characters and the tables change nothing.
  if (PRINTABLE_ASCII.test(raw)) return raw.toLowerCase().replace(/['`]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  const lower = normaliseUnicode(raw).toLowerCase();
  let out = '';
  let previous = '';
  for (const ch of lower) {
    const base = LETTERS[ch] === undefined && ALPHABETIC.test(ch) ? ch.normalize('NFKD').replace(/\p{M}+/gu, '') : ch;
    // Greek ου is one sound, written 'ou' by ELOT 743 and on passports (Παπαδόπουλος = Papadopoulos).
    if (base === 'υ' && previous === 'ο') out += 'u';
    else out += LETTERS[ch] ?? LETTERS[base] ?? base;
    previous = base;
  }
  // Other scripts word by word, so a space between a family and given name written in Han survives.
  if (NON_ASCII.test(out)) out = anyAscii(out).toLowerCase();
  return out
    .replace(/['’‘`´]/g, '') // O'Brien = OBrien
    .replace(/[^a-z0-9]+/g, ' ') // hyphens, dots, other punctuation and whitespace separate words
    .trim();
}

/** Whether a raw name has letters of a script other than Latin (it was transliterated to compare). */
export function isOtherScript(raw: string | null | undefined): boolean {
  return !!raw && /\p{L}/u.test(raw) && /[^\p{Script=Latin}\P{L}]/u.test(normaliseUnicode(raw));
}

/**
 * The consonant skeleton of a folded word, for names whose script writes few or no vowels (Arabic,
 * Hebrew) or whose romanisations differ mostly in vowels and aspirates (Indic): digraphs to one
 * letter, vowels, semivowels and glottal marks dropped, doubled letters once, a final h dropped.
 * 'mhmd' (محمد) = 'muhammad' = 'mohammed'; 'srma' (शर्मा) = 'sharma'.
 */
export function consonantSkeleton(word: string): string {
  return word
    .replace(/([kgtdbpcsz])h/g, '$1')
    .replace(/ph/g, 'f')
    .replace(/[aeiouyw]/g, '')
    .replace(/q/g, 'k')
    .replace(/(.)\1+/g, '$1')
    .replace(/(.)h$/, '$1');
}

/** The words of a name, each folded and mapped to its canonical transliteration. */
export function nameTokens(raw: string | null | undefined): string[] {
  if (!raw) return [];
  return foldName(raw)
    .split(' ')
    .filter(Boolean)
    .map((t) => VARIANTS.get(t) ?? t);
}

/** A name as one string without separators: 'Smith-Jones' = 'smith jones' = 'SmithJones'. */
export function compactName(raw: string | null | undefined): string {
  return nameTokens(raw).join('');
}

/** Tokens useful for single-token search keys (particles alone would match half the register). */
export function searchTokens(raw: string | null | undefined): string[] {
  return nameTokens(raw).filter((t) => t.length > 1 && !PARTICLES.has(t));
}

/**
 * A phonetic code in the spirit of Metaphone, enough to make one-letter spelling variants and many
 * transliterations collide: consonant classes, silent letters dropped, vowels kept only as the first letter.
 */
export function phoneticCode(token: string): string {
  if (!token) return '';
  let s = token.replace(/[^a-z]/g, '');
  if (!s) return token;
  s = s
    .replace(/^kn|^gn|^pn|^wr|^ps/, (m) => m[1])
    .replace(/^x/, 's')
    .replace(/^wh/, 'w')
    .replace(/mb$/, 'm')
    .replace(/sch/g, 'sk')
    .replace(/tch/g, 'ch')
    .replace(/ph/g, 'f')
    .replace(/ck/g, 'k')
    .replace(/[sc]h/g, 'x')
    .replace(/th/g, '0')
    .replace(/dg(?=[eiy])/g, 'j')
    .replace(/gh(?![aeiou])/g, '')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/[cq]/g, 'k')
    .replace(/z/g, 's')
    .replace(/v/g, 'f')
    .replace(/dt|d/g, 't')
    .replace(/[bp]/g, 'p')
    .replace(/[gj]/g, 'k');
  const first = /[aeiouy]/.test(s[0]) ? 'A' : s[0].toUpperCase();
  const rest = s
    .slice(1)
    .replace(/[aeiouyhw]/g, '')
    .replace(/(.)\1+/g, '$1');
  return (first + rest.toUpperCase()).replace(/^(.)\1+/, '$1').slice(0, 8);
}

/** Optimal string alignment distance (Levenshtein plus adjacent transposition), stopping above `max`. */
export function editDistance(a: string, b: string, max = 2): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const r = new Array<number>(cols).fill(0);
    r[0] = i;
    return r;
  });
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    let rowMin = Infinity;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return Math.min(d[a.length][b.length], max + 1);
}

/** The string and every string one deletion away: two strings within one edit share a member. */
export function deletionNeighbourhood(s: string): string[] {
  const out = new Set<string>([s]);
  for (let i = 0; i < s.length; i++) out.add(s.slice(0, i) + s.slice(i + 1));
  return [...out];
}

/** Normalised identifier value: upper-case letters and digits only ('AB 12-34' = 'ab1234'). */
export function normaliseIdentifier(value: string): string {
  return normaliseUnicode(value).toUpperCase().replace(/[^A-Z0-9]/g, '');
}
