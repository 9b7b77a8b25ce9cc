import { addWorkingDays } from './working-days';

/**
 * England and Wales bank holidays 2026-2028, as published by gov.uk (https://www.gov.uk/bank-holidays,
 * `england-and-wales` division). Substitute days are the published dates (e.g. Boxing Day 2026 is
 * observed on Monday 28 December). Extend the list each year when gov.uk publishes the next one;
 * `BANK_HOLIDAY_COVERAGE` says which years are known so a clock past it can warn instead of guessing.
 */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS_LIST: readonly { date: string; title: string }[] = [
  { date: '2026-01-01', title: "New Year's Day" },
  { date: '2026-04-03', title: 'Good Friday' },
  { date: '2026-04-06', title: 'Easter Monday' },
  { date: '2026-05-04', title: 'Early May bank holiday' },
  { date: '2026-05-25', title: 'Spring bank holiday' },
  { date: '2026-08-31', title: 'Summer bank holiday' },
  { date: '2026-12-25', title: 'Christmas Day' },
  { date: '2026-12-28', title: 'Boxing Day (substitute day)' },
  { date: '2027-01-01', title: "New Year's Day" },
  { date: '2027-03-26', title: 'Good Friday' },
  { date: '2027-03-29', title: 'Easter Monday' },
  { date: '2027-05-03', title: 'Early May bank holiday' },
  { date: '2027-05-31', title: 'Spring bank holiday' },
  { date: '2027-08-30', title: 'Summer bank holiday' },
  { date: '2027-12-27', title: 'Christmas Day (substitute day)' },
  { date: '2027-12-28', title: 'Boxing Day (substitute day)' },
  { date: '2028-01-03', title: "New Year's Day (substitute day)" },
  { date: '2028-04-14', title: 'Good Friday' },
  { date: '2028-04-17', title: 'Easter Monday' },
  { date: '2028-05-01', title: 'Early May bank holiday' },
  { date: '2028-05-29', title: 'Spring bank holiday' },
  { date: '2028-08-28', title: 'Summer bank holiday' },
  { date: '2028-12-25', title: 'Christmas Day' },
  { date: '2028-12-26', title: 'Boxing Day' },
];

export const ENGLAND_AND_WALES_BANK_HOLIDAYS: ReadonlySet<string> = new Set(ENGLAND_AND_WALES_BANK_HOLIDAYS_LIST.map((h) => h.date));

/** The years the calendar above is known for (inclusive). */
export const BANK_HOLIDAY_COVERAGE = { from: '2026-01-01', to: '2028-12-31' } as const;

/** True when a deadline falls inside the published calendar (outside it, only weekends are skipped). */
export function withinBankHolidayCoverage(d: Date): boolean {
  const day = d.toISOString().slice(0, 10);
  return day >= BANK_HOLIDAY_COVERAGE.from && day <= BANK_HOLIDAY_COVERAGE.to;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** The wall-clock time in England and Wales of an instant, as if it were UTC (milliseconds kept). */
function londonWallClock(d: Date): Date {
  const p = Object.fromEntries(LONDON.formatToParts(d).map((x) => [x.type, x.value]));
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second, d.getUTCMilliseconds()));
}

/** The instant at which England and Wales shows the given wall-clock time (GMT/BST). */
function fromLondonWallClock(wall: Date): Date {
  let guess = new Date(wall.getTime());
  for (let i = 0; i < 3; i++) {
    const offset = londonWallClock(guess).getTime() - guess.getTime();
    const next = new Date(wall.getTime() - offset);
    if (next.getTime() === guess.getTime()) break;
    guess = next;
  }
  return guess;
}

/**
 * Working-day deadline on the England and Wales calendar: days are counted on the local (GMT/BST)
 * calendar and the local time of day is kept, so a referral at 09:00 on the Thursday before Easter is
 * due at 09:00 on the Tuesday after, whatever the clocks did in between.
 */
export function addEnglandAndWalesWorkingDays(from: Date, days: number): Date {
  return fromLondonWallClock(addWorkingDays(londonWallClock(from), days, ENGLAND_AND_WALES_BANK_HOLIDAYS));
}
