import type { CaseReferredV1, PersonCheckRequestedV1 } from '@stac/contracts';
import type { EventContext } from '@stac/messaging';
import { checkDueWorkingDaysFromEnv, contactRouteOf, currentChecks, PartnerChecks } from './partner-checks';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';
import type { PartnerCheckRecord } from './partner-check.record';

class Check {}

function checks(dueWorkingDays: number) {
  return new PartnerChecks(
    {
      owner: 'mental-health',
      record: Check as unknown as new () => PartnerCheckRecord,
      noun: 'test check',
      shares: [],
      answered: Object.assign(class {}, { subject: 'mental-health.check.answered.v1', eventType: 'mental-health.check.answered', version: 1 }) as never,
      dueWorkingDays,
    },
    null as never,
    null as never,
  );
}

describe('partner checks', () => {
  it('is due 2 working days after the request by default, on the England and Wales calendar', () => {
    expect(checkDueWorkingDaysFromEnv({})).toBe(2);
    expect(checkDueWorkingDaysFromEnv({ CHECK_DUE_WORKING_DAYS: '5' })).toBe(5);
    expect(() => checkDueWorkingDaysFromEnv({ CHECK_DUE_WORKING_DAYS: '0' })).toThrow(/CHECK_DUE_WORKING_DAYS/);
    // Thursday 10:00 before Christmas 2026: Fri 25 and Mon 28 Dec are bank holidays -> Tuesday 29th.
    expect(checks(2).dueAt(new Date('2026-12-24T10:00:00Z')).toISOString()).toBe('2026-12-30T10:00:00.000Z');
    // Friday 09:00 in BST -> Tuesday 09:00 local.
    expect(checks(2).dueAt(new Date('2026-06-12T08:00:00Z')).toISOString()).toBe('2026-06-16T08:00:00.000Z');
  });

  it('pages with an opaque cursor and refuses one it did not issue', () => {
    const c = { at: new Date('2026-12-01T09:00:00Z'), id: '0b7e1a8e-4c64-4f0b-9a57-0d8c3c1f2a10' };
    expect(decodeKeysetCursor(encodeKeysetCursor(c))).toEqual(c);
    expect(encodeKeysetCursor(c)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(() => decodeKeysetCursor('bm90LWEtY3Vyc29y')).toThrow(expect.objectContaining({ message: expect.any(String) }));
  });

  it('opens a check for the referral’s person of concern (none while unknown) and for a person of concern named later', async () => {
    const c = checks(2);
    const open = jest.spyOn(c, 'open').mockResolvedValue(null);
    const ctx = {} as EventContext;
    await c.openForReferral({ referredAt: '2026-12-01T09:00:00.000Z' } as CaseReferredV1, ctx);
    expect(open).not.toHaveBeenCalled();
    await c.openForReferral({ personOfConcernId: 'p-1', referredAt: '2026-12-01T09:00:00.000Z' } as CaseReferredV1, ctx);
    await c.openForNamedPerson({ personId: 'p-2', requestedAt: '2026-12-02T09:00:00.000Z' } as PersonCheckRequestedV1, ctx);
    expect(open.mock.calls).toEqual([
      [ctx, { personId: 'p-1', requestedAt: new Date('2026-12-01T09:00:00.000Z'), reason: 'REFERRAL' }],
      [ctx, { personId: 'p-2', requestedAt: new Date('2026-12-02T09:00:00.000Z'), reason: 'NEW_PERSON_OF_CONCERN' }],
    ]);
  });

  it('asks again about a person identified later instead of opening a check for a new person of concern', async () => {
    const c = checks(2);
    const open = jest.spyOn(c, 'open').mockResolvedValue(null);
    const recheck = jest.spyOn(c, 'recheckIdentified').mockResolvedValue(null);
    const ctx = {} as EventContext;
    await c.openForNamedPerson({ personId: 'p-3', requestedAt: '2026-12-03T09:00:00.000Z', trigger: 'IDENTIFIED' } as PersonCheckRequestedV1, ctx);
    expect(recheck.mock.calls).toEqual([[ctx, { personId: 'p-3', requestedAt: new Date('2026-12-03T09:00:00.000Z') }]]);
    expect(open).not.toHaveBeenCalled();
  });

  it('shows the checks that stand: one answered while the person was unknown gives way to the re-check', () => {
    const all = [
      { id: 'a', personId: 'p-1', reason: 'REFERRAL' },
      { id: 'b', personId: 'p-2', reason: 'NEW_PERSON_OF_CONCERN' },
      { id: 'c', personId: 'p-1', reason: 'PERSON_IDENTIFIED' },
    ] as const;
    expect(currentChecks(all).map((x) => x.id)).toEqual(['b', 'c']);
  });

  it('has a contact route only when team, role and how to reach are all on record', () => {
    expect(contactRouteOf({ contactTeam: 'Team', contactRole: 'Role', contactHowToReach: 'Duty line' })).toEqual({ team: 'Team', role: 'Role', howToReach: 'Duty line' });
    expect(contactRouteOf({ contactTeam: 'Team', contactRole: null, contactHowToReach: 'Duty line' })).toBeNull();
  });
});
