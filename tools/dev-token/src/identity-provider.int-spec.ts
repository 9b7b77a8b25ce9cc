import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenVerifier, trustedIssuers } from '@stac/auth';
import { startDevIdentityProvider, type DevIdentityProvider } from './identity-provider';

// The compose local profile's identity provider, over real HTTP, verified the way every service verifies.
let dir: string;
let idp: DevIdentityProvider;
const audience = 'stac-platform';
const settings = (over: { nodeEnv?: string; devIssuerUrl?: string } = {}) => ({
  audience,
  issuersJson: '[]',
  devIssuerDir: '',
  devIssuerUrl: idp.url,
  nodeEnv: 'development',
  ...over,
});
const ask = (body: string, type = 'application/json') =>
  fetch(`${idp.url}/token`, { method: 'POST', headers: { 'content-type': type }, body });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stac-dev-idp-'));
  idp = await startDevIdentityProvider({ dir, host: '127.0.0.1', port: 0, audience });
});
afterAll(async () => {
  await idp.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('development identity provider (compose local profile)', () => {
  it('mints a token that a service configured with AUTH_DEV_ISSUER_URL accepts, its JWKS fetched over HTTP', async () => {
    const res = await ask(JSON.stringify({ agency: 'probation', roles: ['probation-officer'], sub: 'pat' }));
    expect(res.status).toBe(200);
    const { access_token: token, token_type: type } = (await res.json()) as { access_token: string; token_type: string };
    expect(type).toBe('Bearer');
    const verifier = new TokenVerifier(trustedIssuers(settings()), audience);
    await expect(verifier.verify(token)).resolves.toMatchObject({ agency: 'probation', subject: 'pat', roles: ['probation-officer'] });
  });

  it('serves only public keys', async () => {
    const jwks = (await (await fetch(`${idp.url}/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('answers a bad ask with 400 problem+json naming what is wrong', async () => {
    const cases: [string, RegExp][] = [
      [JSON.stringify({ agency: 'mi5', roles: ['stac-screener'] }), /agency must be one of/],
      [JSON.stringify({ agency: 'police', roles: ['emperor'] }), /roles must be one or more of/],
      [JSON.stringify({ agency: 'police', roles: ['stac-screener'], ttl: 10 ** 6 }), /ttl must be/],
      [JSON.stringify({ agency: 'police', roles: ['stac-screener'], sub: 'a b' }), /sub must be/],
      ['{"agency":', /not JSON/],
      ['[]', /JSON object/],
    ];
    for (const [body, detail] of cases) {
      const res = await ask(body);
      expect({ body, status: res.status, type: res.headers.get('content-type') }).toEqual({ body, status: 400, type: 'application/problem+json' });
      expect(((await res.json()) as { detail: string }).detail).toMatch(detail);
    }
    expect((await ask('agency=police', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await fetch(`${idp.url}/token`)).status).toBe(405);
  });

  it('DP-02: production refuses the development issuer URL; development cannot mix it with the key directory', () => {
    expect(() => trustedIssuers(settings({ nodeEnv: 'production' }))).toThrow(/AUTH_DEV_ISSUER_URL is for development only/);
    expect(() => trustedIssuers({ ...settings(), devIssuerDir: dir })).toThrow(/not both/);
    expect(() => trustedIssuers(settings({ devIssuerUrl: 'not a url' }))).toThrow(/must be a URL/);
  });
});
