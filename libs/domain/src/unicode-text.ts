/**
 * The platform's one Unicode normalisation for comparing and indexing text typed by people (names,
 * identifiers): NFKC (composed letters; full-width, ligature and other compatibility forms folded to
 * their plain letters) with the characters that carry no letter removed: controls (Cc), format
 * characters (Cf: zero-width space and joiners, soft hyphen, bidirectional marks and overrides, BOM)
 * and variation selectors. The same text typed, pasted from a PDF or decomposed (NFD) by another system
 * normalises to the same string. For comparison keys only: free text is stored as it was written.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/gu;
/** Printable ASCII is already in this form (NFKC and the removals change nothing): skip the work. */
const PRINTABLE_ASCII = /^[ -~]*$/;

export function normaliseUnicode(text: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  return text.normalize('NFKC').replace(INVISIBLE, '');
}
