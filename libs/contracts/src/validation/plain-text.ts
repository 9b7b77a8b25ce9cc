import { Matches, type ValidationOptions } from 'class-validator';

/**
 * Rejects characters that hide, split or reorder text in what a reviewer sees, or make two equal-looking
 * strings differ (API-02): C0 and C1 controls (NUL included), bidirectional marks, embeddings, overrides
 * and isolates, zero-width space and word joiner, line and paragraph separators (U+2028, U+2029) and
 * the byte-order mark. Zero-width (non-)joiners (U+200C, U+200D) stay: Indic and Persian names need them.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/;
export const PLAIN_TEXT = new RegExp(`^(?!.*${UNSAFE.source}).*$`, 's');

export function IsPlainText(options?: ValidationOptions) {
  return Matches(PLAIN_TEXT, { message: '$property must not contain control, invisible or bidirectional characters', ...options });
}
