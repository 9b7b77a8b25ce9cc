import 'reflect-metadata';
import { IsString } from 'class-validator';
import { exceedsJsonDepth, malformedStringPath, MAX_JSON_DEPTH, nfcStrings, prototypeKeyPath } from './json-shape';
import { parseRpcBody } from './rpc-problem';

class EndCommand {
  @IsString()
  caseId!: string;
}

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

  it('API-03: a service refuses `__proto__`, `constructor` and `prototype` keys at any depth, as the gateway does (a message need not come through it)', async () => {
    for (const text of ['{"caseId":"c","__proto__":{"polluted":"yes"}}', '{"caseId":"c","constructor":{"prototype":{"polluted":"yes"}}}', '{"caseId":"c","x":[{"prototype":1}]}']) {
      const body = JSON.parse(text) as unknown;
      expect(prototypeKeyPath(body)).toBeDefined();
      await expect(parseRpcBody(EndCommand, body)).rejects.toMatchObject({ problem: { status: 400, code: 'validation-failed' } });
    }
    expect(prototypeKeyPath(JSON.parse('{"caseId":"c","list":[{"a":1}]}'))).toBeUndefined();
    expect(await parseRpcBody(EndCommand, { caseId: 'c' })).toMatchObject({ caseId: 'c' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('API-02: a lone surrogate anywhere in a body (value or key) is 400 naming the field, before validation; pairs are text', async () => {
    for (const [text, field] of [
      ['{"caseId":"\\ud800"}', 'caseId'],
      ['{"caseId":"c","x":{"email":"a\\udc00b"}}', 'x.email'],
      ['{"caseId":"c","list":["ok","\\udbff"]}', 'list.1'],
      ['{"caseId":"c","\\ud83d":1}', '\ud83d'],
    ] as const) {
      const body = JSON.parse(text) as unknown;
      expect(malformedStringPath(body)).toBe(field);
      await expect(parseRpcBody(EndCommand, body)).rejects.toMatchObject({
        problem: { status: 400, code: 'validation-failed', errors: [{ field, message: expect.stringMatching(/not valid Unicode/) }] },
      });
    }
    // A surrogate pair is one character (an emoji, a CJK extension name): accepted.
    expect(malformedStringPath(JSON.parse('{"caseId":"\\ud83d\\ude00 \\ud840\\udc0b"}'))).toBeUndefined();
    expect(await parseRpcBody(EndCommand, { caseId: '\u{1F600}' })).toMatchObject({ caseId: '\u{1F600}' });
  });
});
