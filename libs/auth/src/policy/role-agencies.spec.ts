import { AGENCIES, ROLES, type Agency, type Role } from '@stac/domain';
import { decide } from './decide';
import { POLICY } from './policy-table';
import { ROLE_AGENCIES, rolesOfAgency } from './role-agencies';
import type { Relationship } from './vocabulary';

const owning: Relationship = { kind: 'OWNING_TEAM', fieldGroups: [] };
const open = { relationships: [owning], excluded: false };

/** For each agency, one of its own roles and a user of another agency who claims it in their token. */
const CASES: [Agency, Role, Agency][] = [
  ['police', 'stac-lead', 'mental-health'],
  ['mental-health', 'mh-clinician', 'police'],
  ['probation', 'probation-officer', 'advocacy'],
  ['advocacy', 'advocate', 'probation'],
  ['cps', 'prosecutor', 'police'],
];

describe('roles are bound to their agencies (AC-01)', () => {
  it.each(CASES)("AC-01: a %s role (%s) counts for its own agency's users and is ignored in a %s token", (agency, role, other) => {
    const own = { issuer: `https://idp.example/${agency}`, subject: 'u1', agency, roles: [role] };
    const foreign = { issuer: `https://idp.example/${other}`, subject: 'u2', agency: other, roles: [role] };
    expect(decide(own, 'case.read', open, [], 'safeguarding')).toMatchObject({ allow: true });
    expect(decide(foreign, 'case.read', open, [], 'safeguarding')).toMatchObject({ allow: false, reason: 'role', status: 403 });
    // Carried beside a role of their own agency, it adds nothing: the action is judged on the own role.
    expect(rolesOfAgency({ agency: other, roles: [role, 'dpo'] })).toEqual(['dpo']);
  });

  it('AC-01: no rule lets a role act for an agency the role does not belong to', () => {
    const granted: string[] = [];
    for (const rule of POLICY)
      for (const role of rule.roles)
        for (const agency of AGENCIES) {
          if (!rule.agencies.includes(agency) || ROLE_AGENCIES[role].includes(agency)) continue;
          const d = decide({ issuer: 'i', subject: 's', agency, roles: [role] }, rule.action, open, [], rule.purposes[0]);
          if (d.allow) granted.push(`${rule.action}:${role}@${agency}`);
        }
    expect(granted).toEqual([]);
  });

  it('AC-01: every role belongs to at least one agency', () => {
    for (const role of ROLES) expect(ROLE_AGENCIES[role].length).toBeGreaterThan(0);
  });
});
