import type { Agency, Role } from '@stac/domain';
import type { PolicyRule } from './policy-table';
import type { Purpose, RelationshipKind } from './vocabulary';

/**
 * The CPS part of the police case file (intake, domain.md §3 D10). The police ask for early advice on
 * their own cases; a prosecutor answers and decides charge on cases shared with the CPS (the
 * police-to-cps agreement, investigation only, or a consultation panel seat) and sees nothing else.
 */
export function cpsRules(): PolicyRule[] {
  const police: Role[] = ['case-officer', 'stac-lead'];
  const policeReaders: Role[] = ['case-officer', 'stac-screener', 'stac-lead', 'spo-coordinator'];
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const cpsShare: RelationshipKind[] = ['AGENCY_SHARE', 'CONSULTATION_PANEL'];
  const investigation: Purpose[] = ['investigation'];
  const both: Agency[] = ['police', 'cps'];
  return [
    {
      action: 'cps.advice.request',
      description: 'Ask the CPS for early advice on a case (shares the case with the CPS: core facts, investigation only)',
      roles: police,
      agencies: ['police'],
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'cps.advice.answer',
      description: 'Answer an early advice request with coded advice (prosecutor)',
      roles: ['prosecutor'],
      agencies: ['cps'],
      relationships: cpsShare,
      write: true,
      purposes: investigation,
    },
    {
      action: 'cps.charging.decide',
      description: 'Record the charging decision D10: charge s4A / s2A, no further action, further evidence (prosecutor)',
      roles: ['prosecutor'],
      agencies: ['cps'],
      relationships: cpsShare,
      write: true,
      purposes: investigation,
    },
    {
      action: 'cps.read',
      description: 'Read the early advice and charging decisions of a case',
      roles: [...policeReaders, 'prosecutor'],
      agencies: both,
      relationships: [...owning, ...cpsShare, 'BREAK_GLASS'],
      write: false,
      purposes: investigation,
    },
    {
      action: 'cps.worklist.read',
      description: "Prosecutor's worklist: advice requests due and charging decisions awaited on cases shared with the CPS",
      roles: ['prosecutor'],
      agencies: ['cps'],
      relationships: [],
      write: false,
      purposes: investigation,
    },
  ];
}
