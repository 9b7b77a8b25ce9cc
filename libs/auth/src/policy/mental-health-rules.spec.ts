import { decide } from './decide';
import { mentalHealthRules } from './mental-health-rules';
import { matrixGrant, matrixResource, policyMatrix } from './policy-matrix';
import type { Principal, Relationship } from './vocabulary';

const MH_ACTIONS = mentalHealthRules().map((r) => r.action);
const who = (agency: Principal['agency'], roles: Principal['roles']): Principal => ({ issuer: 'urn:test', subject: 's', agency, roles });
const rel = (kind: Relationship['kind'], agency: Principal['agency']): Relationship[] => {
  const g = matrixGrant(kind, agency, 'mental-health');
  return g ? [{ kind, fieldGroups: g.fieldGroups, purposes: g.purposes, readOnly: g.readOnly }] : [];
};

describe('mental-health policy rules', () => {
  it('AC-10: decide() agrees with the generated matrix for every mental-health action on records the trust owns', () => {
    const cells = policyMatrix(MH_ACTIONS, 'mental-health');
    const mismatches = cells.filter((c) => {
      const d = decide(who(c.agency, [c.role]), c.action, matrixResource(c, 'mental-health'), c.fieldGroup === 'NONE' ? [] : [c.fieldGroup], c.purpose);
      return d.status !== c.expected;
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(cells.length).toBeGreaterThan(10000);
  });

  it('DP-01 / §6.5: no partner agency ever reads clinical notes (suspect.health), whatever its role or relationship', () => {
    const cells = policyMatrix(['mh.clinical-note.read', 'mh.clinical-note.write'], 'mental-health').filter((c) => c.expected === 200);
    expect(cells.length).toBeGreaterThan(0);
    expect(new Set(cells.map((c) => c.agency))).toEqual(new Set(['mental-health']));
    expect(new Set(cells.map((c) => c.role))).toEqual(new Set(['mh-clinician', 'mh-lead']));
    expect(cells.every((c) => c.relationship !== 'AGENCY_SHARE' && c.relationship !== 'BREAK_GLASS')).toBe(true);
  });

  it('police and probation read the shared part through their agreements; S-TAC asks for consultations; only the guardian reviews disclosures', () => {
    const shared = (agency: Principal['agency'], role: Principal['roles'][number], purpose: 'safeguarding' | 'risk-management') =>
      decide(who(agency, [role]), 'mh.shared.read', { relationships: rel('AGENCY_SHARE', agency), excluded: false }, [], purpose).status;
    expect(shared('police', 'stac-lead', 'safeguarding')).toBe(200);
    expect(shared('probation', 'probation-officer', 'risk-management')).toBe(200);
    expect(shared('probation', 'probation-officer', 'safeguarding')).toBe(404);
    expect(decide(who('police', ['stac-lead']), 'mh.consultation.request', { relationships: rel('AGENCY_SHARE', 'police'), excluded: false }, [], 'safeguarding').status).toBe(200);
    expect(decide(who('police', ['case-officer']), 'mh.consultation.request', { relationships: rel('AGENCY_SHARE', 'police'), excluded: false }, [], 'safeguarding').status).toBe(403);
    expect(decide(who('police', ['stac-lead']), 'mh.consultation.manage', { relationships: rel('AGENCY_SHARE', 'police'), excluded: false }, [], 'safeguarding').status).toBe(403);
    expect(decide(who('mental-health', ['caldicott-guardian']), 'mh.disclosure.review', null, [], 'audit').status).toBe(200);
    expect(decide(who('mental-health', ['dpo']), 'mh.disclosure.review', null, [], 'audit').status).toBe(403);
    expect(decide(who('police', ['caldicott-guardian']), 'mh.disclosure.review', null, [], 'audit').status).toBe(403);
  });
});
