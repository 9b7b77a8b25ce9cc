import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessLog, CaseRelationships, decide, OWNING_FIELD_GROUPS, type AccessControl, type Principal } from '@stac/auth';
import {
  AddPerson,
  AddPersonOtherName,
  ChangePersonRoleOnCase,
  DecideDuplicateCandidate,
  GetPerson,
  ListDuplicateCandidates,
  ReadTimeline,
  RecordCaseIncident,
  SearchPeople,
  type Operation,
  type RpcRequest,
} from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { KeyRing, runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock, IdempotencyRecords, OperationKernel, type RequestContext } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { IncidentsService } from '../incidents/incidents.service';
import { INTAKE } from '../intake.module';
import { PeopleService } from './people.service';
import { PersonRecords } from './person-records';
import { PersonalDataCipher } from './personal-data-cipher';
import { CounterAllegations } from './counter-allegations';

jest.setTimeout(60_000);

/**
 * The people register and the course of conduct against a real Postgres with intake's own migrations:
 * encryption at rest, keyed-hash search, duplicate detection, per-case visibility, role history, timeline.
 */
const ring = KeyRing.generate(['k1']);
const searchKey = randomBytes(32);
const cipher = new PersonalDataCipher(ring, searchKey);
const clock = new FixedClock(new Date('2026-11-27T12:00:00Z'));
const screener: Principal = { issuer: 'urn:test', subject: 'screener-1', agency: 'police', roles: ['stac-screener'] };

let db: TestDatabase;
let ds: DataSource;
let records: PersonRecords;
let people: PeopleService;
let incidents: IncidentsService;
const relationships = new CaseRelationships();
const accessLog = new AccessLog();

/** The real decision over relationships in the database; the token is not what is under test here. */
const access = {
  async authorize(_req: RpcRequest<unknown>, o: { action: string; caseId?: string; fieldGroups?: readonly string[] }) {
    const resource = o.caseId ? await relationships.forPrincipal(ds, o.caseId, screener) : null;
    const decision = decide(screener, o.action, resource, (o.fieldGroups ?? []) as never, 'investigation');
    if (!decision.allow) throw Object.assign(new Error(`denied ${decision.status}`), { status: decision.status });
    return { principal: screener, decision, purpose: 'investigation' as const, fieldGroups: o.fieldGroups ?? [] };
  },
} as unknown as AccessControl;

const req = (body: unknown): RpcRequest<unknown> => ({ correlationId: randomUUID(), body });
let kernel: OperationKernel;
/** Through the service kernel, as a request/reply message would go. */
async function via<Req extends object, Rep>(op: Operation<Req, Rep>, body: unknown, run: (r: Req, ctx: RequestContext) => Promise<Rep>): Promise<Rep> {
  const admitted = await kernel.admit(op, req(body));
  return run(admitted.request, admitted.ctx);
}
const recordIncident = (body: unknown) => via(RecordCaseIncident, body, (r, c) => incidents.record(r, c));
const timeline = (body: unknown) => via(ReadTimeline, body, (r, c) => incidents.timeline(r, c));
const peopleVia = {
  search: (body: unknown) => via(SearchPeople, body, (r, c) => people.search(r, c)),
  add: (body: unknown) => via(AddPerson, body, (r, c) => people.add(r, c)),
  get: (body: unknown) => via(GetPerson, body, (r, c) => people.get(r, c)),
  changeRole: (body: unknown) => via(ChangePersonRoleOnCase, body, (r, c) => people.changeRole(r, c)),
  listDuplicates: (body: unknown) => via(ListDuplicateCandidates, body, (r, c) => people.listDuplicates(r, c)),
  decideDuplicate: (body: unknown) => via(DecideDuplicateCandidate, body, (r, c) => people.decideDuplicate(r, c)),
};

