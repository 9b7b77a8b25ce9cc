/**
 * Normalisation of people's names for duplicate detection and search (domain.md §4 Person, DP-02).
 * Pure functions: no I/O, no keys. The keyed hashes are made from what these return.
 */

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
  ['mohan', 'mohun'],
];
const VARIANTS = new Map<string, string>(VARIANT_GROUPS.flatMap((g) => g.map((v) => [v, g[0]] as [string, string])));

/** Name particles kept as tokens but not enough on their own to block on. */
const PARTICLES = new Set(['de', 'da', 'del', 'della', 'di', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'bin', 'ibn', 'al', 'el', 'mac', 'st']);

/** Folds one raw name to lower-case ASCII words: NFC/NFD-insensitive, accents, case, hyphens, apostrophes. */
export function foldName(raw: string): string {
  const lower = raw.normalize('NFKC').toLowerCase();
  let out = '';
  for (const ch of lower) out += LETTERS[ch] ?? ch;
  return out
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // combining marks: é -> e whatever the input normal form
    .replace(/['’‘`´]/g, '') // O'Brien = OBrien
    .replace(/[^a-z0-9]+/g, ' ') // hyphens, dots, other punctuation and whitespace separate words
    .trim();
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
  return value.normalize('NFKC').toUpperCase().replace(/[^A-Z0-9]/g, '');
}
