import { randomBytes } from 'node:crypto';
import { MENTAL_HEALTH_DATA_KEYS_VAR } from '@stac/config';
import { KeyRing } from '@stac/persistence';
import { TrustDataCipher } from './trust-data-cipher';

describe('TrustDataCipher', () => {
  const cipher = new TrustDataCipher(KeyRing.generate(['t1']));

  it('DP-02: stores no plaintext and opens only at the same row and column under the same key', () => {
    const sealed = cipher.seal('canary clinical detail', 'row-1', 'body_enc');
    expect(sealed.toString('utf8')).not.toContain('canary');
    expect(cipher.ring.keyIdOf(sealed)).toBe('t1');
    expect(cipher.open(sealed, 'row-1', 'body_enc')).toBe('canary clinical detail');
    expect(() => cipher.open(sealed, 'row-2', 'body_enc')).toThrow();
    expect(() => new TrustDataCipher(KeyRing.generate(['t1'])).open(sealed, 'row-1', 'body_enc')).toThrow();
  });

  it('DP-02: refuses a missing or malformed MENTAL_HEALTH_DATA_KEYS in production, and the published ring', () => {
    expect(() => TrustDataCipher.fromEnv({ NODE_ENV: 'production' })).toThrow(/MENTAL_HEALTH_DATA_KEYS is required/);
    expect(() => TrustDataCipher.fromEnv({ NODE_ENV: 'production', MENTAL_HEALTH_DATA_KEYS: `t1:${randomBytes(16).toString('base64')}` })).toThrow(
      /MENTAL_HEALTH_DATA_KEYS/,
    );
    // The published development key under another key id is still refused.
    const published = `other-id:${MENTAL_HEALTH_DATA_KEYS_VAR.devDefault.split(':')[1]}`;
    expect(() => TrustDataCipher.fromEnv({ NODE_ENV: 'production', MENTAL_HEALTH_DATA_KEYS: published })).toThrow(/published/);
    expect(TrustDataCipher.fromEnv({ NODE_ENV: 'test', MENTAL_HEALTH_DATA_KEYS: published })).toBeInstanceOf(TrustDataCipher);
    expect(TrustDataCipher.fromEnv({ NODE_ENV: 'production', MENTAL_HEALTH_DATA_KEYS: `t1:${randomBytes(32).toString('base64')}` })).toBeInstanceOf(TrustDataCipher);
  });
});
