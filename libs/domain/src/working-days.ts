import Holidays from 'date-holidays';

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

/**
 * The one working-day calendar every deadline is counted on (screening, re-assessment, advice items).
 * Days are counted on the calendar's local dates and the local time of day is kept, so a referral at
 * 09:00 on the Thursday before Easter is due at 09:00 on the Tuesday after, whatever the clocks did
 * in between. Pure: the answer depends only on its arguments, so deadlines stay driven by the
 * injected clock. An abstract class so services can inject it (and tests can replace it).
 */
export abstract class WorkingDayCalendar {
  /** IANA time zone whose local dates are counted. */
  abstract readonly timeZone: string;
  /** Whether a local date is a public or bank holiday. */
  abstract isHoliday(date: LocalDate): boolean;

  isWorkingDay(date: LocalDate): boolean {
    const dow = new Date(`${date}T12:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6 && !this.isHoliday(date);
  }

  /** The local date of an instant in this calendar's time zone. */
  localDate(at: Date): LocalDate {
    return wallClock(this.timeZone, at).toISOString().slice(0, 10);
  }

  /** `days` working days after `from` (days >= 0), at the same local time of day. */
  addWorkingDays(from: Date, days: number): Date {
    if (!Number.isInteger(days) || days < 0) throw new RangeError('working days must be a whole number >= 0');
    const d = wallClock(this.timeZone, from);
    let left = days;
    while (left > 0) {
      d.setUTCDate(d.getUTCDate() + 1);
      if (this.isWorkingDay(d.toISOString().slice(0, 10))) left--;
    }
    return fromWallClock(this.timeZone, d);
  }
}

/**
 * England and Wales: public and bank holidays from `date-holidays` (GB-ENG and GB-WLS share one list
 * of bank holidays; both are read so a Wales-only day would count too). The library computes any year,
 * substitute days (Christmas on a Saturday -> the Monday) and one-off days (a coronation, a state
 * funeral) included, so there is no table to extend each year.
 */
export class EnglandAndWalesCalendar extends WorkingDayCalendar {
  readonly timeZone = 'Europe/London';
  private readonly sources = ['ENG', 'WLS'].map((state) => new Holidays('GB', state, { types: ['public', 'bank'] }));
  private readonly byYear = new Map<number, ReadonlySet<LocalDate>>();

  isHoliday(date: LocalDate): boolean {
    return this.holidays(Number(date.slice(0, 4))).has(date);
  }

  /** The holidays of a year (weekend ones included: their substitute days are listed too). */
  holidays(year: number): ReadonlySet<LocalDate> {
    let set = this.byYear.get(year);
    if (!set) {
      // `date` is the local start of the holiday, "YYYY-MM-DD hh:mm:ss".
      set = new Set(this.sources.flatMap((h) => h.getHolidays(year).map((x) => x.date.slice(0, 10))));
      this.byYear.set(year, set);
    }
    return set;
  }
}

/** The calendar of the platform's deployments (the services' default provider). */
export const ENGLAND_AND_WALES = new EnglandAndWalesCalendar();

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A zone's offset from UTC over one quarter of an hour of UTC time, by zone and quarter (offsets change on quarter hours). */
const offsets = new Map<string, number>();
const QUARTER_HOUR_MS = 15 * 60_000;
const OFFSETS_KEPT = 10_000;

/** The zone's wall clock minus UTC at an instant, in whole seconds (read from Intl: the time zone database). */
function offsetAt(timeZone: string, t: number): number {
  const d = new Date(t);
  const p = Object.fromEntries(formatter(timeZone).formatToParts(d).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - (t - d.getUTCMilliseconds());
}

/**
 * The wall-clock time of an instant in a time zone, as if it were UTC (milliseconds kept). Formatting
 * with Intl costs tens of microseconds and every event handler asks for today's date: the offset is read
 * once per quarter hour of UTC, and kept only when it is the same at both ends of the quarter (a quarter
 * with a clock change inside is read afresh each time).
 */
export function wallClock(timeZone: string, d: Date): Date {
  const t = d.getTime();
  const quarter = Math.floor(t / QUARTER_HOUR_MS);
  const key = `${timeZone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = offsetAt(timeZone, quarter * QUARTER_HOUR_MS);
    const end = offsetAt(timeZone, (quarter + 1) * QUARTER_HOUR_MS - 1);
    if (start === end) {
      offset = start;
      if (offsets.size >= OFFSETS_KEPT) offsets.clear();
      offsets.set(key, offset);
    } else offset = offsetAt(timeZone, t);
  }
  return new Date(t + offset);
}

/** The instant at which the time zone shows the given wall-clock time. */
function fromWallClock(timeZone: string, wall: Date): Date {
  let guess = new Date(wall.getTime());
  for (let i = 0; i < 3; i++) {
    const offset = wallClock(timeZone, guess).getTime() - guess.getTime();
    const next = new Date(wall.getTime() - offset);
    if (next.getTime() === guess.getTime()) break;
    guess = next;
  }
  return guess;
}
