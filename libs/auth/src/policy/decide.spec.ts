import { decide } from './decide';
import { matrixGrant, policyMatrix } from './policy-matrix';
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

  it('AC-10: decide() agrees with the policy table on every generated cell', () => {
    const cells = policyMatrix();
    let checked = 0;
    const mismatches: unknown[] = [];
    for (const c of cells) {
      const grant = c.relationship === 'NONE' ? null : matrixGrant(c.relationship, c.agency, 'police');
      const relationships: Relationship[] =
        grant && c.relationship !== 'NONE'
          ? [{ kind: c.relationship, fieldGroups: grant.fieldGroups, purposes: grant.purposes, readOnly: grant.readOnly }]
          : [];
      const d = decide(
        principal({ agency: c.agency, roles: [c.role] }),
        c.action,
        { relationships, excluded: false },
        c.fieldGroup === 'NONE' ? [] : [c.fieldGroup],
        c.purpose,
      );
      if (d.status !== c.expected) mismatches.push({ ...c, actual: d.status });
      checked++;
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    process.stdout.write(`AC-10 policy matrix (decide): ${checked} cells checked\n`);
    expect(checked).toBeGreaterThan(10000);
  });
});
