import { isRecordedName, otherNameProblems } from './other-names';

const current = { givenName: 'Katherine', familyName: 'Quillborough', dateOfBirth: '1983-07-09' };
const today = '2026-12-01';

describe('previous names and aliases: what the contract cannot check', () => {
  it('accepts names with dates in order, on or after the date of birth and up to today', () => {
    expect(
      otherNameProblems(
        [
          { kind: 'MAIDEN_NAME', familyName: 'Thistlewaite', usedFrom: '1983-07-09', usedTo: '2012-05-26' },
          { kind: 'ALIAS', givenName: 'Kit', familyName: 'Marlowe', usedFrom: '2026-12-01' },
        ],
        { field: 'victim.otherNames', today, current },
      ),
    ).toEqual([]);
  });

  it('names the field of a date in the future, before the date of birth, or an end before the start', () => {
    expect(
      otherNameProblems(
        [
          { kind: 'DEED_POLL', familyName: 'Old', usedFrom: '2026-12-02' },
          { kind: 'MAIDEN_NAME', familyName: 'Older', usedFrom: '1980-01-01', usedTo: '2030-01-01' },
          { kind: 'PREVIOUS_NAME', familyName: 'Oldest', usedFrom: '2010-01-01', usedTo: '2009-01-01' },
        ],
        { field: 'victim.otherNames', today, current },
      ),
    ).toEqual([
      { field: 'victim.otherNames.0.usedFrom', message: 'usedFrom cannot be in the future' },
      { field: 'victim.otherNames.1.usedFrom', message: 'usedFrom cannot be before the date of birth' },
      { field: 'victim.otherNames.1.usedTo', message: 'usedTo cannot be in the future' },
      { field: 'victim.otherNames.2.usedTo', message: 'usedTo must be on or after usedFrom' },
    ]);
  });

  it('without a date of birth only today and the order bound the dates', () => {
    expect(otherNameProblems([{ kind: 'ALIAS', givenName: 'Kit', usedFrom: '1901-01-01' }], { field: 'x', today, current: { givenName: 'Kate' } })).toEqual([]);
  });

  it('refuses the current name again, a repeated name (after accents, case and script) and a name without letters', () => {
    expect(
      otherNameProblems(
        [
          { kind: 'ALIAS', givenName: 'KATHERINE' },
          { kind: 'MAIDEN_NAME', familyName: 'Thistléwaite' },
          { kind: 'PREVIOUS_NAME', givenName: 'Katherine', familyName: 'THISTLEWAITE' },
          { kind: 'ALIAS', familyName: '--' },
        ],
        { field: 'personOfConcern.otherNames', today, current },
      ),
    ).toEqual([
      { field: 'personOfConcern.otherNames.0', message: 'this name is the current name or repeats an earlier one' },
      { field: 'personOfConcern.otherNames.2', message: 'this name is the current name or repeats an earlier one' },
      { field: 'personOfConcern.otherNames.3.familyName', message: 'familyName must have letters or digits' },
    ]);
  });

  it('one name whose fields are the request’s own is named by its field alone', () => {
    expect(otherNameProblems([{ kind: 'ALIAS', givenName: 'Kit', usedTo: '2027-01-01' }], { field: null, today, current, repeats: false })).toEqual([
      { field: 'usedTo', message: 'usedTo cannot be in the future' },
    ]);
    expect(otherNameProblems([{ kind: 'ALIAS', givenName: 'Katherine' }], { field: null, today, current, repeats: false })).toEqual([]);
  });

  it('a name already recorded, or the current one, is recognised whatever its spelling form', () => {
    const recorded = [{ kind: 'MAIDEN_NAME', familyName: 'Thistlewaite' }];
    expect(isRecordedName({ kind: 'ALIAS', familyName: 'thistlewaite' }, current, recorded)).toBe(true);
    expect(isRecordedName({ kind: 'ALIAS', givenName: 'Katherine', familyName: 'Quillborough' }, current, recorded)).toBe(true);
    expect(isRecordedName({ kind: 'ALIAS', givenName: 'Kit' }, current, recorded)).toBe(false);
  });
});
