import { randomBytes, randomUUID } from 'node:crypto';
import { KeyRing } from '@stac/persistence';
import { PersonalDataCipher } from './personal-data-cipher';

describe('PersonalDataCipher (DP-02)', () => {
  const searchKey = randomBytes(32);
  const ring = KeyRing.generate(['k1', 'k2']);
  const cipher = new PersonalDataCipher(ring, searchKey);
  const id = randomUUID();

  it('DP-02: AES-256-GCM round trip; the ciphertext never contains the plaintext', () => {
    const value = { givenName: 'Canary-Ωmega', familyName: 'Testperson', dateOfBirth: '1990-04-01' };
    const sealed = cipher.seal(value, id, 'identity');
    expect(sealed.toString('latin1')).not.toContain('Testperson');
    expect(cipher.open(sealed, id, 'identity')).toEqual(value);
  });

  it('DP-02: the row id is associated data: a value moved to another row or column does not decrypt', () => {
    const sealed = cipher.seal({ phone: '07700900000' }, id, 'contact');
    expect(() => cipher.open(sealed, randomUUID(), 'contact')).toThrow();
    expect(() => cipher.open(sealed, id, 'location')).toThrow();
  });

  it('DP-02: tampering and a different key are detected', () => {
    const sealed = cipher.seal('x', id, 'identity');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.open(tampered, id, 'identity')).toThrow();
    expect(() => PersonalDataCipher.generate().open(sealed, id, 'identity')).toThrow();
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.seal('same', id, 'c').equals(cipher.seal('same', id, 'c'))).toBe(false);
  });

  it('DP-02: the ciphertext names its key, and rotating the data key leaves the search tokens unchanged', () => {
    const sealed = cipher.seal({ familyName: 'Testperson' }, id, 'identity');
    expect(ring.keyIdOf(sealed)).toBe('k1');
    const rotated = new PersonalDataCipher(ring.withCurrent('k2'), searchKey);
    expect(rotated.ring.keyIdOf(rotated.seal('x', id, 'identity'))).toBe('k2');
    expect(rotated.open(sealed, id, 'identity')).toEqual({ familyName: 'Testperson' });
    expect(rotated.keyedHash('tok', 'smith').equals(cipher.keyedHash('tok', 'smith'))).toBe(true);
    // A new search key re-derives every token (the reindex of docs/operations.md "Data keys").
    expect(new PersonalDataCipher(ring, randomBytes(32)).keyedHash('tok', 'smith').equals(cipher.keyedHash('tok', 'smith'))).toBe(false);
  });

  it('DP-02: an upgrade keeps the stored search keys: the legacy search key is the one the single DATA_KEY derived', () => {
    const dataKey = randomBytes(32).toString('base64');
    const legacy = Buffer.from(PersonalDataCipher.legacySearchKey(dataKey), 'base64');
    expect(legacy).toHaveLength(32);
    expect(PersonalDataCipher.legacySearchKey(dataKey)).toBe(PersonalDataCipher.legacySearchKey(dataKey));
    expect(legacy.toString('base64')).not.toBe(dataKey);
  });

  it('keyed hashes are deterministic per key and differ by label', () => {
    expect(cipher.keyedHash('tok', 'smith').equals(cipher.keyedHash('tok', 'smith'))).toBe(true);
    expect(cipher.keyedHash('tok', 'smith').equals(cipher.keyedHash('dob', 'smith'))).toBe(false);
    expect(cipher.keyedHash('tok', 'smith')).toHaveLength(16);
  });
});
