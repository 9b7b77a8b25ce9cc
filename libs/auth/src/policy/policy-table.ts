import type { Agency, Role } from '@stac/domain';
import type { FieldGroup, Purpose, RelationshipKind } from './vocabulary';
import { advocacyRules } from './advocacy-rules';
import { cpsRules } from './cps-rules';
import { probationRules } from './probation-rules';
import { mentalHealthRules } from './mental-health-rules';

/**
 * THE policy table (AC-10): which roles of which agencies may perform which action, whether the
 * action needs a relationship to the case, and which relationships open it. `decide()` reads only
 * this; the matrix tests are generated from it.
 */
export interface PolicyRule {
  action: string;
  description: string;
  roles: readonly Role[];
  agencies: readonly Agency[];
  /** Relationship kinds that open the case for this action; empty = not case-scoped (AC-01 alone). */
  relationships: readonly RelationshipKind[];
  /** Writes are never allowed through read-only relationships (break-glass). */
  write: boolean;
  /** Purposes accepted for the action. */
  purposes: readonly Purpose[];
  /**
   * Managing who is named on a restricted case: allowed to the rule's roles and relationships whether or
   * not the caller is named (someone must be able to name people). Every other action on a restricted
   * case needs the caller to be named.
   */
  managesNamedAccess?: boolean;
}

const POLICE_OPERATIONAL: Role[] = ['case-officer', 'stac-screener', 'stac-lead', 'spo-coordinator', 'risk-assessor'];
const CASE_READERS: Role[] = [
  ...POLICE_OPERATIONAL,
  'mh-clinician',
  'mh-lead',
  'probation-officer',
  'probation-lead',
  'advocate',
  'advocacy-lead',
  'prosecutor',
];
const OPERATIONAL_PURPOSES: Purpose[] = ['investigation', 'safeguarding', 'care', 'risk-management'];
const ALL_RELATIONSHIPS: RelationshipKind[] = [
  'OWNING_TEAM',
  'ASSIGNMENT',
  'REFERRAL_ACCEPTED',
  'CONSULTATION_PANEL',
  'AGENCY_SHARE',
  'BREAK_GLASS',
];

