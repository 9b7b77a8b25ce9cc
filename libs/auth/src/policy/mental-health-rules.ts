import type { Agency, Role } from '@stac/domain';
import type { PolicyRule } from './policy-table';
import type { Purpose, RelationshipKind } from './vocabulary';

/**
 * The NHS trust's liaison and intervention actions (domain.md §4 mental-health, §6.5). The trust's own
 * team works its records through its owning relationship; police (S-TAC) and probation read only what
 * the trust shares (check answers and routes, advice summaries, recommendation codes, arrangements,
 * intervention statuses) through their agreement shares; clinical notes need the trust's own
 * `suspect.health` grant, which no share carries.
 */
export function mentalHealthRules(): PolicyRule[] {
  const trust: Agency[] = ['mental-health'];
  const practitioners: Role[] = ['mh-liaison', 'mh-clinician', 'mh-lead'];
  const clinicians: Role[] = ['mh-clinician', 'mh-lead'];
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const care: Purpose[] = ['care', 'safeguarding', 'risk-management'];
  const rule = (action: string, description: string, roles: Role[], write: boolean, relationships = owning): PolicyRule => ({
    action,
    description,
    roles,
    agencies: trust,
    relationships,
    write,
    purposes: care,
  });
  return [
    rule('mh.check.answer', 'Answer a known-to-services check: YES | NO | UNKNOWN and a contact route (H2)', practitioners, true),
    {
      action: 'mh.shared.read',
      description: "Read the trust's shareable records of a case: check answers and routes, advice summaries, recommendations, arrangements, intervention statuses",
      roles: [...practitioners, 'case-officer', 'stac-screener', 'stac-lead', 'spo-coordinator', 'probation-officer', 'probation-lead'],
      agencies: ['mental-health', 'police', 'probation'],
      relationships: [...owning, 'AGENCY_SHARE', 'BREAK_GLASS'],
      write: false,
      purposes: ['care', 'safeguarding', 'risk-management', 'investigation'],
    },
    {
      action: 'mh.consultation.request',
      description: 'S-TAC asks the trust for a mental-health consultation on a case it shares with the police (D6)',
      roles: ['stac-screener', 'stac-lead'],
      agencies: ['police'],
      relationships: ['AGENCY_SHARE'],
      write: true,
      purposes: ['safeguarding', 'risk-management', 'investigation'],
    },
    rule('mh.consultation.manage', 'Triage and work a consultation; share the advice summary and recommendation; close it', practitioners, true),
    rule('mh.clinical-note.write', 'Write a clinical note (suspect.health, encrypted with the trust key)', clinicians, true),
    rule('mh.clinical-note.read', 'Read the clinical notes of a case (suspect.health)', clinicians, false),
    rule('mh.arrangement.manage', 'Record and change co-working arrangements and diversion outcomes', practitioners, true),
    rule('mh.intervention.manage', 'Propose, assess, start and end interventions; plan sessions and record attendance (D13)', clinicians, true),
    {
      action: 'mh.worklist.read',
      description: "The trust's worklists: checks due, consultations by state, sessions due, reviews due",
      roles: practitioners,
      agencies: trust,
      relationships: [],
      write: false,
      purposes: care,
    },
    {
      action: 'mh.disclosure.review',
      description: "Caldicott guardian: list and review the trust's disclosures (purpose and legal basis of each)",
      roles: ['caldicott-guardian'],
      agencies: trust,
      relationships: [],
      write: true,
      purposes: ['audit'],
    },
  ];
}
