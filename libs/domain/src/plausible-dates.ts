/**
 * Dates people type that must be possible (API-02): nobody is born in the future or before 1900, and
 * nothing is reported as having happened later than now (a few minutes of clock skew allowed). `today`
 * and `now` come from the caller's injectable clock.
 */
export const EARLIEST_DATE = '1900-01-01';
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Why a date of birth (`YYYY-MM-DD`) is impossible on `today` (London date), or null. */
export function birthDateProblem(field: string, dateOfBirth: string, today: string): string | null {
  if (dateOfBirth > today) return `${field} cannot be in the future`;
  if (dateOfBirth < EARLIEST_DATE) return `${field} must be on or after ${EARLIEST_DATE}`;
  return null;
}

/** Why the time something happened is impossible at `now`, or null. */
export function pastTimeProblem(field: string, at: string, now: Date): string | null {
  const t = Date.parse(at);
  if (t > now.getTime() + CLOCK_SKEW_MS) return `${field} cannot be in the future`;
  if (t < Date.parse(`${EARLIEST_DATE}T00:00:00Z`)) return `${field} must be on or after ${EARLIEST_DATE}`;
  return null;
}