export const POLICY: readonly PolicyRule[] = [
  {
    action: 'referral.create',
    description: 'Refer a stalking crime to S-TAC',
    roles: ['case-officer', 'stac-screener', 'stac-lead'],
    agencies: ['police'],
    relationships: [],
    write: true,
    purposes: ['investigation', 'safeguarding'],
  },
  {
    action: 'referral.consent-override',
    description: "Refer a victim to advocacy without their consent on a recorded lawful basis (AC-05)",
    roles: ['stac-lead'],
    agencies: ['police'],
    relationships: [],
    write: true,
    purposes: ['safeguarding'],
  },
  {
    action: 'case.read',
    description: "Read an agency's part of a case",
    roles: CASE_READERS,
    agencies: ['police', 'mental-health', 'probation', 'advocacy', 'cps'],
    relationships: ALL_RELATIONSHIPS,
    write: false,
    purposes: OPERATIONAL_PURPOSES,
  },
  // People register and course of conduct in intake (domain.md §4 Person, Incident).
  ...peopleAndConductRules(),
  {
    action: 'case.relationship.manage',
    description: 'Assign or end a relationship (assignment, panel, exclusion) on a case',
    roles: ['stac-lead', 'mh-lead', 'probation-lead', 'advocacy-lead'],
    agencies: ['police', 'mental-health', 'probation', 'advocacy'],
    relationships: ['OWNING_TEAM'],
    write: true,
    purposes: OPERATIONAL_PURPOSES,
  },
  {
    action: 'case.restriction.manage',
    description:
      "Restrict a case to the people named on it (staff-linked, public figure), lift the restriction, name people on it and end their naming; the owning team's leads, named or not",
    roles: ['stac-lead'],
    agencies: ['police'],
    relationships: ['OWNING_TEAM'],
    write: true,
    purposes: OPERATIONAL_PURPOSES,
    managesNamedAccess: true,
  },
  {
    action: 'case.field-group.manage',
    description: "Grant a field group on a case to a named user or an agency's team (reason, end date), revoke it, list the grants",
    roles: ['stac-lead'],
    agencies: ['police'],
    relationships: ['OWNING_TEAM'],
    write: true,
    purposes: OPERATIONAL_PURPOSES,
  },
  {
    action: 'case.break-glass',
    description: 'Open time-boxed, read-only emergency access to a case (AC-06)',
    roles: ['stac-lead', 'mh-lead', 'probation-lead', 'advocacy-lead', 'stac-screener'],
    agencies: ['police', 'mental-health', 'probation', 'advocacy'],
    relationships: [],
    write: true,
    purposes: ['safeguarding'],
  },
  {
    action: 'break-glass-review.read',
    description: "List the open break-glass reviews of the owning agency's cases (AC-06)",
    roles: ['dpo'],
    agencies: ['police'],
    relationships: [],
    write: false,
    purposes: ['audit'],
  },
  {
    action: 'break-glass-review.complete',
    description: 'Complete a break-glass review with an outcome and a note (AC-06)',
    roles: ['dpo'],
    agencies: ['police'],
    relationships: [],
    write: true,
    purposes: ['audit'],
  },
  {
    action: 'audit.read',
    description: "Read and export the agency's own s62 access log (LAW-05)",
    roles: ['dpo'],
    agencies: ['police', 'mental-health', 'probation', 'advocacy'],
    relationships: [],
    write: false,
    purposes: ['audit'],
  },
  // Risk assessment (domain.md §4): assessments belong to the assessor's agency; the summary is what partners see.
  {
    action: 'risk.instrument.read',
    description: 'Read the risk instrument definitions (S-DASH questions, judgement fields)',
    roles: CASE_READERS,
    agencies: ['police', 'mental-health', 'probation', 'advocacy', 'cps'],
    relationships: [],
    write: false,
    purposes: OPERATIONAL_PURPOSES,
  },
  {
    action: 'risk.assess',
    description: 'Draft, change and submit a risk assessment of a case',
    roles: ['risk-assessor', 'stac-screener', 'stac-lead', 'mh-clinician', 'probation-officer', 'case-officer'],
    agencies: ['police', 'mental-health', 'probation'],
    relationships: ['OWNING_TEAM', 'ASSIGNMENT', 'REFERRAL_ACCEPTED', 'CONSULTATION_PANEL'],
    write: true,
    purposes: ['safeguarding', 'risk-management', 'investigation', 'care'],
  },
  {
    action: 'risk.review',
    description: 'Second-person review of a submitted risk assessment',
    roles: ['risk-assessor', 'stac-lead', 'mh-lead', 'probation-lead'],
    agencies: ['police', 'mental-health', 'probation'],
    relationships: ['OWNING_TEAM', 'ASSIGNMENT', 'REFERRAL_ACCEPTED', 'CONSULTATION_PANEL'],
    write: true,
    purposes: ['safeguarding', 'risk-management', 'investigation', 'care'],
  },
  {
    action: 'risk.assessment.read',
    description: "Read the caller's agency's risk assessments and risk tasks of a case",
    roles: ['risk-assessor', 'stac-screener', 'stac-lead', 'mh-clinician', 'mh-lead', 'probation-officer', 'probation-lead', 'case-officer'],
    agencies: ['police', 'mental-health', 'probation'],
    relationships: ['OWNING_TEAM', 'ASSIGNMENT', 'REFERRAL_ACCEPTED', 'CONSULTATION_PANEL', 'BREAK_GLASS'],
    write: false,
    purposes: ['safeguarding', 'risk-management', 'investigation', 'care'],
  },
  {
    action: 'risk.summary.read',
    description: "Read a case's shareable risk summary and its level history",
    roles: CASE_READERS,
    agencies: ['police', 'mental-health', 'probation', 'advocacy', 'cps'],
    relationships: ALL_RELATIONSHIPS,
    write: false,
    purposes: OPERATIONAL_PURPOSES,
  },
  {
    action: 'risk.worklist.read',
    description: "The caller's agency's overdue risk reviews and open screening / re-assessment tasks",
    roles: ['risk-assessor', 'stac-screener', 'stac-lead', 'mh-clinician', 'mh-lead', 'probation-officer', 'probation-lead', 'case-officer'],
    agencies: ['police', 'mental-health', 'probation'],
    relationships: [],
    write: false,
    purposes: ['safeguarding', 'risk-management', 'investigation', 'care'],
  },
  // S-TAC workflow in intake (screening, triage, advice, lifecycle, orders, consultations, worklists).
  ...stacWorkflowRules(),
  ...advocacyRules(),
  ...cpsRules(),
  ...probationRules(),
  ...mentalHealthRules(),
];

