import { blockingKeys, matchPeople, probeKeys, type PersonIdentity } from './duplicate-matching';
import { compactName, editDistance, foldName, nameTokens, phoneticCode } from './name-normalisation';
import { PersonalDataCipher } from './personal-data-cipher';

const cipher = new PersonalDataCipher(Buffer.alloc(32, 7));
const hash = (l: string, v: string) => cipher.keyedHash(l, v);
const hex = (bs: Buffer[]) => new Set(bs.map((b) => b.toString('hex')));
const shareKey = (a: PersonIdentity, b: PersonIdentity) => {
  const stored = hex(blockingKeys(a, hash));
  return probeKeys(b, hash).some((k) => stored.has(k.toString('hex')));
};

describe('name normalisation', () => {
  it('folds NFC and NFD forms, accents and case to the same tokens', () => {
    const nfc = 'Zoë Ångström'.normalize('NFC');
    const nfd = 'Zoë Ångström'.normalize('NFD');
    expect(nfc).not.toBe(nfd);
    expect(nameTokens(nfc)).toEqual(['zoe', 'angstrom']);
    expect(nameTokens(nfd)).toEqual(['zoe', 'angstrom']);
    expect(foldName('JOSÉ')).toBe('jose');
  });

  it('treats hyphens, spaces and apostrophes alike', () => {
    expect(compactName('Smith-Jones')).toBe(compactName('smith jones'));
    expect(compactName('SmithJones')).toBe('smithjones');
    expect(compactName("O'Brien")).toBe(compactName('OBrien'));
    expect(compactName('O’Brien')).toBe('obrien');
  });

  it('transliterates letters without an ASCII decomposition and Cyrillic', () => {
    expect(foldName('Straße')).toBe('strasse');
    expect(foldName('Łukasz Øberg')).toBe('lukasz oberg');
    expect(nameTokens('Сергей Иванов')).toEqual(['sergei', 'ivanov']);
  });

  it('maps common transliteration variants of one name to one spelling', () => {
    for (const v of ['Mohammed', 'Muhammad', 'MOHAMED', 'Mohammad']) expect(compactName(v)).toBe('muhammad');
    expect(compactName('Aleksandr')).toBe(compactName('Alexander'));
    // Different names that sound alike are not merged.
    expect(compactName('Catherine')).not.toBe(compactName('Kathryn'));
  });

  it('edit distance counts one substitution, insertion, deletion or adjacent transposition as one', () => {
    expect(editDistance('smith', 'smyth')).toBe(1);
    expect(editDistance('smith', 'smiths')).toBe(1);
    expect(editDistance('smith', 'smth')).toBe(1);
    expect(editDistance('smith', 'smiht')).toBe(1);
    expect(editDistance('smith', 'jones')).toBe(3);
  });

  it('phonetic codes make spelling variants collide but not different names', () => {
    expect(phoneticCode('stephen')).toBe(phoneticCode('steven'));
    expect(phoneticCode('philips')).toBe(phoneticCode('fillips'));
    expect(phoneticCode('smith')).not.toBe(phoneticCode('jones'));
  });
});

