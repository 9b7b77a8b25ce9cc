import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevIssuerKeys, mintDevToken } from './dev-issuer';
import { AuthenticationError, TokenVerifier } from './token-verifier';
import { devIssuers } from './trusted-issuers';

// Real keys on disk (a temporary dev issuer), real jose verification.
let dir: string;
let issuers: ReturnType<typeof devIssuers>;
const audience = 'stac-platform';
const mint = (over: Partial<Parameters<typeof mintDevToken>[1]> = {}) =>
  mintDevToken(dir, { agency: 'police', roles: ['stac-screener'], subject: 'alice', audience, ...over });
const reason = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof AuthenticationError ? e.reason : String(e)));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stac-tokens-'));
  const { jwksFile } = await ensureDevIssuerKeys(dir);
  issuers = devIssuers({ jwksFile });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('token type and age', () => {
  it('API-07: only the configured token type is an access token (at+jwt by default; JWT when configured)', async () => {
    const strict = new TokenVerifier(issuers, audience);
    expect(await reason(strict.verify(await mint()))).toBe('accepted');
    expect(await reason(strict.verify(await mint({ typ: 'JWT' })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await reason(strict.verify(await mint({ typ: 'id_token+jwt' })))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const jwtTyped = new TokenVerifier(issuers, audience, { typ: 'JWT', maxTokenAgeSeconds: 3600 });
    expect(await reason(jwtTyped.verify(await mint({ typ: 'JWT' })))).toBe('accepted');
    expect(await reason(jwtTyped.verify(await mint()))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('API-07: a token older than the maximum age is refused even when it has not expired', async () => {
    const v = new TokenVerifier(issuers, audience, { typ: 'at+jwt', maxTokenAgeSeconds: 600 });
    const now = Math.floor(Date.now() / 1000);
    expect(await reason(v.verify(await mint({ issuedAt: now - 300, ttlSeconds: 86_400 })))).toBe('accepted');
    expect(await reason(v.verify(await mint({ issuedAt: now - 7200, ttlSeconds: 86_400 })))).toBe('ERR_JWT_EXPIRED');
  });
});

describe('verified tokens remembered', () => {
  it('API-07: a verified token is remembered no longer than a minute, its expiry or its maximum age', async () => {
    const v = new TokenVerifier(issuers, audience, { typ: 'at+jwt', maxTokenAgeSeconds: 3600 });
    const checks = jest.spyOn(v as unknown as { verifySignature: (t: string) => Promise<unknown> }, 'verifySignature');
    const long = await mint({ ttlSeconds: 3600 });
    const short = await mint({ ttlSeconds: 20, subject: 'bob' });
    const now = Date.now();
    expect(await reason(v.verify(long, now))).toBe('accepted');
    expect(await reason(v.verify(short, now))).toBe('accepted');
    expect(checks).toHaveBeenCalledTimes(2);
    // Within their bounds the same tokens need no signature check...
    expect((await v.verify(long, now + 59_000)).subject).toBe('alice');
    expect((await v.verify(short, now + 15_000)).subject).toBe('bob');
    expect(checks).toHaveBeenCalledTimes(2);
    // ...past them (the short token's expiry, a minute for the long one) they are verified in full again.
    await v.verify(short, now + 21_000).catch(() => undefined);
    expect(checks).toHaveBeenCalledTimes(3);
    await v.verify(long, now + 61_000);
    expect(checks).toHaveBeenCalledTimes(4);
    // A token never verified is checked in full, whatever is remembered.
    expect(await reason(v.verify(`${long.slice(0, -4)}AAAA`, now))).toBe('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });

  it('API-07: a refused token is not remembered: it is checked and refused again on every call', async () => {
    const v = new TokenVerifier(issuers, audience);
    const checks = jest.spyOn(v as unknown as { verifySignature: (t: string) => Promise<unknown> }, 'verifySignature');
    const wrongType = await mint({ typ: 'JWT' });
    expect(await reason(v.verify(wrongType))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(await reason(v.verify(wrongType))).toBe('ERR_JWT_CLAIM_VALIDATION_FAILED');
    expect(checks).toHaveBeenCalledTimes(2);
  });
});

describe('the team claim', () => {
  it('AC-02: the team inside the agency comes from the `team` claim, with its issuer; a claim that is not a team code is no team', async () => {
    const v = new TokenVerifier(issuers, audience);
    expect(await v.verify(await mint({ team: 'stac' }))).toMatchObject({ issuer: issuers[0].issuer, agency: 'police', team: 'stac' });
    expect((await v.verify(await mint())).team).toBeUndefined();
    expect((await v.verify(await mint({ team: 'stac team; drop' }))).team).toBeUndefined();
  });
});
