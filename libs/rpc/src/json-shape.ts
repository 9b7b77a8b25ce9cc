/**
 * The shape checks every request body gets before validation (API-02, API-03): a bound on nesting, so a
 * small body of deeply nested JSON is a 400 rather than a stack overflow in the validator, and one
 * Unicode form (NFC) for every string, so the same name typed composed or decomposed is stored alike.
 */
export const MAX_JSON_DEPTH = 32;

/** True when a parsed JSON value nests objects or arrays deeper than `max` (walked without recursion). */
export function exceedsJsonDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/** A copy of a parsed JSON value (already depth-checked) with every string in NFC. */
export function nfcStrings<T>(value: T): T {
  if (typeof value === 'string') return value.normalize('NFC') as T;
  if (Array.isArray(value)) return value.map(nfcStrings) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = nfcStrings(v);
    return out as T;
  }
  return value;
}
