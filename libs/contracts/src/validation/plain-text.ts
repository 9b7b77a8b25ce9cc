import { Matches, type ValidationOptions } from 'class-validator';

/**
 * Rejects control characters (NUL included) and bidirectional overrides, which hide or reorder text
 * in what a reviewer sees (API-02).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
export const PLAIN_TEXT = new RegExp(`^(?!.*${UNSAFE.source}).*$`, 's');

export function IsPlainText(options?: ValidationOptions) {
  return Matches(PLAIN_TEXT, { message: '$property must not contain control or bidirectional-override characters', ...options });
}
