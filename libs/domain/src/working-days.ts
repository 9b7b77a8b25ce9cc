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

/** The wall-clock time of an instant in a time zone, as if it were UTC (milliseconds kept). */
function wallClock(timeZone: string, d: Date): Date {
  const p = Object.fromEntries(formatter(timeZone).formatToParts(d).map((x) => [x.type, x.value]));
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second, d.getUTCMilliseconds()));
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
