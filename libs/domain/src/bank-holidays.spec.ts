import {
  addEnglandAndWalesWorkingDays,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  ENGLAND_AND_WALES_BANK_HOLIDAYS_LIST,
  withinBankHolidayCoverage,
} from './bank-holidays';

describe('England and Wales bank holidays 2026-2028', () => {
  it('lists eight a year, all on weekdays, in order, without duplicates', () => {
    for (const year of ['2026', '2027', '2028']) {
      expect(ENGLAND_AND_WALES_BANK_HOLIDAYS_LIST.filter((h) => h.date.startsWith(year))).toHaveLength(8);
    }
    const dates = ENGLAND_AND_WALES_BANK_HOLIDAYS_LIST.map((h) => h.date);
    expect(dates).toEqual([...dates].sort());
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.size).toBe(dates.length);
    for (const d of dates) expect([1, 2, 3, 4, 5]).toContain(new Date(`${d}T12:00:00Z`).getUTCDay());
  });
  it('uses the published substitute days', () => {
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.has('2026-12-28')).toBe(true); // Boxing Day 2026 falls on a Saturday
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.has('2027-12-27')).toBe(true);
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.has('2028-01-03')).toBe(true);
    expect(ENGLAND_AND_WALES_BANK_HOLIDAYS.has('2028-01-01')).toBe(false);
  });
  it('a referral on Christmas Eve 2026 is due on Tuesday 29 December (Christmas Friday, weekend, Boxing Day substitute Monday)', () => {
    expect(addEnglandAndWalesWorkingDays(new Date('2026-12-24T11:00:00Z'), 1).toISOString()).toBe('2026-12-29T11:00:00.000Z');
  });
  it('a referral at 09:00 on Maundy Thursday 2027 (GMT) is due at 09:00 BST on the Tuesday after Easter Monday', () => {
    expect(addEnglandAndWalesWorkingDays(new Date('2027-03-25T09:00:00Z'), 1).toISOString()).toBe('2027-03-30T08:00:00.000Z');
  });
  it('counts days on the local calendar: 00:30 BST on a Saturday is due 00:30 BST on Monday, not Tuesday', () => {
    // 2026-07-04 00:30 BST is Friday 23:30 UTC; counting UTC dates would make it Monday 23:30 UTC.
    expect(addEnglandAndWalesWorkingDays(new Date('2026-07-03T23:30:00Z'), 1).toISOString()).toBe('2026-07-05T23:30:00.000Z');
  });
  it('keeps the local time of day across the autumn clock change', () => {
    // Friday 23 October 2026 17:00 BST (16:00 UTC) -> Monday 26 October 17:00 GMT (17:00 UTC).
    expect(addEnglandAndWalesWorkingDays(new Date('2026-10-23T16:00:00Z'), 1).toISOString()).toBe('2026-10-26T17:00:00.000Z');
  });
  it('a bank holiday counts by its local date even just after midnight BST', () => {
    // 00:15 BST on Friday 28 August 2026 (Thu 23:15 UTC): next working day skips Monday 31 August (Summer bank holiday).
    expect(addEnglandAndWalesWorkingDays(new Date('2026-08-27T23:15:00Z'), 1).toISOString()).toBe('2026-08-31T23:15:00.000Z');
  });
  it('knows where its calendar ends', () => {
    expect(withinBankHolidayCoverage(new Date('2028-12-31T23:00:00Z'))).toBe(true);
    expect(withinBankHolidayCoverage(new Date('2029-01-01T00:00:00Z'))).toBe(false);
  });
});
