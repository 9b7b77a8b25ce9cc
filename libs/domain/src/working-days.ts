/**
 * Adds working days (Monday-Friday) to an instant, keeping the time of day. Bank holidays are a
 * configurable calendar passed in as ISO dates (YYYY-MM-DD, UTC).
 */
export function addWorkingDays(from: Date, days: number, holidays: ReadonlySet<string> = new Set()): Date {
  const d = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6 && !holidays.has(d.toISOString().slice(0, 10))) left--;
  }
  return d;
}
