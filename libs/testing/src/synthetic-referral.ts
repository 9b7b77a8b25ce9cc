/** A person as a referral names them (synthetic values only). */
export type SyntheticPerson = Record<string, unknown>;

/**
 * A synthetic crime-report referral as a police screener sends it: victim and person of concern named, two
 * incidents, consent to advocacy. One body for the e2e builders, the int tests and the bench; the people
 * default to the fixed synthetic pair.
 */
export function syntheticReferralBody(
  crimeReference: string,
  people: { victim?: SyntheticPerson; personOfConcern?: SyntheticPerson } = {},
): Record<string, unknown> {
  return {
    crimeReference,
    advocacyReferral: 'CONSENT_GIVEN',
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags: ['DOMESTIC', 'CYBER'],
    bcu: 'CE',
    caseOfficer: 'PC-4411',
    victim: people.victim ?? { givenName: 'Synthetic', familyName: 'Victim', dateOfBirth: '1991-02-03' },
    personOfConcern: { identityKnown: true, ...(people.personOfConcern ?? { givenName: 'Synthetic', familyName: 'Suspect' }) },
    incidents: [
      { occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING', 'LOITERING'] },
      { occurredAt: '2026-11-08T07:10:00Z', behaviours: ['CONTACTING', 'THREATS'] },
    ],
  };
}
