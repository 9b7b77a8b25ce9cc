import { randomBytes } from 'node:crypto';
import { TrustDataCipher } from './trust-data-cipher';

describe('TrustDataCipher', () => {
  const cipher = new TrustDataCipher(randomBytes(32));

  it('DP-02: stores no plaintext and opens only at the same row and column under the same key', () => {
    const sealed = cipher.seal('canary clinical detail', 'row-1', 'body_enc');
    expect(sealed.toString('utf8')).not.toContain('canary');
    expect(cipher.open(sealed, 'row-1', 'body_enc')).toBe('canary clinical detail');
    expect(() => cipher.open(sealed, 'row-2', 'body_enc')).toThrow();
    expect(() => new TrustDataCipher(randomBytes(32)).open(sealed, 'row-1', 'body_enc')).toThrow();
  });

  it('refuses a missing or malformed TRUST_DATA_KEY', () => {
    expect(() => TrustDataCipher.fromEnv({})).toThrow(/TRUST_DATA_KEY is required/);
    expect(() => TrustDataCipher.fromEnv({ TRUST_DATA_KEY: randomBytes(16).toString('base64') })).toThrow(/TRUST_DATA_KEY/);
    expect(TrustDataCipher.fromEnv({ TRUST_DATA_KEY: randomBytes(32).toString('base64') })).toBeInstanceOf(TrustDataCipher);
  });
});