async function newCase(opts: { visible: boolean }): Promise<string> {
  const id = randomUUID();
  await ds.query(
    `INSERT INTO stalking_case (id, crime_reference, source, offence_class, flags, bcu, status, referred_at, version)
     VALUES ($1, $2, 'CRIME_REPORT', 'S4A_FEAR', '{}', 'CE', 'REFERRED', now(), 1)`,
    [id, `CR-INT-${id.slice(0, 8)}`],
  );
  await relationships.grant(ds, { caseId: id, kind: 'OWNING_TEAM', agency: 'police', fieldGroups: OWNING_FIELD_GROUPS.police, createdBy: 'test' });
  // AC-07: an exclusion hides the case from the screener whatever the grants.
  if (!opts.visible) await relationships.exclude(ds, id, screener, 'test');
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase('people');
  // The data migrations seal and index with the same keys as the test's cipher.
  process.env.INTAKE_DATA_KEYS = ring.toConfigValue();
  process.env.INTAKE_SEARCH_KEY = searchKey.toString('base64');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: allMigrations(INTAKE), applicationName: 'int' }));
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: INTAKE.entities, migrations: [], applicationName: 'int' }));
  await ds.initialize();
  records = new PersonRecords(cipher);
  people = new PeopleService(ds, accessLog, records, clock, new Outbox('intake'), new CounterAllegations(accessLog));
  incidents = new IncidentsService(ds, new Outbox('intake'), clock);
  kernel = new OperationKernel(access, accessLog, ds, clock, new IdempotencyRecords(INTAKE.idempotencyTable));
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('people register (Postgres)', () => {
  let caseA: string;
  let hiddenCase: string;
  let first: string;

  beforeAll(async () => {
    caseA = await newCase({ visible: true });
    hiddenCase = await newCase({ visible: false });
  });

  it('DP-02: personal fields are stored encrypted; the row holds no plaintext name, date of birth, phone or postcode', async () => {
    const added = await peopleVia.add(
      ({
        caseId: caseA,
        role: 'VICTIM',
        person: {
          givenName: 'Zoë',
          familyName: 'Canaryfield-Jones',
          dateOfBirth: '1988-03-14',
          identityKnown: true,
          contact: { phone: '+44 7700 900123' },
          location: { postcode: 'SW1A 1AA' },
        },
      }),
    );
    first = added.personId;
    expect(added.created).toBe(true);
    const [row] = await ds.query(`SELECT row_to_json(p)::text AS j FROM person p WHERE id = $1`, [first]);
    for (const plain of ['Canaryfield', 'canaryfield', '1988-03-14', '7700', 'SW1A']) expect(row.j).not.toContain(plain);
    const keys = await ds.query(`SELECT encode(key, 'escape') AS k FROM person_match_key WHERE person_id = $1`, [first]);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.map((k: { k: string }) => k.k).join('')).not.toMatch(/canaryfield/i);
  });

  it('a person added twice with name variants is proposed as a LIKELY duplicate with its reasons, never merged', async () => {
    const again = await peopleVia.add(
      ({ caseId: caseA, role: 'VICTIM', person: { givenName: 'canaryfield jones', familyName: 'ZOE', dateOfBirth: '1988-03-14', identityKnown: true } }),
    );
    expect(again.created).toBe(true);
    expect(again.personId).not.toBe(first);
    expect(again.duplicateCandidates).toHaveLength(1);
    const [c] = again.duplicateCandidates;
    expect(c).toMatchObject({ otherPersonId: first, grade: 'LIKELY', status: 'OPEN' });
    expect(c.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['NAMES_TRANSPOSED', 'NAME_SPELLING_NORMALISED', 'DOB_EXACT']));
    expect(await ds.query('SELECT count(*)::int AS n FROM person WHERE id IN ($1, $2)', [first, again.personId])).toEqual([{ n: 2 }]);
  });

  it('search before create copes with accents, NFD, hyphens, case, transposition and a typo; % and _ are data (API-05)', async () => {
    for (const q of [
      { givenName: 'Zoe', familyName: 'Canaryfield Jones' },
      { givenName: 'Zoë'.normalize('NFD'), familyName: 'CANARYFIELD-JONES' },
      { givenName: 'Canaryfield-Jones', familyName: 'Zoe' },
      { givenName: 'Zoe', familyName: 'Canaryfeld-Jones' },
      { familyName: 'canaryfield-jones' },
    ]) {
      const r = await peopleVia.search((q));
      expect(r.matches.map((m) => m.personId)).toContain(first);
    }
    expect((await peopleVia.search(({ familyName: '%' }))).matches).toEqual([]);
    expect((await peopleVia.search(({ givenName: '_', familyName: '%Canary%' }))).matches).toEqual([]);
  });

  it('AC-09: search never returns a person only on a case the caller may not see; linking across visible cases works', async () => {
    const hidden = await records.create(ds.manager, { givenName: 'Hidden', familyName: 'Personofconcern', dateOfBirth: '1970-01-01', identityKnown: true });
    await ds.query(`INSERT INTO case_participant (case_id, person_id, role, valid_from) VALUES ($1, $2, 'PERSON_OF_CONCERN', now())`, [hiddenCase, hidden.id]);
    expect((await peopleVia.search(({ givenName: 'Hidden', familyName: 'Personofconcern' }))).matches).toEqual([]);
    // Linking someone from an invisible case by guessing the id is 404, like a person that does not exist.
    await expect(peopleVia.add(({ caseId: caseA, role: 'PERSON_OF_CONCERN', personId: hidden.id }))).rejects.toMatchObject({
      problem: { status: 404, code: 'person-not-found' },
    });
    // The same person of concern on two visible cases of different victims: one record, both cases listed.
    const caseB = await newCase({ visible: true });
    const poc = await peopleVia.add(({ caseId: caseA, role: 'PERSON_OF_CONCERN', person: { givenName: 'Repeat', familyName: 'Offender', identityKnown: true } }));
    await peopleVia.add(({ caseId: caseB, role: 'PERSON_OF_CONCERN', personId: poc.personId }));
    const view = await peopleVia.get(({ caseId: caseA, personId: poc.personId }));
    expect(view.linkedCases).toEqual([expect.objectContaining({ caseId: caseB, via: 'SAME_RECORD', roles: ['PERSON_OF_CONCERN'] })]);
    const found = await peopleVia.search(({ givenName: 'Repeat', familyName: 'Offender' }));
    expect(found.matches[0].cases.map((c) => c.caseId).sort()).toEqual([caseA, caseB].sort());
    // Only the visible case is listed when the person is also on a hidden one.
    await ds.query(`INSERT INTO case_participant (case_id, person_id, role, valid_from) VALUES ($1, $2, 'PERSON_OF_CONCERN', now())`, [hiddenCase, poc.personId]);
    const again = await peopleVia.search(({ givenName: 'Repeat', familyName: 'Offender' }));
    expect(again.matches[0].cases.map((c) => c.caseId)).not.toContain(hiddenCase);
  });

  it('duplicates are confirmed or rejected by a person; a confirmed duplicate links the cases; stale versions are 412', async () => {
    const caseC = await newCase({ visible: true });
    const other = await peopleVia.add(({ caseId: caseC, role: 'VICTIM', person: { givenName: 'Zoe', familyName: 'Canaryfield-Jomes', dateOfBirth: '1988-03-14', identityKnown: true } }));
    const list = await peopleVia.listDuplicates(({ caseId: caseC }));
    expect(list.candidates.length).toBeGreaterThanOrEqual(1);
    const toFirst = list.candidates.find((c) => c.otherPersonId === first)!;
    expect(toFirst.grade).toBe('LIKELY');
    expect(toFirst.reasons.map((r) => r.code)).toContain('FAMILY_NAME_ONE_EDIT');
    await expect(peopleVia.decideDuplicate(({ caseId: caseC, candidateId: toFirst.candidateId, decision: 'CONFIRMED', version: 99 }))).rejects.toMatchObject({
      problem: { status: 412 },
    });
    const decided = await peopleVia.decideDuplicate(({ caseId: caseC, candidateId: toFirst.candidateId, decision: 'CONFIRMED', version: toFirst.version }));
    expect(decided.status).toBe('CONFIRMED');
    await expect(peopleVia.decideDuplicate(({ caseId: caseC, candidateId: toFirst.candidateId, decision: 'REJECTED', version: decided.version }))).rejects.toMatchObject({
      problem: { status: 409, code: 'already-decided' },
    });
    const view = await peopleVia.get(({ caseId: caseC, personId: other.personId }));
    expect(view.linkedCases).toEqual(expect.arrayContaining([expect.objectContaining({ caseId: caseA, via: 'CONFIRMED_DUPLICATE', personId: first })]));
    // A candidate whose other record sits only on a hidden case is not shown.
    const hiddenTwin = await records.create(ds.manager, { givenName: 'Twin', familyName: 'Hiddencase', dateOfBirth: '1980-05-05', identityKnown: true });
    await ds.query(`INSERT INTO case_participant (case_id, person_id, role, valid_from) VALUES ($1, $2, 'VICTIM', now())`, [hiddenCase, hiddenTwin.id]);
    const visibleTwin = await peopleVia.add(({ caseId: caseC, role: 'VICTIM', person: { givenName: 'Twin', familyName: 'Hiddencase', dateOfBirth: '1980-05-05', identityKnown: true } }));
    expect(visibleTwin.duplicateCandidates).toEqual([]);
    expect(await ds.query('SELECT grade FROM duplicate_candidate WHERE person_id = $1', [visibleTwin.personId])).toEqual([{ grade: 'LIKELY' }]);
  });

  it('search finds a person by a diminutive of the given name and by a recorded previous name; previous names are encrypted and shown', async () => {
    const caseE = await newCase({ visible: true });
    const added = await peopleVia.add(
      ({
        caseId: caseE,
        role: 'VICTIM',
        person: {
          givenName: 'Katherine',
          familyName: 'Quillborough',
          dateOfBirth: '1983-07-09',
          identityKnown: true,
          otherNames: [
            { kind: 'MAIDEN_NAME', familyName: 'Thistlewaite', usedTo: '2012-05-26' },
            { kind: 'ALIAS', givenName: 'Kit', familyName: 'Marlowe-Finch' },
          ],
        },
      }),
    );
    const [row] = await ds.query(`SELECT row_to_json(p)::text AS j, other_names_enc IS NOT NULL AS sealed FROM person p WHERE id = $1`, [added.personId]);
    expect(row.sealed).toBe(true);
    for (const plain of ['Thistlewaite', 'thistlewaite', 'Marlowe', 'MAIDEN_NAME']) expect(row.j).not.toContain(plain);

    const find = async (q: object) => (await peopleVia.search((q))).matches.find((m) => m.personId === added.personId);
    const byNickname = await find({ givenName: 'Kate', familyName: 'Quillborough' });
    expect(byNickname?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['GIVEN_NAME_VARIANT', 'FAMILY_NAME_EXACT']));
    expect(byNickname?.grade).toBe('POSSIBLE');
    const byMaidenName = await find({ givenName: 'Katherine', familyName: 'Thistlewaite' });
    expect(byMaidenName?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'FAMILY_NAME_EXACT']));
    // Current name in the answer, not the searched one.
    expect(byMaidenName).toMatchObject({ givenName: 'Katherine', familyName: 'Quillborough' });
    expect(await find({ givenName: 'Katie', familyName: 'Thistlewaite', dateOfBirth: '1983-07-09' })).toBeDefined();
    expect(await find({ givenName: 'Kit', familyName: 'Marlowe Finch' })).toBeDefined();
    expect(await find({ familyName: 'thistlewaite' })).toBeDefined();
    // Another given name with the maiden name is someone else.
    expect(await find({ givenName: 'Priya', familyName: 'Thistlewaite' })).toBeUndefined();

    const view = await peopleVia.get(({ caseId: caseE, personId: added.personId }));
    expect(view.otherNames).toEqual([
      { kind: 'MAIDEN_NAME', familyName: 'Thistlewaite', usedTo: '2012-05-26' },
      { kind: 'ALIAS', givenName: 'Kit', familyName: 'Marlowe-Finch' },
    ]);

    // A later record under the maiden name is proposed as the same person, with the reason.
    const later = await peopleVia.add(
      ({ caseId: caseE, role: 'PROTECTED_THIRD_PARTY', person: { givenName: 'Kate', familyName: 'Thistlewaite', dateOfBirth: '1983-07-09', identityKnown: true } }),
    );
    const proposal = later.duplicateCandidates.find((c) => c.otherPersonId === added.personId);
    expect(proposal?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'GIVEN_NAME_VARIANT']));
  });

  it('a changed family name (same given name and date of birth) is proposed as POSSIBLE, never merged', async () => {
    const caseF = await newCase({ visible: true });
    const before = await peopleVia.add(({ caseId: caseF, role: 'VICTIM', person: { givenName: 'Jennifer', familyName: 'Harrowgate', dateOfBirth: '1991-02-17', identityKnown: true } }));
    const after = await peopleVia.add(({ caseId: caseF, role: 'VICTIM', person: { givenName: 'Jenny', familyName: 'Okonkwo-Bray', dateOfBirth: '1991-02-17', identityKnown: true } }));
    const c = after.duplicateCandidates.find((x) => x.otherPersonId === before.personId);
    expect(c).toMatchObject({ grade: 'POSSIBLE', status: 'OPEN' });
    expect(c!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['GIVEN_NAME_VARIANT', 'FAMILY_NAME_DIFFERENT', 'DOB_EXACT']));
  });

  it('a name in another script and its Latin transliteration find each other', async () => {
    const caseG = await newCase({ visible: true });
    const arabic = await peopleVia.add(({ caseId: caseG, role: 'VICTIM', person: { givenName: 'يوسف', familyName: 'القرشي', dateOfBirth: '1979-12-03', identityKnown: true } }));
    const han = await peopleVia.add(({ caseId: caseG, role: 'VICTIM', person: { givenName: 'Xiuying', familyName: 'Gong', dateOfBirth: '1986-04-21', identityKnown: true } }));
    const ids = async (q: object) => (await peopleVia.search((q))).matches.map((m) => m.personId);
    expect(await ids({ givenName: 'Yusuf', familyName: 'Al-Qurashi' })).toContain(arabic.personId);
    expect(await ids({ givenName: '秀英', familyName: '龚' })).toContain(han.personId);
    // API-02: a zero-width space pasted into a searched name is refused, naming the field, like in a stored one.
    await expect(peopleVia.search({ givenName: 'Xiu\u200bying', familyName: 'Gong' })).rejects.toMatchObject({
      problem: { status: 400, errors: [expect.objectContaining({ field: 'givenName' })] },
    });
  });

  it('rejects an other name without a name or with its dates the wrong way round, storing nothing', async () => {
    const caseH = await newCase({ visible: true });
    const count = async () => (await ds.query(`SELECT count(*)::int AS n FROM case_participant WHERE case_id = $1`, [caseH]))[0].n;
    const person = { givenName: 'Valid', familyName: 'Person', identityKnown: true };
    await expect(peopleVia.add(({ caseId: caseH, role: 'VICTIM', person: { ...person, otherNames: [{ kind: 'ALIAS' }] } }))).rejects.toMatchObject({
      problem: { status: 400 },
    });
    await expect(
      peopleVia.add(({ caseId: caseH, role: 'VICTIM', person: { ...person, otherNames: [{ kind: 'NICKNAME', givenName: 'Val' }] } })),
    ).rejects.toMatchObject({ problem: { status: 400 } });
    await expect(
      peopleVia.add(({ caseId: caseH, role: 'VICTIM', person: { ...person, otherNames: [{ kind: 'DEED_POLL', familyName: 'Old', usedFrom: '2010-01-01', usedTo: '2009-01-01' }] } })),
    ).rejects.toMatchObject({ problem: { status: 400, code: 'validation-failed', errors: [{ field: 'person.otherNames.0.usedTo', message: 'usedTo must be on or after usedFrom' }] } });
    // Dates are not in the future (the clock says 2026-11-27) nor before the date of birth.
    await expect(
      peopleVia.add({
        caseId: caseH,
        role: 'VICTIM',
        person: { ...person, dateOfBirth: '1990-01-01', otherNames: [{ kind: 'ALIAS', givenName: 'Val', usedFrom: '2026-11-28' }, { kind: 'MAIDEN_NAME', familyName: 'Old', usedFrom: '1989-12-31' }] },
      }),
    ).rejects.toMatchObject({
      problem: {
        status: 400,
        errors: [
          { field: 'person.otherNames.0.usedFrom', message: 'usedFrom cannot be in the future' },
          { field: 'person.otherNames.1.usedFrom', message: 'usedFrom cannot be before the date of birth' },
        ],
      },
    });
    expect(await count()).toBe(0);
  });

  it('a previous name added later to a person on the register is encrypted, found by search and matched at once (If-Match, 409 on a repeat)', async () => {
    const caseJ = await newCase({ visible: true });
    const earlier = await peopleVia.add({ caseId: caseJ, role: 'VICTIM', person: { givenName: 'Rosalind', familyName: 'Penhaligon', dateOfBirth: '1987-03-14', identityKnown: true } });
    const later = await peopleVia.add({ caseId: caseJ, role: 'PROTECTED_THIRD_PARTY', person: { givenName: 'Rosalind', familyName: 'Vantongeren', dateOfBirth: '1987-03-14', identityKnown: true } });
    const added = (body: object) => via(AddPersonOtherName, body, (r, c) => people.addOtherName(r, c));
    const ids = async (q: object) => (await peopleVia.search(q)).matches.map((m) => m.personId);
    // Before: the later record's previous name is unknown, so a search by it finds only the earlier record.
    expect(await ids({ givenName: 'Rosalind', familyName: 'Penhaligon' })).not.toContain(later.personId);

    const version = (await peopleVia.get({ caseId: caseJ, personId: later.personId })).version;
    await expect(added({ caseId: caseJ, personId: later.personId, version: version + 1, kind: 'MAIDEN_NAME', familyName: 'Penhaligon' })).rejects.toMatchObject({
      problem: { status: 412 },
    });
    await expect(added({ caseId: caseJ, personId: later.personId, version, kind: 'MAIDEN_NAME', familyName: 'Penhaligon', usedTo: '2030-01-01' })).rejects.toMatchObject({
      problem: { status: 400, errors: [{ field: 'usedTo', message: 'usedTo cannot be in the future' }] },
    });
    await expect(added({ caseId: caseJ, personId: later.personId, version, kind: 'NICKNAME', givenName: 'Ros' })).rejects.toMatchObject({ problem: { status: 400 } });
    await expect(added({ caseId: caseJ, personId: randomUUID(), version, kind: 'ALIAS', givenName: 'Ros' })).rejects.toMatchObject({ problem: { status: 404 } });

    const answer = await added({ caseId: caseJ, personId: later.personId, version, kind: 'MAIDEN_NAME', familyName: 'Penhaligon', usedFrom: '1987-03-14', usedTo: '2014-09-06' });
    expect(answer).toMatchObject({ personId: later.personId, caseId: caseJ, version: version + 1, otherNames: [{ kind: 'MAIDEN_NAME', familyName: 'Penhaligon', usedFrom: '1987-03-14', usedTo: '2014-09-06' }] });
    // The pair was already proposed as a changed family name when the later record was added: not proposed twice.
    const pair = (await peopleVia.listDuplicates({ caseId: caseJ })).candidates.filter((c) => [c.personId, c.otherPersonId].sort().join() === [earlier.personId, later.personId].sort().join());
    expect(pair).toHaveLength(1);

    const [row] = await ds.query(`SELECT row_to_json(p)::text AS j FROM person p WHERE id = $1`, [later.personId]);
    for (const plain of ['Penhaligon', 'penhaligon', 'MAIDEN_NAME', '2014-09-06']) expect(row.j).not.toContain(plain);
    expect(await ids({ givenName: 'Rosalind', familyName: 'Penhaligon' })).toEqual(expect.arrayContaining([earlier.personId, later.personId]));
    const byMaiden = (await peopleVia.search({ givenName: 'Ros', familyName: 'penhaligon' })).matches.find((m) => m.personId === later.personId);
    expect(byMaiden?.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'FAMILY_NAME_EXACT']));
    expect((await peopleVia.get({ caseId: caseJ, personId: later.personId })).otherNames).toEqual(answer.otherNames);

    // The same name again (any spelling form), or the current name, is a conflict with the record.
    for (const again of [{ familyName: 'PENHALIGON' }, { givenName: 'Rosalind', familyName: 'Vantongeren' }]) {
      await expect(added({ caseId: caseJ, personId: later.personId, version: answer.version, kind: 'ALIAS', ...again })).rejects.toMatchObject({
        problem: { status: 409, code: 'other-name-recorded' },
      });
    }

    // An alias added now is matched at once against the register (a record without a date of birth
    // under that name is proposed), and a person registered afterwards under it is proposed through it.
    const third = await peopleVia.add({ caseId: caseJ, role: 'PROTECTED_THIRD_PARTY', person: { givenName: 'Calloway', familyName: 'Ingledew', identityKnown: true } });
    const version2 = (await peopleVia.get({ caseId: caseJ, personId: earlier.personId })).version;
    const viaAlias = await added({ caseId: caseJ, personId: earlier.personId, version: version2, kind: 'ALIAS', givenName: 'Calloway', familyName: 'Ingledew' });
    const proposed = viaAlias.duplicateCandidates.find((c) => c.otherPersonId === third.personId);
    expect(proposed).toMatchObject({ personId: earlier.personId, grade: 'POSSIBLE', status: 'OPEN' });
    expect(proposed!.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'GIVEN_NAME_EXACT', 'FAMILY_NAME_EXACT', 'DOB_MISSING']));
    const fourth = await peopleVia.add({ caseId: caseJ, role: 'PROTECTED_THIRD_PARTY', person: { givenName: 'Callaway', familyName: 'Ingledew', dateOfBirth: '1987-03-14', identityKnown: true } });
    expect(fourth.duplicateCandidates.find((c) => c.otherPersonId === earlier.personId)?.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(['OTHER_NAME_MATCH', 'GIVEN_NAME_ONE_EDIT', 'FAMILY_NAME_EXACT', 'DOB_EXACT']),
    );
    const audit = await ds.query(`SELECT operation FROM access_log WHERE action = 'person.other-name.add' AND $1 = ANY(record_ids)`, [later.personId]);
    expect(audit).toEqual([{ operation: 'alteration' }]);
  });

  it('roles change over time: ending one and starting another keeps the history', async () => {
    const caseD = await newCase({ visible: true });
    const p = await peopleVia.add(({ caseId: caseD, role: 'PROTECTED_THIRD_PARTY', person: { identityKnown: false } }));
    const v1 = await peopleVia.get(({ caseId: caseD, personId: p.personId }));
    expect(v1).toMatchObject({ identityKnown: false, givenName: null, roles: [{ role: 'PROTECTED_THIRD_PARTY', validTo: null }] });
    clock.advance(60_000);
    const changed = await peopleVia.changeRole(({ caseId: caseD, personId: p.personId, role: 'VICTIM', version: v1.version }));
    expect(changed.roles.map((r) => [r.role, r.validTo === null])).toEqual([
      ['PROTECTED_THIRD_PARTY', false],
      ['VICTIM', true],
    ]);
    // The answer carries the new version (the ETag of the next change).
    expect(changed.version).toBe(v1.version + 1);
    expect((await peopleVia.get({ caseId: caseD, personId: p.personId })).version).toBe(changed.version);
    await expect(peopleVia.changeRole(({ caseId: caseD, personId: p.personId, role: 'PERSON_OF_CONCERN', version: v1.version }))).rejects.toMatchObject({
      problem: { status: 412 },
    });
  });

  it('LAW-01: every read and write wrote an access-log row, without data values', async () => {
    const rows = await ds.query(`SELECT action, operation, record_ids FROM access_log ORDER BY seq`);
    const actions = new Set(rows.map((r: { action: string }) => r.action));
    for (const a of ['person.add', 'person.search', 'person.read', 'person.match.decide', 'person.role.change', 'person.other-name.add']) expect(actions).toContain(a);
    expect(rows.map((r: { operation: string }) => r.operation)).toContain('combination');
    expect(JSON.stringify(rows)).not.toMatch(/canaryfield|zo[eë]|penhaligon|ingledew/i);
  });
});

