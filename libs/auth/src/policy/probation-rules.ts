import type { Agency, Role } from '@stac/domain';
import type { PolicyRule } from './policy-table';
import type { Purpose, RelationshipKind } from './vocabulary';

/**
 * Probation's records (domain.md §4 probation): written by its own practitioners on cases its owning team
 * or an assignment opens; read by partners through probation's agreements (core facts; an exclusion zone's
 * geography only with victim.location, which no agreement shares by default).
 */
export function probationRules(): PolicyRule[] {
  const practitioners: Role[] = ['probation-officer', 'probation-lead'];
  const probation: Agency[] = ['probation'];
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const purposes: Purpose[] = ['safeguarding', 'risk-management'];
  const write = (action: string, description: string, roles: Role[] = practitioners): PolicyRule => ({
    action,
    description,
    roles,
    agencies: probation,
    relationships: owning,
    write: true,
    purposes,
  });
  return [
    write('probation.check.answer', 'Answer the supervision check: status and contact route (H2)'),
    write('probation.consultation.record', 'Record a complex-case consultation: PSR input or post-conviction, recommendations, licence conditions (D12)'),
    write('probation.mappa.set', 'Set MAPPA category, level, lead agency and next review (D14)'),
    write('probation.sentence.set', 'Record custody, release, licence-end and supervision-end dates'),
    write('probation.enforcement.decide', 'Decide the enforcement review of a breached or disengaged licence-condition or community-order intervention'),
    {
      action: 'probation.check.locate',
      description: 'Find checks by probation case reference (keyed token; only cases the caller may see)',
      roles: practitioners,
      agencies: probation,
      relationships: [],
      write: false,
      purposes,
    },
    {
      action: 'probation.read',
      description: "Read probation's record of a case (partners through probation's agreements: core facts)",
      roles: [...practitioners, 'case-officer', 'stac-screener', 'stac-lead', 'spo-coordinator', 'risk-assessor', 'mh-clinician', 'mh-lead'],
      agencies: ['probation', 'police', 'mental-health'],
      relationships: [...owning, 'AGENCY_SHARE', 'CONSULTATION_PANEL', 'BREAK_GLASS'],
      write: false,
      purposes: ['safeguarding', 'risk-management', 'investigation'],
    },
    {
      action: 'probation.worklist.read',
      description: "Probation practitioner's worklist: checks due, consultations, releases in the next 28 days, MAPPA reviews due, enforcement reviews due",
      roles: practitioners,
      agencies: probation,
      relationships: [],
      write: false,
      purposes,
    },
  ];
}
