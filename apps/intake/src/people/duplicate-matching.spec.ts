import { KeyRing } from '@stac/persistence';
import { blockingKeys, matchPeople, probeKeys, type PersonIdentity } from './duplicate-matching';
import { KNOWN_GIVEN_NAMES, areGivenNameVariants } from './given-name-variants';
import { compactName, consonantSkeleton, editDistance, foldName, isOtherScript, nameTokens, phoneticCode } from './name-normalisation';
import { PersonalDataCipher } from './personal-data-cipher';

const cipher = new PersonalDataCipher(KeyRing.generate(), Buffer.alloc(32, 7));
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

  it('one normalisation for every script: invisible characters removed, then transliterated', () => {
    expect(foldName('Jo\u200bhn')).toBe('john'); // zero-width space
    expect(foldName('\u202eJohn\u202c')).toBe('john'); // bidirectional override
    expect(foldName('Ｊｏｈｎ')).toBe('john'); // full-width (NFKC)
    expect(foldName('ﬁona')).toBe('fiona'); // ligature (NFKC)
    expect(foldName('Γιώργος Παπαδόπουλος')).toBe('giorgos papadopoulos'); // accented Greek keeps its letters; ου is 'ou'
    expect(foldName('ΝΙΚΟΛΑΟΥ')).toBe('nikolaou');
    expect(foldName('Μουρούζης')).toBe('mourouzis');
    expect(foldName('محمد')).toBe('mhmd'); // Arabic
    expect(foldName('张伟')).toBe('zhangwei'); // Han
    expect(foldName('김민준')).toBe('gimminjun'); // Hangul
    expect(foldName('さとう')).toBe('satou'); // kana
    expect(foldName('प्रिया')).toBe('priya'); // Devanagari
    expect(foldName('ਸਿੰਘ')).toBe('simgh'); // Gurmukhi
    for (const raw of ['محمد', '张伟', 'Сергей', 'प्रिया']) expect(nameTokens(raw).length).toBeGreaterThan(0);
    expect(isOtherScript('محمد')).toBe(true);
    expect(isOtherScript('Zoë')).toBe(false);
  });

  it('consonant skeletons bring unvocalised and romanised spellings together', () => {
    expect(consonantSkeleton('mhmd')).toBe(consonantSkeleton('mohammed'));
    expect(consonantSkeleton('srma')).toBe(consonantSkeleton('sharma'));
    expect(consonantSkeleton('ftmh')).toBe(consonantSkeleton('fatima'));
    expect(consonantSkeleton('smith')).not.toBe(consonantSkeleton('jones'));
  });
});