/** Police S-TAC workflow actions (domain.md §3): police-owned records, opened by the owning team or an assignment. */
function stacWorkflowRules(): PolicyRule[] {
  const police: Agency[] = ['police'];
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const investigation: Purpose[] = ['investigation', 'safeguarding'];
  const rule = (action: string, description: string, roles: Role[], write: boolean, relationships = owning): PolicyRule => ({
    action,
    description,
    roles,
    agencies: police,
    relationships,
    write,
    purposes: investigation,
  });
  const panelAgencies: Agency[] = ['police', 'mental-health', 'probation', 'advocacy', 'cps'];
  const panelRoles: Role[] = [...CASE_READERS];
  return [
    rule('case.screen', 'Record the FOUR-test screening and offence classification (D1)', ['stac-screener', 'stac-lead'], true),
    rule('case.triage', 'Record the triage decision ADVICE_ONLY | ADVICE_AND_MONITOR | CONSULTATION (D3)', ['stac-screener', 'stac-lead'], true),
    rule('case.workflow.read', 'Read screening, triage, advice, lifecycle and orders of a case', POLICE_OPERATIONAL, false, [...owning, 'BREAK_GLASS']),
    rule('advice.issue', 'Issue S-TAC advice to the case officer (H3)', ['stac-screener', 'stac-lead'], true),
    rule('advice.resolve', 'Acknowledge advice and resolve its items DONE | ACCEPTED | DECLINED', ['case-officer', 'stac-lead'], true),
    rule('case.transition', 'Move the case lifecycle or criminal-justice stage; close with a reason', ['case-officer', 'stac-lead'], true),
    rule(
      'case.crime-reference.attach',
      "Attach the crime reference to a partner agency's referral once the crime is recorded",
      ['case-officer', 'stac-screener', 'stac-lead'],
      true,
    ),
    rule(
      'investigation.milestone.record',
      "Record an investigation milestone the victim is owed an update about (suspect interviewed, bail conditions changed, decision not to investigate)",
      ['case-officer', 'stac-lead'],
      true,
    ),
    rule('order.manage', 'Consider, apply for, record and end protective orders; report breaches', ['case-officer', 'stac-lead', 'spo-coordinator'], true),
    {
      action: 'order.scan',
      description: 'Run the order expiry scan (expiring warnings, lapsed orders)',
      roles: ['stac-lead', 'spo-coordinator'],
      agencies: police,
      relationships: [],
      write: true,
      purposes: investigation,
    },
    rule('consultation.manage', 'Schedule a multi-agency consultation, record decisions and assign actions', ['stac-lead'], true),
    {
      action: 'consultation.read',
      description: 'Read the consultations of a case (panel members of every agency)',
      roles: panelRoles,
      agencies: panelAgencies,
      relationships: [...owning, 'CONSULTATION_PANEL', 'BREAK_GLASS'],
      write: false,
      purposes: OPERATIONAL_PURPOSES,
    },
    {
      action: 'consultation.action.complete',
      description: "Complete a consultation action owned by the caller's agency",
      roles: panelRoles,
      agencies: panelAgencies,
      relationships: [...owning, 'CONSULTATION_PANEL'],
      write: true,
      purposes: OPERATIONAL_PURPOSES,
    },
    ...(
      [
        ['worklist.read', 'Screening worklist: untriaged and overdue screening', ['stac-screener', 'stac-lead']],
        ['worklist.lead.read', 'Lead worklist: overdue screening and advice items, expiring orders, overdue notifications and actions', ['stac-lead', 'spo-coordinator']],
        ['worklist.own.read', "Case officer's worklist: my cases", ['case-officer', 'stac-screener', 'stac-lead', 'spo-coordinator']],
      ] as [string, string, Role[]][]
    ).map(([action, description, roles]) => ({ action, description, roles, agencies: police, relationships: [], write: false, purposes: investigation })),
  ];
}

