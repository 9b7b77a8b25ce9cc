import { ENGLAND_AND_WALES, WorkingDayCalendar, wallClock } from './working-days';

const due = (from: string, days: number) => ENGLAND_AND_WALES.addWorkingDays(new Date(from), days).toISOString();

describe('England and Wales working-day calendar', () => {
  it('moves a Friday referral to Monday and counts midweek days plainly', () => {
    expect(due('2026-11-27T10:00:00Z', 1)).toBe('2026-11-30T10:00:00.000Z');
    expect(due('2026-11-24T09:00:00Z', 2)).toBe('2026-11-26T09:00:00.000Z');
    expect(due('2026-11-24T09:00:00Z', 0)).toBe('2026-11-24T09:00:00.000Z');
  });

  it('a referral on Christmas Eve 2026 is due on Tuesday 29 December (Christmas Friday, weekend, Boxing Day substitute Monday)', () => {
    expect(due('2026-12-24T11:00:00Z', 1)).toBe('2026-12-29T11:00:00.000Z');
  });

  it('uses substitute days in years no table listed: Christmas 2032 and Boxing Day fall at a weekend', () => {
    // 25 December 2032 is a Saturday: the bank holidays are Monday 27 and Tuesday 28 December.
    expect(ENGLAND_AND_WALES.isWorkingDay('2032-12-27')).toBe(false);
    expect(ENGLAND_AND_WALES.isWorkingDay('2032-12-28')).toBe(false);
    expect(due('2032-12-24T10:00:00Z', 1)).toBe('2032-12-29T10:00:00.000Z');
  });

  it('a referral at 09:00 BST on Maundy Thursday 2029 is due at 09:00 BST on the Tuesday after Easter Monday', () => {
    // Good Friday 30 March 2029, Easter Monday 2 April 2029; BST since 25 March.
    expect(due('2029-03-29T08:00:00Z', 1)).toBe('2029-04-03T08:00:00.000Z');
  });

  it('a referral at 09:00 on Maundy Thursday 2027 (GMT) is due at 09:00 BST on the Tuesday after Easter Monday', () => {
    expect(due('2027-03-25T09:00:00Z', 1)).toBe('2027-03-30T08:00:00.000Z');
  });

  it('computes Easter for any year (2099: Good Friday 10 April, Easter Monday 13 April)', () => {
    expect(ENGLAND_AND_WALES.isHoliday('2099-04-10')).toBe(true);
    expect(ENGLAND_AND_WALES.isHoliday('2099-04-13')).toBe(true);
    expect(due('2099-04-09T08:00:00Z', 1)).toBe('2099-04-14T08:00:00.000Z');
  });

  it('knows one-off bank holidays (the 2023 coronation) and that Wales shares the list (no St David\'s Day)', () => {
    expect(ENGLAND_AND_WALES.isWorkingDay('2023-05-08')).toBe(false);
    expect(ENGLAND_AND_WALES.isWorkingDay('2027-03-01')).toBe(true);
  });

  it('counts days on the local calendar: 00:30 BST on a Saturday is due 00:30 BST on Monday, not Tuesday', () => {
    // 2026-07-04 00:30 BST is Friday 23:30 UTC; counting UTC dates would make it Monday 23:30 UTC.
    expect(due('2026-07-03T23:30:00Z', 1)).toBe('2026-07-05T23:30:00.000Z');
    expect(ENGLAND_AND_WALES.localDate(new Date('2026-07-03T23:30:00Z'))).toBe('2026-07-04');
  });

  it('keeps the local time of day across the autumn clock change', () => {
    // Friday 23 October 2026 17:00 BST (16:00 UTC) -> Monday 26 October 17:00 GMT (17:00 UTC).
    expect(due('2026-10-23T16:00:00Z', 1)).toBe('2026-10-26T17:00:00.000Z');
  });

  it('a bank holiday counts by its local date even just after midnight BST', () => {
    // 00:15 BST on Friday 28 August 2026 (Thu 23:15 UTC): next working day skips Monday 31 August.
    expect(due('2026-08-27T23:15:00Z', 1)).toBe('2026-08-31T23:15:00.000Z');
  });

  it('refuses a negative or fractional number of days', () => {
    expect(() => ENGLAND_AND_WALES.addWorkingDays(new Date(), -1)).toThrow(RangeError);
    expect(() => ENGLAND_AND_WALES.addWorkingDays(new Date(), 1.5)).toThrow(RangeError);
  });

  it('is replaceable: a calendar with its own holidays counts on them', () => {
    class OneHoliday extends WorkingDayCalendar {
      readonly timeZone = 'UTC';
      isHoliday(date: string) {
        return date === '2026-11-25';
      }
    }
    expect(new OneHoliday().addWorkingDays(new Date('2026-11-24T09:00:00Z'), 1).toISOString()).toBe('2026-11-26T09:00:00.000Z');
  });
});

describe('wallClock (offsets read once per quarter hour)', () => {
  const direct = (timeZone: string, d: Date) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(d)
        .map((x) => [x.type, x.value]),
    );
    return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second, d.getUTCMilliseconds())).toISOString();
  };

  it.each([
    ['Europe/London', '2026-03-29T00:00:00.000Z'],
    ['Europe/London', '2026-10-25T00:00:00.000Z'],
    // A half-hour zone whose clocks change at 02:00/03:00 local: 16:30 UTC.
    ['Australia/Adelaide', '2026-04-04T15:00:00.000Z'],
    ['Australia/Adelaide', '2026-10-03T15:00:00.000Z'],
    ['Asia/Kathmandu', '2026-06-01T00:00:00.000Z'],
  ])('agrees with Intl for every 7 seconds around the clock changes of %s from %s, asked in any order', (zone, from) => {
    const start = new Date(from).getTime();
    const instants = Array.from({ length: (3 * 3600) / 7 }, (_, i) => start + i * 7_000 + (i % 1000));
    // Backwards then forwards: the cached quarter must not depend on which instant asked first.
    for (const t of [...instants].reverse().concat(instants)) {
      expect(wallClock(zone, new Date(t)).toISOString()).toBe(direct(zone, new Date(t)));
    }
  });
});
