import { birthDateProblem, pastTimeProblem } from './plausible-dates';

describe('possible dates (API-02)', () => {
  it('a date of birth is on or after 1900 and not after today', () => {
    expect(birthDateProblem('victim.dateOfBirth', '1990-04-01', '2026-12-01')).toBeNull();
    expect(birthDateProblem('victim.dateOfBirth', '2026-12-01', '2026-12-01')).toBeNull();
    expect(birthDateProblem('victim.dateOfBirth', '2026-12-02', '2026-12-01')).toBe('victim.dateOfBirth cannot be in the future');
    expect(birthDateProblem('victim.dateOfBirth', '1820-01-01', '2026-12-01')).toBe('victim.dateOfBirth must be on or after 1900-01-01');
  });

  it('a time something happened is not later than now, give or take five minutes of clock skew', () => {
    const now = new Date('2026-12-01T09:00:00Z');
    expect(pastTimeProblem('incidents.0.occurredAt', '2026-12-01T09:04:00Z', now)).toBeNull();
    expect(pastTimeProblem('incidents.0.occurredAt', '2026-12-01T09:06:00Z', now)).toBe('incidents.0.occurredAt cannot be in the future');
    expect(pastTimeProblem('incidents.0.occurredAt', '1899-12-31T23:00:00Z', now)).toBe('incidents.0.occurredAt must be on or after 1900-01-01');
  });
});
