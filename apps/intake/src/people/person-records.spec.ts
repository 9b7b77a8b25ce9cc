import { KeyRing } from '@stac/persistence';
import { blockingKeys, probeKeys } from './duplicate-matching';
import { PersonalDataCipher } from './personal-data-cipher';
import { PersonRecords } from './person-records';

describe('PersonRecords.rememberingHash (DP-02: the same keyed hashes, each computed once per request)', () => {
  const cipher = new PersonalDataCipher(KeyRing.generate(), Buffer.alloc(32, 5));
  const person = { givenName: 'Alexa', familyName: 'Synthetic-Testperson', dateOfBirth: '1990-02-03', identifiers: [], otherNames: [] };

  it('answers as the cipher does, and hashes a label and value it has seen only once', () => {
    const calls: string[] = [];
    const counting = Object.assign(Object.create(cipher) as PersonalDataCipher, {
      keyedHash: (label: string, value: string) => (calls.push(`${label}|${value}`), cipher.keyedHash(label, value)),
    });
    const hash = new PersonRecords(counting).rememberingHash();
    const stored = blockingKeys(person, hash);
    const afterStored = calls.length;
    const probed = probeKeys(person, hash);

    expect(stored.map((k) => k.toString('hex'))).toEqual(blockingKeys(person, (l, v) => cipher.keyedHash(l, v)).map((k) => k.toString('hex')));
    expect(probed.map((k) => k.toString('hex'))).toEqual(probeKeys(person, (l, v) => cipher.keyedHash(l, v)).map((k) => k.toString('hex')));
    expect(new Set(calls).size).toBe(calls.length);
    // The probe of a full name is made of keys the stored ones already hashed.
    expect(calls.length).toBe(afterStored);
    // A separator keeps label and value apart: ('a', 'b|c') and ('a|b', 'c') are different inputs.
    expect(hash('pair', 'x|y').equals(hash('pair|x', 'y'))).toBe(false);
  });
});
