import { trustedIssuers } from './auth.module';

const base = { audience: 'stac-platform', issuersJson: '[]', devIssuerDir: '', nodeEnv: 'development' };

describe('trusted issuers (configuration)', () => {
  it('maps each configured issuer to its agency; production without any issuer refuses to start', () => {
    const issuers = trustedIssuers({
      ...base,
      nodeEnv: 'production',
      issuersJson: JSON.stringify([{ issuer: 'https://idp.example/police', agency: 'police', jwksUri: 'https://idp.example/police/jwks' }]),
    });
    expect(issuers).toEqual([{ issuer: 'https://idp.example/police', agency: 'police', jwksUri: 'https://idp.example/police/jwks' }]);
    expect(() => trustedIssuers({ ...base, nodeEnv: 'production' })).toThrow(/no token issuer configured/);
  });

  it('DP-02: the dev issuer only when development is explicitly enabled (production, unset or unknown modes refuse it)', () => {
    for (const nodeEnv of ['production', '', 'staging'])
      expect(() => trustedIssuers({ ...base, nodeEnv, devIssuerDir: '/tmp/dev-issuer' })).toThrow(
        /AUTH_DEV_ISSUER_DIR is for development only/,
      );
    expect(trustedIssuers({ ...base, nodeEnv: 'test', devIssuerDir: '/tmp/dev-issuer' })).toHaveLength(5);
    expect(trustedIssuers({ ...base, devIssuerDir: '/tmp/dev-issuer' }).map((i) => i.agency)).toEqual([
      'police',
      'mental-health',
      'probation',
      'advocacy',
      'cps',
    ]);
  });

  it.each([
    ['not JSON', 'nope', /JSON array/],
    ['plain http issuer', JSON.stringify([{ issuer: 'http://idp', agency: 'police', jwksUri: 'https://idp/jwks' }]), /https URL/],
    ['unknown agency', JSON.stringify([{ issuer: 'https://idp', agency: 'mi5', jwksUri: 'https://idp/jwks' }]), /agency must be one of/],
    ['dev issuer smuggled in', JSON.stringify([{ issuer: 'https://dev-issuer.stac.invalid/police', agency: 'police', jwksUri: 'https://x/jwks' }]), /must not name the dev issuer/],
  ])('AUTH_ISSUERS rejects %s', (_name, json, message) => {
    expect(() => trustedIssuers({ ...base, issuersJson: json })).toThrow(message);
  });
});