describe('course of conduct (Postgres)', () => {
  it('records incidents with the event in the outbox and pages the timeline by cursor, newest first, with signals', async () => {
    const caseId = await newCase({ visible: true });
    const base = clock.now().getTime();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await recordIncident(({ caseId, occurredAt: new Date(base - (30 - i) * 86_400_000).toISOString(), behaviours: i < 20 ? ['CYBER'] : ['LOITERING', 'THREATS'] }),
      );
      ids.push(r.incidentId);
    }
    const outbox = await ds.query(`SELECT subject, envelope->'additionalInformation' AS info FROM outbox WHERE subject = 'intake.incident.recorded.v1'`);
    expect(outbox).toHaveLength(25);
    expect(Object.keys(outbox[0].info).sort()).toEqual(['behaviours', 'incidentId', 'isBreach', 'occurredAt']);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await timeline(({ caseId, limit: 10, ...(cursor ? { cursor } : {}) }));
      expect(page.incidentCount).toBe(25);
      seen.push(...page.items.map((i) => i.incidentId));
      cursor = page.nextCursor ?? undefined;
      pages++;
      if (pages === 1) expect(page.signals.map((s) => s.code)).toEqual(['ONLINE_TO_PHYSICAL']);
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
    await expect(timeline(({ caseId, cursor: 'bm90LWEtY3Vyc29y' }))).rejects.toMatchObject({ problem: { status: 400, code: 'invalid-cursor' } });
  });

  it('rejects an incident in the future', async () => {
    const caseId = await newCase({ visible: true });
    await expect(
      recordIncident(({ caseId, occurredAt: new Date(clock.now().getTime() + 86_400_000).toISOString(), behaviours: ['CONTACTING'] })),
    ).rejects.toMatchObject({ problem: { status: 400 } });
  });
});

