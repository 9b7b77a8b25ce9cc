import { randomUUID } from 'node:crypto';
import { AccessLog, CaseAccessGrants, type AccessControl, type Authorized, type Principal } from '@stac/auth';
import type { IdentifyPersonRequest, ReferralSubmission } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { CasePartReader, type RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { problemOf } from '@stac/testing';
import { CasesController } from '../cases/cases.controller';
import { CasesService } from '../cases/cases.service';
import { ReferralsService } from '../referrals/referrals.service';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { PeopleService } from './people.service';
import { PersonRecords } from './person-records';

jest.setTimeout(60_000);

/**
 * Naming an unknown suspect later and counter-allegations, against a real Postgres: referrals, the people
 * register and the intake case part as the service runs them (authorisation is the kernel's, covered by
 * the policy matrix and the e2e tests; visibility of other cases is decided here over real relationships).
 */
const h = new WorkflowHarness();
const accessLog = new AccessLog();
let referrals: ReferralsService;
let people: PeopleService;
let records: PersonRecords;
let cases: CasesService;

const lead: Principal = { issuer: 'urn:test', subject: 'lead-1', agency: 'police', roles: ['stac-lead'] };
const ctx = (p: Principal = lead): RequestContext => testRequestContext(p, { clock: h.clock, idempotencyKey: randomUUID() }, h.idempotency);

let seq = 0;
type Who = { givenName: string; familyName: string; dateOfBirth?: string };
async function refer(victim: Who, personOfConcern: Who | 'unknown', flags: ReferralSubmission['flags'] = []): Promise<string> {
  const body = {
    crimeReference: `CR-NAMING-${process.pid}-${++seq}`,
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags,
    bcu: 'CE',
    victim,
    personOfConcern: personOfConcern === 'unknown' ? { identityKnown: false } : { identityKnown: true, ...personOfConcern },
    advocacyReferral: 'CONSENT_DECLINED',
    incidents: [{ occurredAt: '2026-11-30T08:00:00Z', behaviours: ['FOLLOWING'] }],
  } as ReferralSubmission;
  return (await referrals.refer(body, ctx())).caseId;
}

async function personWithRole(caseId: string, role: string): Promise<{ id: string; version: number }> {
  const [row] = await h.ds.query(
    `SELECT p.id, p.version FROM case_participant cp JOIN person p ON p.id = cp.person_id WHERE cp.case_id = $1 AND cp.role = $2 AND cp.valid_to IS NULL`,
    [caseId, role],
  );
  return row;
}

const identify = (body: Omit<IdentifyPersonRequest, 'version'> & { version?: number }, version: number) =>
  people.identify({ ...body, version: body.version ?? version } as IdentifyPersonRequest, ctx());

async function checkRequests(caseId: string): Promise<Record<string, unknown>[]> {
  const rows: { envelope: { additionalInformation: Record<string, unknown> } }[] = await h.ds.query(
    `SELECT envelope FROM outbox WHERE envelope->>'caseId' = $1 AND subject = 'intake.person.check-requested.v1' ORDER BY seq`,
    [caseId],
  );
  return rows.map((r) => r.envelope.additionalInformation);
}

const counterAllegationsOf = async (caseId: string, viewer: Principal = lead) =>
  (await cases.casePart(caseId, { withNames: true, viewer: { principal: viewer, purpose: 'investigation' } }))!.counterAllegations!;

beforeAll(async () => {
  await h.start('naming_counter');
  const outbox = new Outbox('intake');
  records = new PersonRecords(h.cipher);
  referrals = new ReferralsService(h.ds, outbox, new CaseAccessGrants(h.relationships, accessLog), accessLog, records, h.clock, h.restrictedRecords, h.counterAllegations);
  people = new PeopleService(h.ds, accessLog, records, h.clock, outbox, h.counterAllegations);
  cases = new CasesService(h.ds, records, h.counterAllegations);
});
afterAll(() => h.stop());

describe('naming an unknown suspect later', () => {
  it('DP-02: the person is named, encrypted, searchable by the new name; partners are asked to check them again; LAW-01 logged', async () => {
    const caseId = await refer({ givenName: 'Synthetic', familyName: 'Named-Victim' }, 'unknown');
    const suspect = await personWithRole(caseId, 'PERSON_OF_CONCERN');
    expect(await checkRequests(caseId)).toEqual([]);
    const named = await identify(
      {
        caseId,
        personId: suspect.id,
        givenName: 'Quillon',
        familyName: 'Canarywright',
        dateOfBirth: '1979-05-06',
        identifiers: [{ kind: 'PNC_ID', value: '2001/0012345A' }],
        otherNames: [{ kind: 'ALIAS', givenName: 'Quill' }],
      },
      suspect.version,
    );
    expect(named).toMatchObject({
      personId: suspect.id,
      identityKnown: true,
      givenName: 'Quillon',
      familyName: 'Canarywright',
      dateOfBirth: '1979-05-06',
      otherNames: [{ kind: 'ALIAS', givenName: 'Quill' }],
      partnerChecksRequested: true,
      version: suspect.version + 1,
    });
    const [row] = await h.ds.query(`SELECT row_to_json(p)::text AS j, identity_known FROM person p WHERE id = $1`, [suspect.id]);
    expect(row.identity_known).toBe(true);
    for (const plain of ['Quillon', 'Canarywright', '1979-05-06', '0012345']) expect(row.j).not.toContain(plain);
    const found = await records.candidates(h.ds.manager, { givenName: 'quillon', familyName: 'CANARYWRIGHT' }, { mode: 'search' });
    expect(found.map((f) => f.person.id)).toEqual([suspect.id]);
    expect((await records.candidates(h.ds.manager, { givenName: 'Quill', familyName: 'Canarywright' }, { mode: 'search' })).map((f) => f.person.id)).toContain(suspect.id);
    expect(await checkRequests(caseId)).toEqual([{ personId: suspect.id, role: 'PERSON_OF_CONCERN', requestedAt: h.clock.now().toISOString(), trigger: 'IDENTIFIED' }]);
    const [logged] = await h.ds.query(`SELECT operation, record_ids FROM access_log WHERE action = 'person.identify' AND $1 = ANY(record_ids)`, [suspect.id]);
    expect(logged).toEqual({ operation: 'alteration', record_ids: [caseId, suspect.id] });
    // Named once: a second naming is 409 (previous names are recorded through their own route).
    expect(await problemOf(identify({ caseId, personId: suspect.id, givenName: 'Other' }, named.version))).toMatchObject({ status: 409, code: 'identity-already-known' });
  });

  it('runs duplicate detection at that moment: candidates are returned and stored for a person to decide, never merged', async () => {
    const earlier = await refer({ givenName: 'Synthetic', familyName: 'First-Victim' }, { givenName: 'Jonathan', familyName: 'Dupleworth', dateOfBirth: '1985-03-02' });
    const earlierSuspect = await personWithRole(earlier, 'PERSON_OF_CONCERN');
    const caseId = await refer({ givenName: 'Synthetic', familyName: 'Second-Victim' }, 'unknown');
    const suspect = await personWithRole(caseId, 'PERSON_OF_CONCERN');
    const named = await identify({ caseId, personId: suspect.id, givenName: 'Jon', familyName: 'Dupleworth', dateOfBirth: '1985-03-02' }, suspect.version);
    expect(named.duplicateCandidates).toEqual([
      expect.objectContaining({ personId: suspect.id, otherPersonId: earlierSuspect.id, status: 'OPEN', otherCases: [{ caseId: earlier, roles: ['PERSON_OF_CONCERN'] }] }),
    ]);
    expect(named.duplicateCandidates[0].reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['GIVEN_NAME_VARIANT', 'DOB_EXACT']));
    const stored = await h.ds.query(`SELECT status FROM duplicate_candidate WHERE person_id = $1 AND candidate_id = $2`, [suspect.id, earlierSuspect.id]);
    expect(stored).toEqual([{ status: 'OPEN' }]);
    // Never merged: both records stay, each on its own case.
    expect(await h.ds.query(`SELECT count(*)::int AS n FROM person WHERE id = ANY($1)`, [[suspect.id, earlierSuspect.id]])).toEqual([{ n: 2 }]);
    const [combined] = await h.ds.query(`SELECT operation FROM access_log WHERE action = 'person.identify' AND operation = 'combination' AND $1 = ANY(record_ids)`, [earlierSuspect.id]);
    expect(combined).toEqual({ operation: 'combination' });
  });

  it('API-02: no name, a date of birth in the future, a bad previous name: 400 naming the field and nothing stored; 412 stale; 404 not on the case', async () => {
    const caseId = await refer({ givenName: 'Synthetic', familyName: 'Third-Victim' }, 'unknown');
    const suspect = await personWithRole(caseId, 'PERSON_OF_CONCERN');
    const fields = async (body: Partial<IdentifyPersonRequest>) =>
      ((await problemOf(identify({ caseId, personId: suspect.id, ...body }, suspect.version))) as unknown as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(await fields({ dateOfBirth: '1980-01-01' })).toEqual(['givenName']);
    expect(await fields({ givenName: '  -  ' })).toEqual(['givenName']);
    expect(await fields({ givenName: 'Future', dateOfBirth: '2099-01-01' })).toEqual(['dateOfBirth']);
    expect(await fields({ givenName: 'Ancient', dateOfBirth: '1850-01-01' })).toEqual(['dateOfBirth']);
    expect(await fields({ givenName: 'Later', otherNames: [{ kind: 'PREVIOUS_NAME', familyName: 'Before', usedFrom: '2099-01-01' }] })).toEqual(['otherNames.0.usedFrom']);
    expect(await problemOf(identify({ caseId, personId: suspect.id, givenName: 'Stale' }, suspect.version + 1))).toMatchObject({ status: 412 });
    expect(await problemOf(identify({ caseId: randomUUID(), personId: suspect.id, givenName: 'Elsewhere' }, suspect.version))).toMatchObject({ status: 404, code: 'person-not-found' });
    expect(await personWithRole(caseId, 'PERSON_OF_CONCERN')).toEqual(suspect);
    expect(await h.ds.query(`SELECT identity_known FROM person WHERE id = $1`, [suspect.id])).toEqual([{ identity_known: false }]);
  });

  it('keeps what was recorded while unknown; a protected third party named later is not sent for partner checks', async () => {
    const caseId = await refer({ givenName: 'Synthetic', familyName: 'Fourth-Victim' }, { givenName: 'Known', familyName: 'Suspect-Four' });
    const added = await people.add({ caseId, role: 'PROTECTED_THIRD_PARTY', person: { identityKnown: false, identifiers: [{ kind: 'NHS_NUMBER', value: '943 476 5919' }] } }, ctx());
    const named = await identify({ caseId, personId: added.personId, givenName: 'Thirdly', familyName: 'Party', identifiers: [{ kind: 'PNC_ID', value: '2002/0000001B' }] }, 1);
    expect(named.identifiers).toEqual([
      { kind: 'NHS_NUMBER', value: '943 476 5919' },
      { kind: 'PNC_ID', value: '2002/0000001B' },
    ]);
    expect(named.partnerChecksRequested).toBe(false);
    expect((await checkRequests(caseId)).filter((r) => r.personId === added.personId)).toEqual([]);
  });
});

describe('counter-allegations: the same two people with roles swapped on another case', () => {
  // Two people per test, unlike every other test's (names and dates of birth), so no test's records match another's.
  const PAIRS: [Who, Who][] = [
    [{ givenName: 'Ambrose', familyName: 'Mirrorfield', dateOfBirth: '1990-04-05' }, { givenName: 'Imogen', familyName: 'Reflectory', dateOfBirth: '1988-08-09' }],
    [{ givenName: 'Benedict', familyName: 'Mirrorton', dateOfBirth: '1971-02-11' }, { givenName: 'Juliet', familyName: 'Reflecton', dateOfBirth: '1969-10-23' }],
    [{ givenName: 'Cornelius', familyName: 'Mirrorvale', dateOfBirth: '1995-06-17' }, { givenName: 'Kerensa', familyName: 'Reflectvale', dateOfBirth: '1993-12-30' }],
    [{ givenName: 'Desmond', familyName: 'Linkmore', dateOfBirth: '1963-01-29' }, { givenName: 'Lavinia', familyName: 'Linkwell', dateOfBirth: '1966-07-14' }],
    [{ givenName: 'Evander', familyName: 'Hiddenford', dateOfBirth: '1982-09-03' }, { givenName: 'Marigold', familyName: 'Hiddenly', dateOfBirth: '1984-03-21' }],
  ];

  it('detected when the second case is referred, shown on both cases and to screeners, recorded as a link and never merged; LAW-01 combination logged', async () => {
    const [alex, sam] = PAIRS[0];
    const first = await refer(alex, sam);
    expect(await counterAllegationsOf(first)).toEqual([]);
    const second = await refer({ ...sam, familyName: 'Reflectery' }, alex);
    const [a, b] = await Promise.all([counterAllegationsOf(first), counterAllegationsOf(second)]);
    const victim2 = await personWithRole(second, 'VICTIM');
    const suspect2 = await personWithRole(second, 'PERSON_OF_CONCERN');
    expect(b).toEqual([
      expect.objectContaining({ otherCaseId: first, status: 'POSSIBLE', victimId: victim2.id, personOfConcernId: suspect2.id }),
    ]);
    expect(a).toEqual([expect.objectContaining({ otherCaseId: second, status: 'POSSIBLE', otherVictimId: victim2.id, otherPersonOfConcernId: suspect2.id })]);
    // Never merged: four records, the duplicate candidates still open for a person to decide.
    const candidates = await h.ds.query(`SELECT status FROM duplicate_candidate WHERE person_id = ANY($1)`, [[victim2.id, suspect2.id]]);
    expect(candidates).toEqual([{ status: 'OPEN' }, { status: 'OPEN' }]);
    const [logged] = await h.ds.query(`SELECT operation FROM access_log WHERE action = 'person.counter-allegation.detect' AND $1 = ANY(record_ids) AND $2 = ANY(record_ids)`, [first, second]);
    expect(logged).toEqual({ operation: 'combination' });
    // The screeners' worklist shows it on the case.
    const list = await h.worklists.screening({ principal: lead, purpose: 'investigation', decision: { allow: true, rule: 'worklist.read', status: 200 }, fieldGroups: [] }, randomUUID(), { limit: 200 });
    expect(list.untriaged.find((i) => i.caseId === second)?.counterAllegations).toEqual([expect.objectContaining({ otherCaseId: first })]);
    // Repeating the detection records nothing twice.
    expect(await h.ds.transaction((m) => h.counterAllegations.detect(m, second, h.clock.now(), { ...ctx(), decision: { allow: true, rule: 'test', status: 200 } }))).toEqual([]);
  });

  it('CONFIRMED once both duplicates are confirmed; gone when one is rejected or a role changes', async () => {
    const [alex, sam] = PAIRS[1];
    const first = await refer(alex, sam);
    const second = await refer(sam, alex);
    const victim2 = await personWithRole(second, 'VICTIM');
    const suspect2 = await personWithRole(second, 'PERSON_OF_CONCERN');
    const candidateOf = async (personId: string) => (await h.ds.query(`SELECT id, version FROM duplicate_candidate WHERE person_id = $1`, [personId]))[0] as { id: string; version: number };
    const cv = await candidateOf(victim2.id);
    const cs = await candidateOf(suspect2.id);
    await people.decideDuplicate({ caseId: second, candidateId: cv.id, decision: 'CONFIRMED', version: cv.version }, ctx());
    expect((await counterAllegationsOf(second))[0].status).toBe('POSSIBLE');
    await people.decideDuplicate({ caseId: second, candidateId: cs.id, decision: 'CONFIRMED', version: cs.version }, ctx());
    expect((await counterAllegationsOf(second))[0].status).toBe('CONFIRMED');
    expect((await counterAllegationsOf(first))[0].status).toBe('CONFIRMED');
    // The person of concern on the second case turns out to be a witness: no counter-allegation any more.
    const roles = await people.changeRole({ caseId: second, personId: suspect2.id, role: 'PROTECTED_THIRD_PARTY', version: suspect2.version }, ctx());
    expect(roles.roles.at(-1)).toMatchObject({ role: 'PROTECTED_THIRD_PARTY' });
    expect(await counterAllegationsOf(second)).toEqual([]);
    expect(await counterAllegationsOf(first)).toEqual([]);

    const [cory, kerensa] = PAIRS[2];
    const third = await refer(cory, kerensa);
    const fourth = await refer(kerensa, cory);
    expect(await counterAllegationsOf(fourth)).toHaveLength(1);
    const rejected = await candidateOf((await personWithRole(fourth, 'VICTIM')).id);
    await people.decideDuplicate({ caseId: fourth, candidateId: rejected.id, decision: 'REJECTED', version: rejected.version }, ctx());
    expect(await counterAllegationsOf(fourth)).toEqual([]);
    expect(await counterAllegationsOf(third)).toEqual([]);
  });

  it('detected when a person is linked to a case by id (the same record): CONFIRMED at once; same roles on another case is no counter-allegation', async () => {
    const first = await refer(...PAIRS[3]);
    const victim1 = await personWithRole(first, 'VICTIM');
    const suspect1 = await personWithRole(first, 'PERSON_OF_CONCERN');
    // Repeat victimisation: the same victim and suspect in the same roles on another case.
    const repeat = await refer({ givenName: 'Synthetic', familyName: 'Placeholder' }, 'unknown');
    await people.add({ caseId: repeat, role: 'VICTIM', personId: victim1.id }, ctx());
    await people.add({ caseId: repeat, role: 'PERSON_OF_CONCERN', personId: suspect1.id }, ctx());
    expect(await counterAllegationsOf(repeat)).toEqual([]);
    // The counter-allegation: the suspect reports the victim.
    const counter = await refer({ givenName: 'Synthetic', familyName: 'Other-Placeholder' }, 'unknown');
    await people.add({ caseId: counter, role: 'VICTIM', personId: suspect1.id }, ctx());
    expect(await counterAllegationsOf(counter)).toEqual([]);
    await people.add({ caseId: counter, role: 'PERSON_OF_CONCERN', personId: victim1.id }, ctx());
    // With the original case and with the repeat (the same two records stand there in the first roles).
    const links = await counterAllegationsOf(counter);
    expect(links.map((l) => [l.otherCaseId, l.status, l.victimId, l.personOfConcernId]).sort()).toEqual(
      [
        [first, 'CONFIRMED', suspect1.id, victim1.id],
        [repeat, 'CONFIRMED', suspect1.id, victim1.id],
      ].sort(),
    );
  });

  it('AC-09: a counter-allegation with a case the viewer may not see is not shown to them', async () => {
    const [evander, marigold] = PAIRS[4];
    const first = await refer(evander, marigold);
    const second = await refer(marigold, evander);
    const screener: Principal = { issuer: 'urn:test', subject: 'screener-x', agency: 'police', roles: ['stac-screener'] };
    expect(await counterAllegationsOf(second, screener)).toHaveLength(1);
    await h.relationships.exclude(h.ds, first, screener, 'test');
    expect(await counterAllegationsOf(second, screener)).toEqual([]);
    expect(await counterAllegationsOf(second, lead)).toHaveLength(1);
  });
});

describe("intake's part of the case view", () => {
  it('AC-03/DP-02: the case, its current people, incidents and partner answers in one read; names for the owning team only', async () => {
    const caseId = await refer({ givenName: 'Synthetic', familyName: 'Partview-Victim' }, { givenName: 'Synthetic', familyName: 'Partview-Suspect' });
    const suspect = await personWithRole(caseId, 'PERSON_OF_CONCERN');
    const answered = [
      { agency: 'probation', answer: 'NO', route: false, at: '2026-11-30T10:00:00.123456Z' },
      { agency: 'mental-health', answer: 'YES', route: true, at: '2026-11-30T11:00:00Z' },
    ];
    for (const a of answered) {
      await h.ds.query(
        `INSERT INTO partner_check_answer (check_id, case_id, agency, person_id, answer, contact_route_available, answered_at, source_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [randomUUID(), caseId, a.agency, suspect.id, a.answer, a.route, a.at, randomUUID()],
      );
    }
    const statements: string[] = [];
    const query = h.ds.query.bind(h.ds);
    const spy = jest.spyOn(h.ds, 'query').mockImplementation((sql, params) => (statements.push(sql), query(sql, params)));
    const owning = (await cases.casePart(caseId, { withNames: true }))!;
    spy.mockRestore();
    expect(statements).toHaveLength(1);
    expect(owning.people.map((p) => [p.role, p.displayName, p.identityKnown]).sort()).toEqual([
      ['PERSON_OF_CONCERN', 'Synthetic Partview-Suspect', true],
      ['VICTIM', 'Synthetic Partview-Victim', true],
    ]);
    expect(owning.incidents).toEqual([{ incidentId: expect.any(String), occurredAt: '2026-11-30T08:00:00.000Z', behaviours: ['FOLLOWING'] }]);
    // Newest first, each with its summary; the time to the millisecond as stored.
    expect(owning.partnerChecks!.map((c) => [c.agency, c.answeredAt, c.summary])).toEqual([
      ['mental-health', '2026-11-30T11:00:00.000Z', 'known to mental-health services: YES, contact route available'],
      ['probation', '2026-11-30T10:00:00.123Z', expect.stringMatching(/^known to .*: NO$/)],
    ]);
    const shared = (await cases.casePart(caseId, { withNames: false }))!;
    expect(shared.people.every((p) => !('displayName' in p))).toBe(true);
    expect(JSON.stringify(shared)).not.toContain('Partview');
    expect(await cases.casePart(randomUUID(), { withNames: true })).toBeNull();
  });

  it('LAW-02: through the case-part reader the read writes its access-log row naming the people; with a counter-allegation the row is written after, naming the other case too', async () => {
    const owner: Authorized = { principal: lead, decision: { allow: true, rule: 'case.read', via: 'OWNING_TEAM', status: 200 }, purpose: 'investigation', fieldGroups: [] };
    const controller = new CasesController(cases, new CasePartReader({ authorize: async () => owner } as unknown as AccessControl, accessLog, h.ds));
    const view = async (caseId: string) => {
      const correlationId = `corr-${randomUUID()}`;
      const statements: string[] = [];
      const query = h.ds.query.bind(h.ds);
      const spy = jest.spyOn(h.ds, 'query').mockImplementation((sql, params) => (statements.push(sql), query(sql, params)));
      const part = (await controller.casePart({ correlationId, token: 't', purpose: 'investigation', body: { caseId } }))!;
      spy.mockRestore();
      const [row] = await h.ds.query(`SELECT record_ids FROM access_log WHERE correlation_id = $1`, [correlationId]);
      return { part, ids: row?.record_ids as string[] | undefined, statements: statements.length };
    };
    const plain = await refer({ givenName: 'Synthetic', familyName: 'Logged-Victim' }, { givenName: 'Synthetic', familyName: 'Logged-Suspect' });
    const once = await view(plain);
    expect(once.statements).toBe(1);
    expect(once.ids).toEqual([plain, ...once.part.people.map((p) => p.personId)]);
    expect(once.part.counterAllegations).toEqual([]);

    const first = await refer({ givenName: 'Synthetic', familyName: 'Crossed-One', dateOfBirth: '1981-03-04' }, { givenName: 'Synthetic', familyName: 'Crossed-Two', dateOfBirth: '1983-05-06' });
    const second = await refer({ givenName: 'Synthetic', familyName: 'Crossed-Two', dateOfBirth: '1983-05-06' }, { givenName: 'Synthetic', familyName: 'Crossed-One', dateOfBirth: '1981-03-04' });
    const crossed = await view(second);
    expect(crossed.part.counterAllegations!.map((l) => l.otherCaseId)).toEqual([first]);
    expect(crossed.ids).toEqual([second, ...crossed.part.people.map((p) => p.personId), first]);
  });
});
