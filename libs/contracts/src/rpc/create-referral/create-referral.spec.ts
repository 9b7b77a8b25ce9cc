import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { ReferralSubmission } from './create-referral';

const crimeReport = {
  crimeReference: 'CR-01-2026-000001',
  source: 'CRIME_REPORT',
  offenceClass: 'S4A_FEAR',
  flags: [],
  bcu: 'CE',
  victim: { givenName: 'Synthetic' },
  personOfConcern: { identityKnown: false },
  advocacyReferral: 'CONSENT_DECLINED',
  incidents: [{ occurredAt: '2026-12-01T08:00:00Z', behaviours: ['FOLLOWING'] }],
};
const breach = {
  source: 'ORDER_BREACH',
  crimeReference: 'CR-01-2026-000001',
  orderId: '7a1f1c3e-8d4b-4e0f-9a51-0c2b6f1d2e3a',
  incidents: [{ occurredAt: '2026-12-01T08:00:00Z', behaviours: ['CONTACTING'] }],
};

async function problems(body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(ReferralSubmission, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((e) => e.property).sort();
}

describe('referral routes in the contract (validated at the gateway and again in intake)', () => {
  it('a crime report needs its crime reference and takes no other route’s facts', async () => {
    expect(await problems(crimeReport)).toEqual([]);
    const { crimeReference: _omitted, ...noRef } = crimeReport;
    expect(await problems(noRef)).toEqual(['crimeReference']);
    expect(await problems({ ...crimeReport, partnerAgency: 'probation', custodyStartedAt: '2026-12-01T07:00:00Z', orderId: breach.orderId })).toEqual([
      'custodyStartedAt',
      'orderId',
      'partnerAgency',
    ]);
  });

  it('a partner referral needs the partner, not a crime reference', async () => {
    const { crimeReference: _omitted, ...noRef } = crimeReport;
    expect(await problems({ ...noRef, source: 'PARTNER_AGENCY', partnerAgency: 'mental-health' })).toEqual([]);
    expect(await problems({ ...noRef, source: 'PARTNER_AGENCY' })).toEqual(['partnerAgency']);
    expect(await problems({ ...noRef, source: 'PARTNER_AGENCY', partnerAgency: 'police' })).toEqual(['partnerAgency']);
  });

  it('a custody trigger needs its relevant time', async () => {
    expect(await problems({ ...crimeReport, source: 'CUSTODY_TRIGGER', custodyStartedAt: '2026-12-01T07:00:00Z' })).toEqual([]);
    expect(await problems({ ...crimeReport, source: 'CUSTODY_TRIGGER' })).toEqual(['custodyStartedAt']);
  });

  it('a breach names its case (id or crime reference) and order, and takes none of a new case’s facts', async () => {
    expect(await problems(breach)).toEqual([]);
    const { crimeReference: _omitted, ...byId } = breach;
    expect(await problems({ ...byId, caseId: '0b7c2d4e-1f2a-4b3c-8d9e-0f1a2b3c4d5e' })).toEqual([]);
    expect(await problems(byId)).toEqual(['crimeReference']);
    expect(await problems({ ...breach, orderId: undefined })).toEqual(['orderId']);
    const { source: _s, incidents: _i, crimeReference: _c, ...newCaseFacts } = crimeReport;
    expect(await problems({ ...breach, ...newCaseFacts })).toEqual(['advocacyReferral', 'bcu', 'flags', 'offenceClass', 'personOfConcern', 'victim']);
    expect(await problems({ ...crimeReport, caseId: '0b7c2d4e-1f2a-4b3c-8d9e-0f1a2b3c4d5e' })).toEqual(['caseId']);
  });
});

describe('previous names and aliases on a referral', () => {
  const fieldsOf = async (body: object): Promise<string[]> => {
    const walk = (es: import('class-validator').ValidationError[], prefix: string): string[] =>
      es.flatMap((e) => {
        const f = prefix ? `${prefix}.${e.property}` : e.property;
        return [...(e.constraints ? [f] : []), ...walk(e.children ?? [], f)];
      });
    return walk(await validate(plainToInstance(ReferralSubmission, body), { whitelist: true, forbidNonWhitelisted: true }), '').sort();
  };

  it('the victim and the person of concern may carry previous names with their dates', async () => {
    expect(
      await fieldsOf({
        ...crimeReport,
        victim: { givenName: 'Katherine', familyName: 'Quillborough', otherNames: [{ kind: 'MAIDEN_NAME', familyName: 'Thistlewaite', usedTo: '2012-05-26' }] },
        personOfConcern: { identityKnown: true, givenName: 'Robert', otherNames: [{ kind: 'ALIAS', givenName: 'Bob', familyName: 'Marlowe' }, { kind: 'DEED_POLL', familyName: 'Finch', usedFrom: '2019-03-01' }] },
      }),
    ).toEqual([]);
  });

  it('an unknown kind, a name-less entry, a bad date, an unexpected field or too many names is refused, naming the field', async () => {
    const victim = (otherNames: unknown) => ({ ...crimeReport, victim: { givenName: 'Katherine', otherNames } });
    expect(await fieldsOf(victim([{ kind: 'NICKNAME', givenName: 'Kate' }]))).toEqual(['victim.otherNames.0.kind']);
    expect(await fieldsOf(victim([{ kind: 'ALIAS' }]))).toEqual(['victim.otherNames.0.givenName']);
    expect(await fieldsOf(victim([{ kind: 'ALIAS', givenName: 'Kit', usedFrom: '2012-02-30' }]))).toEqual(['victim.otherNames.0.usedFrom']);
    expect(await fieldsOf(victim([{ kind: 'ALIAS', givenName: 'Kit', usedTo: '2012-05-26T00:00:00Z' }]))).toEqual(['victim.otherNames.0.usedTo']);
    expect(await fieldsOf(victim([{ kind: 'ALIAS', givenName: 'Kit\u202e' }]))).toEqual(['victim.otherNames.0.givenName']);
    expect(await fieldsOf(victim([{ kind: 'ALIAS', givenName: 'Kit', note: 'x' }]))).toEqual(['victim.otherNames.0.note']);
    expect(await fieldsOf(victim(Array.from({ length: 11 }, (_, i) => ({ kind: 'ALIAS', givenName: `Kit${i}` }))))).toEqual(['victim.otherNames']);
  });
});