describe('given-name variants', () => {
  it.each([
    ['Kate', 'Katherine'],
    ['Katherine', 'Kate'],
    ['Bob', 'Robert'],
    ['Jenny', 'Jennifer'],
    ['Bill', 'William'],
    ['Liz', 'Elizabeth'],
    ['Catherine', 'Kathryn'],
    ['Steven', 'Stephen'],
    ['Isobel', 'Isabella'],
  ])('%s and %s are known variants (both directions)', (a, b) => {
    expect(areGivenNameVariants(foldName(a), foldName(b))).toBe(true);
    expect(areGivenNameVariants(foldName(b), foldName(a))).toBe(true);
  });

  it('shared short forms do not make two formal names variants of each other', () => {
    expect(areGivenNameVariants('alex', 'alexandra')).toBe(true);
    expect(areGivenNameVariants('alexander', 'alexandra')).toBe(false);
    expect(areGivenNameVariants('nicholas', 'nicola')).toBe(false);
    expect(areGivenNameVariants('john', 'james')).toBe(false);
    expect(KNOWN_GIVEN_NAMES).toBeGreaterThan(400);
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
      ['different family name, same given name, another date of birth', { givenName: 'Zoe', familyName: 'Williams', dateOfBirth: '1988-04-14' }],
      ['same family name and date of birth, different given name (twins)', { givenName: 'Priya', familyName: 'Smith-Jones', dateOfBirth: '1988-03-14' }],
      ['a diminutive with another date of birth', { givenName: 'Zoey', familyName: 'Smith-Jones', dateOfBirth: '1990-07-01' }],
      ['two edits in the family name', { givenName: 'Zoe', familyName: 'Smoth-Jomes', dateOfBirth: '1971-09-30' }],
      ['sound-alike different names', { givenName: 'Kathryn', familyName: 'Smith-Jones', dateOfBirth: '1960-01-01' }],
    ];
    it.each(negatives)('no candidate: %s', (_label, v) => {
      expect(matchPeople(v, base)).toBeNull();
    });
  });

  const codes = (m: ReturnType<typeof matchPeople>) => m!.reasons.map((r) => r.code);

  it('a diminutive or spelling variant of the given name is POSSIBLE with its reason, never LIKELY', () => {
    const kate = { givenName: 'Katherine', familyName: 'Smith', dateOfBirth: '1979-05-02' };
    for (const given of ['Kate', 'Katie', 'KATHY', 'Kath']) {
      const m = matchPeople({ ...kate, givenName: given }, kate);
      expect(m?.grade).toBe('POSSIBLE');
      expect(codes(m)).toEqual(expect.arrayContaining(['GIVEN_NAME_VARIANT', 'FAMILY_NAME_EXACT', 'DOB_EXACT']));
      expect(shareKey(kate, { ...kate, givenName: given })).toBe(true);
      expect(shareKey({ ...kate, dateOfBirth: null }, { ...kate, givenName: given, dateOfBirth: null })).toBe(true);
    }
    expect(matchPeople({ givenName: 'Bob', familyName: 'Smith', dateOfBirth: '1979-05-02' }, { ...kate, givenName: 'Robert' })?.grade).toBe('POSSIBLE');
    expect(matchPeople({ givenName: 'Bob', familyName: 'Smith', dateOfBirth: '1981-11-20' }, { ...kate, givenName: 'Robert' })).toBeNull();
  });

  it('the same given name and date of birth with another family name is POSSIBLE: a changed family name', () => {
    const before = { givenName: 'Jennifer', familyName: 'Walker', dateOfBirth: '1984-09-17' };
    for (const after of [
      { ...before, familyName: 'Okafor' },
      { ...before, givenName: 'Jenny', familyName: 'Okafor' },
    ]) {
      const m = matchPeople(after, before);
      expect(m?.grade).toBe('POSSIBLE');
      expect(codes(m)).toContain('FAMILY_NAME_DIFFERENT');
      expect(shareKey(before, after)).toBe(true);
    }
    // Without the same full date of birth, another family name is another person.
    expect(matchPeople({ ...before, familyName: 'Okafor', dateOfBirth: '1984-09-18' }, before)).toBeNull();
    expect(matchPeople({ ...before, familyName: 'Okafor', dateOfBirth: null }, before)).toBeNull();
  });

  it('a recorded previous name (maiden name, deed poll, alias) is matched like the current name', () => {
    const now = {
      givenName: 'Jennifer',
      familyName: 'Okafor',
      dateOfBirth: '1984-09-17',
      otherNames: [{ familyName: 'Walker', kind: 'MAIDEN_NAME', usedTo: '2015-06-01' }, { givenName: 'Jo', familyName: 'Bright', kind: 'ALIAS' }],
    };
    const m = matchPeople({ givenName: 'Jennifer', familyName: 'Walker', dateOfBirth: '1984-09-17' }, now);
    expect(m?.grade).toBe('LIKELY');
    expect(codes(m)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'GIVEN_NAME_EXACT', 'FAMILY_NAME_EXACT', 'DOB_EXACT']));
    expect(shareKey(now, { givenName: 'Jennifer', familyName: 'Walker' })).toBe(true);
    expect(shareKey(now, { givenName: 'Jo', familyName: 'Bright' })).toBe(true);
    // The other way round: the new record carries the old name.
    expect(matchPeople(now, { givenName: 'Jennifer', familyName: 'Walker', dateOfBirth: '1984-09-17' })?.grade).toBe('LIKELY');
    // Searching by the alias alone.
    expect(matchPeople({ givenName: 'Jo', familyName: 'Bright' }, now, { mode: 'search' })?.reasons.map((r) => r.code)).toContain('OTHER_NAME_MATCH');
  });

  it.each([
    ['Arabic', ['محمد', 'خان'], ['Mohammed', 'Khan']],
    ['Arabic', ['فاطمة', 'حسين'], ['Fatima', 'Hussain']],
    ['Han', ['伟', '张'], ['Wei', 'Zhang']],
    ['Cyrillic', ['Сергей', 'Иванов'], ['Sergei', 'Ivanov']],
    ['Greek', ['Γιώργος', 'Παπαδόπουλος'], ['Georgios', 'Papadopoulos']],
    ['Devanagari', ['प्रिया', 'शर्मा'], ['Priya', 'Sharma']],
    ['Hangul', ['민준', '김'], ['Minjun', 'Kim']],
  ])('%s and its Latin transliteration match each other', (_script, [g1, f1], [g2, f2]) => {
    const a = { givenName: g1, familyName: f1, dateOfBirth: '1990-02-03' };
    const b = { givenName: g2, familyName: f2, dateOfBirth: '1990-02-03' };
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const m = matchPeople(x, y);
      expect(m).not.toBeNull();
      expect(codes(m)).toContain('NAME_OTHER_SCRIPT');
      expect(shareKey(x, { ...y, dateOfBirth: null })).toBe(true);
    }
    expect(matchPeople({ givenName: g2, familyName: f2 }, a, { mode: 'search' })).not.toBeNull();
  });

  it('names that begin with different vowels do not sound the same, whatever their phonetic code (twins Olivia and Alfie)', () => {
    expect(phoneticCode('olivia')).toBe(phoneticCode('alfie'));
    expect(matchPeople({ givenName: 'Olivia', familyName: 'Walker', dateOfBirth: '2002-04-15' }, { givenName: 'Alfie', familyName: 'Walker', dateOfBirth: '2002-04-15' })).toBeNull();
    // Eoin and Owen are one name: a known variant, not a sound.
    expect(matchPeople({ givenName: 'Eoin', familyName: 'Walker', dateOfBirth: '2002-04-15' }, { givenName: 'Owen', familyName: 'Walker', dateOfBirth: '2002-04-15' })?.reasons.map((r) => r.code)).toContain('GIVEN_NAME_VARIANT');
    // A vowel against a consonant is still compared by sound (the code keeps the consonant).
    expect(matchPeople({ givenName: 'Catherine', familyName: 'Walker', dateOfBirth: '2002-04-15' }, { givenName: 'Kathryn', familyName: 'Walker', dateOfBirth: '2002-04-15' })).not.toBeNull();
  });

  it('consonants alone are compared only for a script that leaves vowels out or an Indic one, not between Cyrillic and Han', () => {
    const dob = '1985-10-23';
    expect(matchPeople({ givenName: '娜', familyName: '李', dateOfBirth: dob }, { givenName: 'Анна', familyName: 'Петрова', dateOfBirth: dob })).toBeNull();
    expect(matchPeople({ givenName: 'محمد', familyName: 'خان', dateOfBirth: dob }, { givenName: 'Mohammed', familyName: 'Khan', dateOfBirth: dob })?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['GIVEN_NAME_PHONETIC', 'FAMILY_NAME_ONE_EDIT', 'NAME_OTHER_SCRIPT']),
    );
    expect(matchPeople({ givenName: 'يوسف', familyName: 'علي', dateOfBirth: dob }, { givenName: 'Yusuf', familyName: 'Ali', dateOfBirth: dob })?.reasons.map((r) => r.code)).toContain(
      'FAMILY_NAME_TRANSLITERATED',
    );
  });

  it('a year one digit apart by ten or more years is a possible relative, never LIKELY', () => {
    const m = matchPeople({ ...base, dateOfBirth: '1968-03-14' }, base);
    expect(m?.grade).toBe('POSSIBLE');
    expect(codes(m)).toContain('DOB_ONE_DIGIT_DECADE');
  });

  it('search mode: a family name alone finds people by that name, never by someone else’s', () => {
    expect(matchPeople({ familyName: 'smith jones' }, base, { mode: 'search' })?.grade).toBe('POSSIBLE');
    expect(matchPeople({ familyName: 'Brown' }, base, { mode: 'search' })).toBeNull();
    expect(matchPeople({ givenName: 'zoe', familyName: 'smith-jones', dateOfBirth: '1988-03-14' }, base, { mode: 'search' })?.grade).toBe('LIKELY');
  });
});

describe('blocking keys', () => {
  it('are keyed hashes: a different key gives different values and none contains the name', () => {
    const other = new PersonalDataCipher(KeyRing.generate(), Buffer.alloc(32, 9));
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
