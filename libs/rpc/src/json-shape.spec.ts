import { exceedsJsonDepth, MAX_JSON_DEPTH, nfcStrings } from './json-shape';

const nested = (depth: number) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
};

describe('request body shape (API-02, API-03)', () => {
  it('measures nesting without recursion: a 100,000-deep body is caught, not a stack overflow', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(nested(100_000))).toBe(true);
    expect(exceedsJsonDepth({ a: 'x', b: [1, 2, { c: null }] })).toBe(false);
  });

  it('puts every string in NFC, keys and non-strings untouched', () => {
    expect(nfcStrings({ givenName: 'Ame\u0301lie', list: ['Zoe\u0308', 3, null], n: 1, ok: true })).toEqual({
      givenName: 'Am\u00e9lie',
      list: ['Zo\u00eb', 3, null],
      n: 1,
      ok: true,
    });
  });
});
