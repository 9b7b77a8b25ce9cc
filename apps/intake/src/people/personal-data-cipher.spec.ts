import { randomUUID } from 'node:crypto';
import { PersonalDataCipher } from './personal-data-cipher';

describe('PersonalDataCipher (DP-02)', () => {
  const key = PersonalDataCipher.generateKey();
  const cipher = PersonalDataCipher.fromBase64(key);
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
    expect(() => PersonalDataCipher.fromBase64(PersonalDataCipher.generateKey()).open(sealed, id, 'identity')).toThrow();
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.seal('same', id, 'c').equals(cipher.seal('same', id, 'c'))).toBe(false);
  });

  it('refuses keys that are not base64 of 32 bytes', () => {
    expect(() => PersonalDataCipher.fromBase64('c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => PersonalDataCipher.fromBase64('not base64!')).toThrow();
  });

  it('keyed hashes are deterministic per key and differ by label', () => {
    expect(cipher.keyedHash('tok', 'smith').equals(cipher.keyedHash('tok', 'smith'))).toBe(true);
    expect(cipher.keyedHash('tok', 'smith').equals(cipher.keyedHash('dob', 'smith'))).toBe(false);
    expect(cipher.keyedHash('tok', 'smith')).toHaveLength(16);
  });
});
