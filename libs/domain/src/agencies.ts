/** The partner agencies of a Stalking Threat Assessment Centre; each is its own data controller. */
export const AGENCIES = ['police', 'mental-health', 'probation', 'advocacy', 'cps'] as const;
export type Agency = (typeof AGENCIES)[number];

export const ROLES = [
  'case-officer',
  'stac-screener',
  'stac-lead',
  'spo-coordinator',
  'mh-clinician',
  'mh-lead',
  'mh-liaison',
  'caldicott-guardian',
  'probation-officer',
  'probation-lead',
  'advocate',
  'advocacy-lead',
  'prosecutor',
  'risk-assessor',
  'analyst',
  'dpo',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/** Which service owns which agency's records (domain.md §2). CPS reads what is shared. */
export const SERVICE_OF_AGENCY: Record<Exclude<Agency, 'cps'>, ServiceName> = {
  police: 'intake',
  'mental-health': 'mental-health',
  probation: 'probation',
  advocacy: 'advocacy',
};

export const SERVICES = ['gateway', 'intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;
export type ServiceName = (typeof SERVICES)[number];
