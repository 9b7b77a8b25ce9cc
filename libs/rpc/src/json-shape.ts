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

/** Keys that reach an object's prototype; no contract field is named so (API-03). */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first `__proto__`, `constructor` or `prototype` key anywhere in a parsed JSON value (JSON.parse keeps
 * them as own keys), as a dotted path; undefined when there is none. The gateway's parser refuses them at
 * the edge; a service checks again, since a message on the bus need not have come through the gateway
 * (found by the API fuzzer: a `constructor` key passed a service's validation).
 */
export function prototypeKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (!Array.isArray(v) && PROTOTYPE_KEYS.has(k)) return at;
      if (typeof child === 'object' && child !== null) stack.push([child, at]);
    }
  }
  return undefined;
}

/** A UTF-16 surrogate without its partner: not a character, and not storable as UTF-8 text. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The first string (value or key) of a parsed JSON value holding a lone surrogate (`"\ud800"` is valid
 * JSON but no text), as a dotted path (`''` for the body itself); undefined when every string is
 * well-formed (API-02; found by the API fuzzer: Postgres refused such an e-mail address with a 500).
 */
export function malformedStringPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return path;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (LONE_SURROGATE.test(k)) return at;
      stack.push([child, at]);
    }
  }
  return undefined;
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