describe('duplicate grading', () => {
  const base: PersonIdentity = { givenName: 'Zoë', familyName: 'Smith-Jones', dateOfBirth: '1988-03-14' };
  const variants: [string, PersonIdentity][] = [
    ['case and accents', { givenName: 'ZOE', familyName: 'smith jones', dateOfBirth: '1988-03-14' }],
    ['NFD input', { givenName: 'Zoë'.normalize('NFD'), familyName: 'Smith-Jones', dateOfBirth: '1988-03-14' }],
    ['hyphen dropped', { givenName: 'Zoe', familyName: 'SmithJones', dateOfBirth: '1988-03-14' }],
    ['transposed names', { givenName: 'Smith-Jones', familyName: 'Zoe', dateOfBirth: '1988-03-14' }],
    ['typo in family name', { givenName: 'Zoe', familyName: 'Smith-Jomes', dateOfBirth: '1988-03-14' }],
    ['typo in given name', { givenName: 'Zeo', familyName: 'Smith-Jones', dateOfBirth: '1988-03-14' }],
    ['transposed with a typo', { givenName: 'Smyth-Jones', familyName: 'Zoe', dateOfBirth: '1988-03-14' }],
  ];

  it.each(variants)('LIKELY with reasons: %s', (_label, v) => {
    const m = matchPeople(v, base);
    expect(m?.grade).toBe('LIKELY');
    expect(m!.reasons.map((r) => r.code)).toContain('DOB_EXACT');
    expect(m!.reasons.every((r) => r.explanation.length > 10)).toBe(true);
    expect(shareKey(base, v)).toBe(true);
  });

  it('explains transposition and normalisation in the reasons', () => {
    const m = matchPeople({ givenName: 'smith-jones', familyName: 'ZOE', dateOfBirth: '1988-03-14' }, base)!;
    expect(m.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['GIVEN_NAME_EXACT', 'FAMILY_NAME_EXACT', 'NAMES_TRANSPOSED', 'NAME_SPELLING_NORMALISED', 'DOB_EXACT']),
    );
  });

  it('transliteration variants with the same date of birth are LIKELY', () => {
    const m = matchPeople({ givenName: 'Mohammed', familyName: 'Khan', dateOfBirth: '1975-01-02' }, { givenName: 'Muhammad', familyName: 'Khan', dateOfBirth: '1975-01-02' });
    expect(m?.grade).toBe('LIKELY');
  });

  it('unknown date of birth or one-digit date difference is at most POSSIBLE unless names are exact', () => {
    expect(matchPeople({ givenName: 'Zoe', familyName: 'Smith-Jones' }, base)?.grade).toBe('POSSIBLE');
    expect(matchPeople({ ...base, dateOfBirth: '1988-03-15' }, base)?.grade).toBe('LIKELY');
    expect(matchPeople({ ...base, familyName: 'Smith-Jomes', dateOfBirth: '1988-03-15' }, base)?.grade).toBe('POSSIBLE');
    expect(matchPeople({ ...base, dateOfBirth: '1988-14-03' }, base)!.reasons.map((r) => r.code)).toContain('DOB_DAY_MONTH_SWAPPED');
  });

  it('an identifier match is LIKELY even when names differ in form; a different identifier of the same kind is no match', () => {
    const a = { givenName: 'J', familyName: 'Smith', identifiers: [{ kind: 'PNC_ID', value: '2001/0012345A' }] };
    const b = { givenName: 'John', familyName: 'Smith', identifiers: [{ kind: 'PNC_ID', value: '20010012345a' }] };
    expect(matchPeople(a, b)?.grade).toBe('LIKELY');
    expect(matchPeople(a, { ...b, identifiers: [{ kind: 'PNC_ID', value: '2001/0099999B' }] })).toBeNull();
  });

  describe('true negatives', () => {
    const negatives: [string, PersonIdentity][] = [
      ['same name, different date of birth', { givenName: 'Zoe', familyName: 'Smith-Jones', dateOfBirth: '1971-09-30' }],
      ['same date of birth, different names', { givenName: 'Priya', familyName: 'Patel', dateOfBirth: '1988-03-14' }],
      ['different family name, same given name', { givenName: 'Zoe', familyName: 'Williams', dateOfBirth: '1988-03-14' }],
      ['two edits in the family name', { givenName: 'Zoe', familyName: 'Smoth-Jomes', dateOfBirth: '1971-09-30' }],
      ['sound-alike different names', { givenName: 'Kathryn', familyName: 'Smith-Jones', dateOfBirth: '1960-01-01' }],
    ];
    it.each(negatives)('no candidate: %s', (_label, v) => {
      expect(matchPeople(v, base)).toBeNull();
    });
  });

  it('search mode: a family name alone finds people by that name, never by someone else’s', () => {
    expect(matchPeople({ familyName: 'smith jones' }, base, { mode: 'search' })?.grade).toBe('POSSIBLE');
    expect(matchPeople({ familyName: 'Brown' }, base, { mode: 'search' })).toBeNull();
    expect(matchPeople({ givenName: 'zoe', familyName: 'smith-jones', dateOfBirth: '1988-03-14' }, base, { mode: 'search' })?.grade).toBe('LIKELY');
  });
});

describe('blocking keys', () => {
  it('are keyed hashes: a different key gives different values and none contains the name', () => {
    const other = new PersonalDataCipher(Buffer.alloc(32, 9));
    const p = { givenName: 'Alex', familyName: 'Testperson' };
    const k1 = hex(blockingKeys(p, hash));
    const k2 = hex(blockingKeys(p, (l, v) => other.keyedHash(l, v)));
    expect([...k1].some((k) => k2.has(k))).toBe(false);
    expect([...k1].join('')).not.toMatch(/alex|testperson/i);
  });

  it('unrelated people share no name block', () => {
    expect(shareKey({ givenName: 'Alex', familyName: 'Testperson' }, { givenName: 'Priya', familyName: 'Patel' })).toBe(false);
  });
});