/**
 * Field groups a relationship grants by default. Owning relationships see their own agency's groups;
 * a share sees only what its agreement lists (core facts by default); break-glass never opens
 * field groups.
 */
export const OWNING_FIELD_GROUPS: Readonly<Record<Agency, readonly FieldGroup[]>> = {
  police: ['victim.contact', 'victim.location', 'intelligence', 'risk.rationale'],
  advocacy: ['victim.contact', 'victim.location', 'advocacy.notes', 'risk.rationale'],
  'mental-health': ['suspect.health', 'risk.rationale'],
  // Probation recommends and enforces licence conditions whose exclusion zones reveal where the victim is.
  probation: ['risk.rationale', 'victim.location'],
  cps: [],
};

export function ruleFor(action: string): PolicyRule | undefined {
  return POLICY.find((r) => r.action === action);
}

/** People register and course of conduct (intake): police-owned records, each case checked on its own. */
function peopleAndConductRules(): PolicyRule[] {
  const owning: RelationshipKind[] = ['OWNING_TEAM', 'ASSIGNMENT'];
  const recorders: Role[] = ['case-officer', 'stac-screener', 'stac-lead'];
  const police: Agency[] = ['police'];
  const investigation: Purpose[] = ['investigation', 'safeguarding'];
  return [
    {
      action: 'person.search',
      description: 'Search the people register before adding a person (results only from cases the caller may see)',
      roles: POLICE_OPERATIONAL,
      agencies: police,
      relationships: [],
      write: false,
      purposes: [...investigation, 'risk-management'],
    },
    {
      action: 'person.read',
      description: 'See a person on a case: names, identifiers, role history, linked cases (contact/location need their field groups)',
      roles: POLICE_OPERATIONAL,
      agencies: police,
      relationships: [...owning, 'BREAK_GLASS'],
      write: false,
      purposes: [...investigation, 'risk-management'],
    },
    {
      action: 'person.add',
      description: 'Add a new or existing person to a case as victim, person of concern or protected third party',
      roles: recorders,
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'person.role.change',
      description: "End a person's roles on a case and start another",
      roles: recorders,
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'person.other-name.add',
      description: 'Record a previous name or alias of a person on a case (maiden name, deed poll), searched and matched like the current name',
      roles: recorders,
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'person.identify',
      description: 'Name a person recorded with identity unknown (an unknown suspect identified later): names, date of birth, other names; duplicates are proposed at once',
      roles: recorders,
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'person.match.decide',
      description: 'Confirm or reject a proposed duplicate person (never merged without a person deciding)',
      roles: recorders,
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'incident.record',
      description: 'Record a new incident (or breach) in the course of conduct of a case',
      roles: [...recorders, 'spo-coordinator'],
      agencies: police,
      relationships: owning,
      write: true,
      purposes: investigation,
    },
    {
      action: 'case.timeline.read',
      description: 'Read the course of conduct of a case (incidents, behaviour codes, derived signals)',
      roles: CASE_READERS,
      agencies: ['police', 'mental-health', 'probation', 'advocacy', 'cps'],
      relationships: ALL_RELATIONSHIPS,
      write: false,
      purposes: OPERATIONAL_PURPOSES,
    },
  ];
}
