import { CUSTODY_SCREENING_HOURS, screeningDueAt } from './referral-routes';
import { ENGLAND_AND_WALES } from './working-days';

const due = (startedAt: string, custody?: string) =>
  screeningDueAt(ENGLAND_AND_WALES, new Date(startedAt), 1, custody ? new Date(custody) : null).toISOString();

describe('screening due date per referral route', () => {
  it('without custody: one working day on the calendar', () => {
    expect(due('2026-12-04T16:00:00Z')).toBe('2026-12-07T16:00:00.000Z');
  });

  it(`custody trigger: due ${CUSTODY_SCREENING_HOURS} hours after the relevant time, weekends and bank holidays included`, () => {
    // Arrested 22:00 on Christmas Eve 2026 (a Thursday), referred at 23:00: due 18:00 on Christmas Day.
    expect(due('2026-12-24T23:00:00Z', '2026-12-24T22:00:00Z')).toBe('2026-12-25T18:00:00.000Z');
  });

  it('custody trigger: never later than the working-day target', () => {
    // Referred on a Monday at 09:00 for an arrest at 08:00: the custody window (Tue 04:00) comes first.
    expect(due('2026-12-07T09:00:00Z', '2026-12-07T08:00:00Z')).toBe('2026-12-08T04:00:00.000Z');
  });

  it('custody trigger referred after the window has passed: due at once', () => {
    expect(due('2026-12-08T09:00:00Z', '2026-12-07T08:00:00Z')).toBe('2026-12-08T09:00:00.000Z');
  });
});
