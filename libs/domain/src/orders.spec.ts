import { notificationDueAt, orderTermProblem, spoMinimumExpiry } from './orders';

describe('Stalking Protection Order rules', () => {
  const from = new Date('2026-12-01T10:00:00Z');
  it('a full SPO lasts at least two years', () => {
    expect(orderTermProblem('SPO', from, new Date('2028-11-30T10:00:00Z'))).toMatch(/at least 2 years/);
    expect(orderTermProblem('SPO', from, new Date('2028-12-01T10:00:00Z'))).toBeNull();
  });
  it('a full SPO may run until further order', () => expect(orderTermProblem('SPO', from, null)).toBeNull());
  it('an interim SPO or other order may be shorter, but must end after it starts', () => {
    expect(orderTermProblem('INTERIM_SPO', from, new Date('2027-01-15T10:00:00Z'))).toBeNull();
    expect(orderTermProblem('BAIL_CONDITIONS', from, new Date('2026-11-30T10:00:00Z'))).toMatch(/after effectiveFrom/);
  });
  it('the minimum expiry of an SPO granted on 29 February is two calendar years later', () => {
    expect(spoMinimumExpiry(new Date('2028-02-29T00:00:00Z')).toISOString()).toBe('2030-03-01T00:00:00.000Z');
  });
  it('notification of name and address is due three days after service', () => {
    expect(notificationDueAt(new Date('2026-12-24T16:00:00Z')).toISOString()).toBe('2026-12-27T16:00:00.000Z');
  });
});