describe('migration of rows written before encryption', () => {
  it('DP-02: encrypts existing plaintext people, indexes them and drops the plaintext columns', async () => {
    const legacy = await createTestDatabase('people_legacy');
    try {
      const before = allMigrations(INTAKE).filter((m) => !/PeopleRegister|CourseOfConduct|PersonOtherNames|PersonMatchKeys|CounterAllegations/.test(m.name));
      await runMigrations(serviceDataSourceOptions({ url: legacy.url, entities: [], migrations: before, applicationName: 'int' }));
      const l = new DataSource(serviceDataSourceOptions({ url: legacy.url, entities: INTAKE.entities, migrations: [], applicationName: 'int' }));
      await l.initialize();
      try {
        const id = randomUUID();
        await l.query(`INSERT INTO person (id, given_name, family_name, date_of_birth, identity_known) VALUES ($1, 'Legacy', 'Plaintext', '1960-02-02', true)`, [id]);
        await runMigrations(serviceDataSourceOptions({ url: legacy.url, entities: [], migrations: allMigrations(INTAKE), applicationName: 'int' }));
        const cols = await l.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'person'`);
        expect(cols.map((c: { column_name: string }) => c.column_name)).not.toContain('given_name');
        const [row] = await l.query(`SELECT row_to_json(p)::text AS j FROM person p WHERE id = $1`, [id]);
        expect(row.j).not.toContain('Plaintext');
        const found = await new PersonRecords(cipher).candidates(l.manager, { givenName: 'legacy', familyName: 'PLAINTEXT' }, { mode: 'search' });
        expect(found.map((f) => [f.person.id, f.identity.dateOfBirth])).toEqual([[id, '1960-02-02']]);
      } finally {
        await l.destroy();
      }
    } finally {
      await legacy.drop();
    }
  });
});

describe('migration 1796082700000: previous names and match keys derived again', () => {
  it('people registered before it (a name in another script had no key) are found after it', async () => {
    const older = await createTestDatabase('people_rekey');
    try {
      // Later migrations that read the new column wait for it too.
      const before = allMigrations(INTAKE).filter((m) => !['PersonOtherNames1796082700000', 'PersonMatchKeysGreek1796221000000'].includes(m.name));
      await runMigrations(serviceDataSourceOptions({ url: older.url, entities: [], migrations: before, applicationName: 'int' }));
      const l = new DataSource(serviceDataSourceOptions({ url: older.url, entities: [], migrations: [], applicationName: 'int' }));
      await l.initialize();
      try {
        const id = randomUUID();
        const identity = { givenName: 'Мария', familyName: 'Ψαρρού', dateOfBirth: '1958-10-30' };
        await l.query(`INSERT INTO person (id, identity_enc, identity_known) VALUES ($1, $2, true)`, [id, cipher.seal(identity, id, 'identity')]);
        await runMigrations(serviceDataSourceOptions({ url: older.url, entities: [], migrations: allMigrations(INTAKE), applicationName: 'int' }));
        const keys = await l.query(`SELECT count(*)::int AS n FROM person_match_key WHERE person_id = $1`, [id]);
        expect(keys[0].n).toBeGreaterThan(5);
        const found = await new PersonRecords(cipher).candidates(l.manager, { givenName: 'Maria', familyName: 'Psarrou' }, { mode: 'search' });
        expect(found.map((f) => f.person.id)).toEqual([id]);
      } finally {
        await l.destroy();
      }
    } finally {
      await older.drop();
    }
  });
});

describe('migration 1796221000000: the match keys of Greek names derived again (ου = ou)', () => {
  it('a person with a Greek name (current or previous) gets the keys of the new fold; no one else is touched', async () => {
    const older = await createTestDatabase('people_greek');
    try {
      const before = allMigrations(INTAKE).filter((m) => m.name !== 'PersonMatchKeysGreek1796221000000');
      await runMigrations(serviceDataSourceOptions({ url: older.url, entities: [], migrations: before, applicationName: 'int' }));
      const l = new DataSource(serviceDataSourceOptions({ url: older.url, entities: [], migrations: [], applicationName: 'int' }));
      await l.initialize();
      try {
        // Rows as the old fold left them: keys missing stand for keys of 'papadopoylos' that no probe makes now.
        const greek = randomUUID();
        const previous = randomUUID();
        const latin = randomUUID();
        const insert = (id: string, identity: object, otherNames?: object[]) =>
          l.query(`INSERT INTO person (id, identity_enc, other_names_enc, identity_known) VALUES ($1, $2, $3, true)`, [
            id,
            cipher.seal(identity, id, 'identity'),
            otherNames ? cipher.seal(otherNames, id, 'other_names') : null,
          ]);
        await insert(greek, { givenName: 'Γιώργος', familyName: 'Παπαδόπουλος', dateOfBirth: '1966-05-21' });
        await insert(previous, { givenName: 'Eleni', familyName: 'Hartigan', dateOfBirth: '1972-09-03' }, [{ kind: 'MAIDEN_NAME', familyName: 'Νικολάου' }]);
        await insert(latin, { givenName: 'Georgios', familyName: 'Papadopoulos', dateOfBirth: '1966-05-21' });
        await runMigrations(serviceDataSourceOptions({ url: older.url, entities: [], migrations: allMigrations(INTAKE), applicationName: 'int' }));
        const keys = await l.query(`SELECT person_id, count(*)::int AS n FROM person_match_key GROUP BY person_id`);
        const count = (id: string) => keys.find((k: { person_id: string }) => k.person_id === id)?.n ?? 0;
        expect(count(greek)).toBeGreaterThan(5);
        expect(count(previous)).toBeGreaterThan(5);
        expect(count(latin)).toBe(0);
        const records = new PersonRecords(cipher);
        const ids = async (q: object) => (await records.candidates(l.manager, q, { mode: 'search' })).map((f) => f.person.id);
        expect(await ids({ givenName: 'Georgios', familyName: 'Papadopoulos', dateOfBirth: '1966-05-21' })).toEqual([greek]);
        expect(await ids({ givenName: 'Eleni', familyName: 'Nikolaou' })).toEqual([previous]);
      } finally {
        await l.destroy();
      }
    } finally {
      await older.drop();
    }
  });
});
