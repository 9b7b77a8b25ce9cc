import { decide } from './decide';
import { matrixResource, policyCells } from './policy-matrix';
import { POLICY } from './policy-table';
import type { Principal, Relationship } from './vocabulary';

const principal = (over: Partial<Principal> = {}): Principal => ({
  issuer: 'https://idp.example/police',
  subject: 'alice',
  agency: 'police',
  roles: ['stac-screener'],
  ...over,
});
const owning: Relationship = { kind: 'OWNING_TEAM', fieldGroups: ['victim.contact', 'victim.location'] };

describe('decide()', () => {
  it('AC-01: a role alone never opens a case', () => {
    expect(decide(principal(), 'case.read', { relationships: [], excluded: false }, [], 'safeguarding')).toMatchObject({
      allow: false,
      reason: 'no-relationship',
      status: 404,
    });
  });

  it('AC-02: a relationship opens the case for a permitted role', () => {
    expect(decide(principal(), 'case.read', { relationships: [owning], excluded: false }, [], 'safeguarding')).toMatchObject({
      allow: true,
      via: 'OWNING_TEAM',
    });
  });

  it('AC-03: a field group needs its own grant; a share sees core facts only', () => {
    const share: Relationship = { kind: 'AGENCY_SHARE', fieldGroups: [], purposes: ['safeguarding'] };
    const p = principal({ agency: 'advocacy', roles: ['advocate'] });
    expect(decide(p, 'case.read', { relationships: [share], excluded: false }, [], 'safeguarding').allow).toBe(true);
    expect(decide(p, 'case.read', { relationships: [share], excluded: false }, ['victim.location'], 'safeguarding')).toMatchObject({
      allow: false,
      status: 403,
      deniedFieldGroups: ['victim.location'],
    });
  });

  it('AC-04: purpose of use is checked against the agreement', () => {
    const share: Relationship = { kind: 'AGENCY_SHARE', fieldGroups: [], purposes: ['safeguarding'] };
    const p = principal({ agency: 'probation', roles: ['probation-officer'] });
    expect(decide(p, 'case.read', { relationships: [share], excluded: false }, [], 'investigation').status).toBe(404);
    expect(decide(p, 'case.read', { relationships: [share], excluded: false }, [], undefined)).toMatchObject({ reason: 'purpose', status: 403 });
  });

  it('AC-06: break-glass is read-only', () => {
    const glass: Relationship = { kind: 'BREAK_GLASS', fieldGroups: [], readOnly: true };
    const lead = principal({ roles: ['stac-lead'] });
    expect(decide(lead, 'case.read', { relationships: [glass], excluded: false }, [], 'safeguarding').allow).toBe(true);
    expect(decide(lead, 'case.relationship.manage', { relationships: [glass], excluded: false }, [], 'safeguarding').allow).toBe(false);
  });

  it('AC-07: exclusion overrides every grant, break-glass included', () => {
    const glass: Relationship = { kind: 'BREAK_GLASS', fieldGroups: [], readOnly: true };
    expect(decide(principal(), 'case.read', { relationships: [owning, glass], excluded: true }, [], 'safeguarding')).toMatchObject({
      allow: false,
      reason: 'excluded',
      status: 404,
    });
  });

  it('AC-09: no relationship and a missing case answer the same (404)', () => {
    expect(decide(principal(), 'case.read', null, [], 'safeguarding').status).toBe(404);
    expect(decide(principal(), 'case.read', { relationships: [], excluded: false }, [], 'safeguarding').status).toBe(404);
  });

  it('deny by default: unknown actions and roles without a rule', () => {
    expect(decide(principal(), 'case.delete-everything', null, [], 'safeguarding').allow).toBe(false);
    expect(decide(principal({ roles: ['analyst'] }), 'case.read', { relationships: [owning], excluded: false }, [], 'safeguarding').status).toBe(403);
  });

  it('restricted records: a staff-linked or public-figure case does not exist for anyone not named on it, whatever they hold', () => {
    const glass: Relationship = { kind: 'BREAK_GLASS', fieldGroups: [], readOnly: true };
    const lead = principal({ roles: ['stac-lead'] });
    const notNamed = { relationships: [owning, glass], excluded: false, restriction: { named: false } };
    expect(decide(lead, 'case.read', notNamed, [], 'safeguarding')).toMatchObject({ allow: false, reason: 'restricted', status: 404 });
    // Byte-identical to a missing case: the same status as no relationship at all (AC-09).
    expect(decide(lead, 'case.read', notNamed, [], 'safeguarding').status).toBe(decide(lead, 'case.read', null, [], 'safeguarding').status);
    expect(decide(lead, 'case.read', { ...notNamed, restriction: { named: true } }, [], 'safeguarding')).toMatchObject({ allow: true, via: 'OWNING_TEAM' });
    // Named is necessary, never sufficient: a named user still needs a relationship.
    expect(decide(lead, 'case.read', { relationships: [], excluded: false, restriction: { named: true } }, [], 'safeguarding').status).toBe(404);
    // The owning team's leads manage who is named without being named; nobody else does.
    expect(decide(lead, 'case.restriction.manage', notNamed, [], 'safeguarding').allow).toBe(true);
    expect(decide(principal(), 'case.restriction.manage', notNamed, [], 'safeguarding').status).toBe(403);
    // An exclusion still wins over a naming (AC-07).
    expect(decide(lead, 'case.read', { ...notNamed, excluded: true, restriction: { named: true } }, [], 'safeguarding').reason).toBe('excluded');
  });

  it('AC-03: a field group granted on the case adds to a relationship, never opens the case, never rides on break-glass alone', () => {
    const share: Relationship = { kind: 'AGENCY_SHARE', fieldGroups: [], purposes: ['safeguarding'] };
    const glass: Relationship = { kind: 'BREAK_GLASS', fieldGroups: [], readOnly: true };
    const p = principal({ agency: 'probation', roles: ['probation-officer'] });
    const granted = { fieldGroupGrants: ['victim.location'] as const };
    expect(decide(p, 'case.read', { relationships: [share], excluded: false }, ['victim.location'], 'safeguarding').status).toBe(403);
    expect(decide(p, 'case.read', { relationships: [share], excluded: false, ...granted }, ['victim.location'], 'safeguarding').allow).toBe(true);
    expect(decide(p, 'case.read', { relationships: [share], excluded: false, ...granted }, ['victim.contact'], 'safeguarding')).toMatchObject({
      status: 403,
      deniedFieldGroups: ['victim.contact'],
    });
    expect(decide(p, 'case.read', { relationships: [], excluded: false, ...granted }, ['victim.location'], 'safeguarding').status).toBe(404);
    expect(decide(p, 'case.read', { relationships: [glass], excluded: false, ...granted }, ['victim.location'], 'safeguarding').status).toBe(403);
  });

  it('AC-10: decide() agrees with the policy table on every generated cell, restricted cases included', () => {
    let checked = 0;
    const byRestriction = { NONE: 0, NAMED: 0, NOT_NAMED: 0 };
    const mismatches: unknown[] = [];
    for (const c of policyCells()) {
      const d = decide(
        principal({ agency: c.agency, roles: [c.role] }),
        c.action,
        matrixResource(c, 'police'),
        c.fieldGroup === 'NONE' ? [] : [c.fieldGroup],
        c.purpose,
      );
      if (d.status !== c.expected && mismatches.length < 5) mismatches.push({ ...c, actual: d.status });
      checked++;
      byRestriction[c.restriction]++;
    }
    expect(mismatches).toEqual([]);
    process.stdout.write(`AC-10 policy matrix (decide): ${checked} cells checked\n`);
    expect(checked).toBeGreaterThan(10000);
    expect(byRestriction.NAMED).toBe(byRestriction.NONE);
    expect(byRestriction.NOT_NAMED).toBe(byRestriction.NONE);
  });

  it('AC-10: on a restricted case every case-scoped action is 404 to an unnamed caller unless it manages the naming', () => {
    let open = 0;
    const caseScoped = POLICY.filter((r) => r.relationships.length > 0).map((r) => r.action);
    for (const c of policyCells(caseScoped, 'police', ['safeguarding'], ['NOT_NAMED'])) {
      if (c.expected === 200) {
        expect(c.action).toBe('case.restriction.manage');
        open++;
      }
    }
    expect(open).toBeGreaterThan(0);
  });
});
