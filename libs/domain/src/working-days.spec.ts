import { addWorkingDays } from './working-days';

describe('addWorkingDays', () => {
  it('moves a Friday referral to Monday', () => {
    expect(addWorkingDays(new Date('2026-11-27T10:00:00Z'), 1).toISOString()).toBe('2026-11-30T10:00:00.000Z');
  });
  it('skips a bank holiday', () => {
    const due = addWorkingDays(new Date('2026-12-24T09:00:00Z'), 1, new Set(['2026-12-25']));
    expect(due.toISOString()).toBe('2026-12-28T09:00:00.000Z');
  });
  it('counts midweek days plainly', () => {
    expect(addWorkingDays(new Date('2026-11-24T09:00:00Z'), 2).toISOString()).toBe('2026-11-26T09:00:00.000Z');
  });
});
