import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { handled, queryService } from './builders';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(60_000);

/**
 * The people register and the course of conduct through the gateway, on the whole stack: incidents in
 * the timeline with signals, duplicate detection with reasons, search limited to visible cases, and
 * encryption at rest checked on the raw database rows.
 */
let stack: Stack;
let screener: string;
let otherScreener: string;

function api(token = screener, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    put: (path: string) => auth(base.put(path)),
    get: (path: string) => auth(base.get(path)),
  };
}

async function intakeQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

const tag = randomUUID()
  .slice(0, 6)
  .replace(/[^a-f]/g, 'x');

async function referral(
  victim: Record<string, unknown>,
  personOfConcern: Record<string, unknown> = { identityKnown: false },
): Promise<string> {
  const res = await api()
    .post('/api/v1/referrals')
    .send(
      syntheticReferral('PI', {
        flags: ['CYBER'],
        victim,
        personOfConcern,
        incidents: [
          {
            occurredAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
            behaviours: ['CYBER', 'MONITORING_COMMUNICATIONS'],
          },
        ],
      }),
    )
    .expect(201);
  return res.body.caseId;
}

beforeAll(async () => {
  stack = await startStack();
  screener = await tokenFor('police', ['stac-screener'], 'pi-screener');
  otherScreener = await tokenFor('police', ['stac-screener'], 'pi-other-screener');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('course of conduct', () => {
  it('an incident recorded on a case appears in the timeline, publishes intake.incident.recorded.v1 and raises explained signals', async () => {
    const caseId = await referral({ givenName: 'Timeline', familyName: `Victim${tag}` });
    const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
    await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .send({ occurredAt: days(3), behaviours: ['CONTACTING'] })
      .expect(201);
    const body = { occurredAt: days(1), behaviours: ['LOITERING', 'THREATS'] };
    const res = await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .set('Idempotency-Key', `inc-${tag}-0001`)
      .send(body)
      .expect(201);
    expect(res.headers.location).toBe(`/api/v1/cases/${caseId}/timeline`);
    expect(res.body).toMatchObject({ caseId, behaviours: ['LOITERING', 'THREATS'], isBreach: false });
    // A retry with the same key replays the first answer.
    const retry = await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .set('Idempotency-Key', `inc-${tag}-0001`)
      .send(body)
      .expect(201);
    expect(retry.body.incidentId).toBe(res.body.incidentId);
    await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .set('Idempotency-Key', `inc-${tag}-0001`)
      .send({ ...body, behaviours: ['FOLLOWING'] })
      .expect(422);

    const first = await api().get(`/api/v1/cases/${caseId}/timeline?limit=2`).expect(200);
    expect(first.body.incidentCount).toBe(3);
    expect(first.body.items.map((i: { incidentId: string }) => i.incidentId)[0]).toBe(res.body.incidentId);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const codes = first.body.signals.map((s: { code: string }) => s.code);
    expect(codes).toEqual(
      expect.arrayContaining(['ESCALATING_FREQUENCY', 'NEW_BEHAVIOUR', 'ONLINE_TO_PHYSICAL']),
    );
    for (const s of first.body.signals) expect(s.explanation).toMatch(/\w+ \w+/);
    const second = await api()
      .get(`/api/v1/cases/${caseId}/timeline?limit=2&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();

    const events = await intakeQuery<{ info: Record<string, unknown> }>(
      `SELECT envelope->'additionalInformation' AS info FROM outbox WHERE subject = 'intake.incident.recorded.v1' AND envelope->>'caseId' = $1`,
      [caseId],
    );
    expect(events).toHaveLength(2);
    expect(Object.keys(events[0].info).sort()).toEqual([
      'behaviours',
      'incidentId',
      'isBreach',
      'occurredAt',
    ]);
  });

  it('API-02/API-04: impossible dates, unknown codes, future incidents, bad cursors and ids are 400', async () => {
    const caseId = await referral({ givenName: 'Bad', familyName: `Input${tag}` });
    await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .send({ occurredAt: '2026-02-30T10:00:00Z', behaviours: ['CONTACTING'] })
      .expect(400);
    await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .send({ occurredAt: '2020-02-03T10:00:00Z', behaviours: ['SHOUTING'] })
      .expect(400);
    await api()
      .post(`/api/v1/cases/${caseId}/incidents`)
      .send({ occurredAt: new Date(Date.now() + 86_400_000).toISOString(), behaviours: ['CONTACTING'] })
      .expect(400);
    await api().get(`/api/v1/cases/${caseId}/timeline?cursor=not-a-cursor`).expect(400);
    await api().get(`/api/v1/cases/${caseId}/timeline?limit=1000`).expect(400);
    await api().get('/api/v1/cases/not-a-uuid/timeline').expect(400);
    const missing = await api().get(`/api/v1/cases/${randomUUID()}/timeline`).expect(404);
    expect(missing.body.code).toBe('case-not-found');
  });
});

describe('people register', () => {
  it('a person added twice with name variants is flagged as a LIKELY duplicate with reasons, and confirmed by a person', async () => {
    const caseId = await referral({ givenName: 'Seed', familyName: `Victim${tag}` });
    const family = `Ångström-Ö${tag}`;
    const a = await api()
      .post(`/api/v1/cases/${caseId}/people`)
      .send({
        role: 'PROTECTED_THIRD_PARTY',
        person: { givenName: 'Zoë', familyName: family, dateOfBirth: '1990-04-01', identityKnown: true },
      })
      .expect(201);
    expect(a.body).toMatchObject({ created: true, duplicateCandidates: [] });
    expect(a.headers.location).toBe(`/api/v1/cases/${caseId}/people/${a.body.personId}`);

    // Search before create finds the first record whatever the spelling.
    const search = await api()
      .post('/api/v1/people/search')
      .send({ givenName: family.toUpperCase().normalize('NFD').replace(/-/g, ' '), familyName: 'zoe' })
      .expect(200);
    expect(search.body.matches[0]).toMatchObject({
      personId: a.body.personId,
      givenName: 'Zoë',
      cases: [{ caseId, roles: ['PROTECTED_THIRD_PARTY'] }],
    });

    const b = await api()
      .post(`/api/v1/cases/${caseId}/people`)
      .send({
        role: 'PROTECTED_THIRD_PARTY',
        person: {
          givenName: 'ZOE',
          familyName: family.normalize('NFD').replace('-', ' '),
          dateOfBirth: '1990-04-01',
          identityKnown: true,
        },
      })
      .expect(201);
    expect(b.body.duplicateCandidates).toHaveLength(1);
    const [candidate] = b.body.duplicateCandidates;
    expect(candidate).toMatchObject({ otherPersonId: a.body.personId, grade: 'LIKELY', status: 'OPEN' });
    expect(candidate.reasons.map((r: { code: string }) => r.code)).toEqual(
      expect.arrayContaining([
        'GIVEN_NAME_EXACT',
        'FAMILY_NAME_EXACT',
        'NAME_SPELLING_NORMALISED',
        'DOB_EXACT',
      ]),
    );

    const list = await api().get(`/api/v1/cases/${caseId}/duplicate-candidates`).expect(200);
    expect(list.body.candidates.map((c: { candidateId: string }) => c.candidateId)).toContain(
      candidate.candidateId,
    );
    const decisionPath = `/api/v1/cases/${caseId}/duplicate-candidates/${candidate.candidateId}/decision`;
    await api().post(decisionPath).send({ decision: 'CONFIRMED' }).expect(428);
    await api().post(decisionPath).set('if-match', '"7"').send({ decision: 'CONFIRMED' }).expect(412);
    const decided = await api()
      .post(decisionPath)
      .set('if-match', `"${candidate.version}"`)
      .send({ decision: 'CONFIRMED' })
      .expect(200);
    expect(decided.body.status).toBe('CONFIRMED');
    expect(decided.headers.etag).toBe(`"${candidate.version + 1}"`);
    // Never merged: both records remain.
    const rows = await intakeQuery('SELECT id FROM person WHERE id = ANY($1::uuid[])', [
      [a.body.personId, b.body.personId],
    ]);
    expect(rows).toHaveLength(2);
  });

  it('roles change over time: the old role ends, the new one starts, If-Match guards the change', async () => {
    const caseId = await referral({ givenName: 'Role', familyName: `Change${tag}` });
    const p = await api()
      .post(`/api/v1/cases/${caseId}/people`)
      .send({ role: 'PROTECTED_THIRD_PARTY', person: { identityKnown: false } })
      .expect(201);
    const view = await api().get(`/api/v1/cases/${caseId}/people/${p.body.personId}`).expect(200);
    expect(view.body).toMatchObject({
      identityKnown: false,
      givenName: null,
      roles: [{ role: 'PROTECTED_THIRD_PARTY', validTo: null }],
    });
    const changed = await api()
      .put(`/api/v1/cases/${caseId}/people/${p.body.personId}/role`)
      .set('if-match', view.headers.etag)
      .send({ role: 'VICTIM' })
      .expect(200);
    expect(
      changed.body.roles.map((r: { role: string; validTo: string | null }) => [r.role, r.validTo === null]),
    ).toEqual([
      ['PROTECTED_THIRD_PARTY', false],
      ['VICTIM', true],
    ]);
    await api()
      .put(`/api/v1/cases/${caseId}/people/${p.body.personId}/role`)
      .set('if-match', view.headers.etag)
      .send({ role: 'PERSON_OF_CONCERN' })
      .expect(412);
    // The answer's ETag is the new version: the next change goes through with it.
    expect(changed.headers.etag).not.toBe(view.headers.etag);
    await api()
      .put(`/api/v1/cases/${caseId}/people/${p.body.personId}/role`)
      .set('if-match', changed.headers.etag)
      .send({ role: 'PERSON_OF_CONCERN' })
      .expect(200);
  });

  it('AC-09/AC-07: search never returns people from cases the caller may not see; the same person across visible cases is linked', async () => {
    const secret = `Hiddenperson${tag}`;
    const hiddenCase = await referral({
      givenName: 'Concealed',
      familyName: secret,
      dateOfBirth: '1985-06-07',
    });
    const visibleCase = await referral({ givenName: 'Visible', familyName: `Other${tag}` });
    // The other screener is excluded from the hidden case (conflict of interest).
    const payload = JSON.parse(Buffer.from(otherScreener.split('.')[1], 'base64url').toString('utf8')) as {
      iss: string;
      sub: string;
    };
    await intakeQuery(
      `INSERT INTO case_exclusion (id, case_id, issuer, subject, valid_from, created_by) VALUES ($1, $2, $3, $4, now(), 'e2e')`,
      [randomUUID(), hiddenCase, payload.iss, payload.sub],
    );
    const seen = await api()
      .post('/api/v1/people/search')
      .send({ givenName: 'Concealed', familyName: secret })
      .expect(200);
    expect(seen.body.matches).toHaveLength(1);
    const unseen = await api(otherScreener)
      .post('/api/v1/people/search')
      .send({ givenName: 'Concealed', familyName: secret })
      .expect(200);
    expect(unseen.body.matches).toEqual([]);
    expect(JSON.stringify(unseen.body)).not.toContain(hiddenCase);
    // Nor can that person be linked to a visible case by id.
    await api(otherScreener)
      .post(`/api/v1/cases/${visibleCase}/people`)
      .send({ role: 'VICTIM', personId: seen.body.matches[0].personId })
      .expect(404);

    // The first screener links the same victim to the second case: the person view lists both cases.
    const personId = seen.body.matches[0].personId;
    await api().post(`/api/v1/cases/${visibleCase}/people`).send({ role: 'VICTIM', personId }).expect(201);
    const view = await api().get(`/api/v1/cases/${visibleCase}/people/${personId}`).expect(200);
    expect(view.body.linkedCases).toEqual([
      expect.objectContaining({ caseId: hiddenCase, via: 'SAME_RECORD', roles: ['VICTIM'] }),
    ]);
    // The excluded screener sees the person on the visible case, but not the linked hidden case.
    const theirView = await api(otherScreener)
      .get(`/api/v1/cases/${visibleCase}/people/${personId}`)
      .expect(200);
    expect(theirView.body.linkedCases).toEqual([]);
  });

  it('API-05: search input is data: % and _ match nothing, a search with no criteria is 400, other agencies may not search', async () => {
    expect(
      (await api().post('/api/v1/people/search').send({ familyName: '%' }).expect(200)).body.matches,
    ).toEqual([]);
    expect(
      (
        await api()
          .post('/api/v1/people/search')
          .send({ givenName: '_%', familyName: "%' OR 1=1 --" })
          .expect(200)
      ).body.matches,
    ).toEqual([]);
    await api().post('/api/v1/people/search').send({}).expect(400);
    await api().post('/api/v1/people/search').send({ familyName: 'x', id: 'y' }).expect(400);
    const advocate = await tokenFor('advocacy', ['advocate'], 'pi-advocate');
    await api(advocate, 'care').post('/api/v1/people/search').send({ familyName: 'Smith' }).expect(403);
  });

  it('search finds a person by a diminutive and by a previous family name; a second referral lists a nickname pair and a changed-name pair as POSSIBLE with reasons', async () => {
    const family = `Quillborough${tag}`;
    const maiden = `Thistlewaite${tag}`;
    const suspectFamily = `Penrose${tag}`;
    const first = await referral(
      {
        givenName: 'Katherine',
        familyName: family,
        dateOfBirth: '1983-07-09',
        otherNames: [{ kind: 'MAIDEN_NAME', familyName: maiden, usedTo: '2012-05-26' }],
      },
      { identityKnown: true, givenName: 'Robert', familyName: suspectFamily, dateOfBirth: '1975-02-11' },
    );
    const search = async (q: object) =>
      (await api().post('/api/v1/people/search').send(q).expect(200)).body.matches as {
        personId: string;
        grade: string;
        givenName: string;
        familyName: string;
        reasons: { code: string; explanation: string }[];
      }[];
    const codes = (m?: { reasons: { code: string }[] }) => m?.reasons.map((r) => r.code);

    // A diminutive of the given name finds the formal one, graded POSSIBLE with its reason in words.
    const [byKate] = await search({ givenName: 'Kate', familyName: family });
    expect(byKate).toMatchObject({ grade: 'POSSIBLE', givenName: 'Katherine', familyName: family });
    expect(codes(byKate)).toEqual(expect.arrayContaining(['GIVEN_NAME_VARIANT', 'FAMILY_NAME_EXACT']));
    expect(byKate.reasons.find((r) => r.code === 'GIVEN_NAME_VARIANT')!.explanation).toMatch(
      /known variants/,
    );
    const personId = byKate.personId;
    // The previous family name recorded on the referral finds her too (the answer shows the current name).
    const byMaiden = (await search({ givenName: 'Katherine', familyName: maiden })).find(
      (m) => m.personId === personId,
    );
    expect(byMaiden).toMatchObject({ familyName: family });
    expect(codes(byMaiden)).toEqual(expect.arrayContaining(['OTHER_NAME_MATCH', 'FAMILY_NAME_EXACT']));
    expect((await search({ familyName: maiden.toUpperCase() })).map((m) => m.personId)).toEqual([personId]);
    expect(await search({ givenName: 'Priya', familyName: maiden })).toEqual([]);

    // A previous name added later, through its own route (If-Match on the person), is found the same way.
    const view = await api().get(`/api/v1/cases/${first}/people/${personId}`).expect(200);
    expect(view.body.otherNames).toEqual([{ kind: 'MAIDEN_NAME', familyName: maiden, usedTo: '2012-05-26' }]);
    const route = `/api/v1/cases/${first}/people/${personId}/other-names`;
    const deedPoll = {
      kind: 'DEED_POLL',
      familyName: `Vantongeren${tag}`,
      usedFrom: '2012-05-26',
      usedTo: '2019-11-30',
    };
    await api().post(route).send(deedPoll).expect(428);
    const future = await api()
      .post(route)
      .set('if-match', view.headers.etag)
      .send({ ...deedPoll, usedTo: '2999-01-01' })
      .expect(400);
    expect(future.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(future.body.errors).toEqual([{ field: 'usedTo', message: 'usedTo cannot be in the future' }]);
    const added = await api().post(route).set('if-match', view.headers.etag).send(deedPoll).expect(201);
    expect(added.headers.location).toBe(`/api/v1/cases/${first}/people/${personId}`);
    expect(added.body.otherNames).toHaveLength(2);
    expect(added.headers.etag).not.toBe(view.headers.etag);
    await api()
      .post(route)
      .set('if-match', view.headers.etag)
      .send({ ...deedPoll, kind: 'ALIAS' })
      .expect(412);
    await api()
      .post(route)
      .set('if-match', added.headers.etag)
      .send({ kind: 'ALIAS', familyName: maiden.toLowerCase() })
      .expect(409);
    expect(
      (await search({ givenName: 'Kathy', familyName: `Vantongeren${tag}`, dateOfBirth: '1983-07-09' })).map(
        (m) => m.personId,
      ),
    ).toEqual([personId]);

    // A second referral: the victim under a diminutive, the suspect under another family name (same given name and birthday).
    const second = await referral(
      { givenName: 'Kate', familyName: family, dateOfBirth: '1983-07-09' },
      { identityKnown: true, givenName: 'Robert', familyName: `Okonkwo${tag}`, dateOfBirth: '1975-02-11' },
    );
    const list = await api().get(`/api/v1/cases/${second}/duplicate-candidates`).expect(200);
    type Candidate = {
      otherPersonId: string;
      grade: string;
      status: string;
      reasons: { code: string }[];
      otherCases: { caseId: string }[];
    };
    const candidates = list.body.candidates as Candidate[];
    const nickname = candidates.find((c) => c.otherPersonId === personId);
    expect(nickname).toMatchObject({
      grade: 'POSSIBLE',
      status: 'OPEN',
      otherCases: [expect.objectContaining({ caseId: first })],
    });
    expect(codes(nickname)).toEqual(
      expect.arrayContaining(['GIVEN_NAME_VARIANT', 'FAMILY_NAME_EXACT', 'DOB_EXACT']),
    );
    const [suspect] = await search({
      givenName: 'Robert',
      familyName: suspectFamily,
      dateOfBirth: '1975-02-11',
    });
    const changedName = candidates.find((c) => c.otherPersonId === suspect.personId);
    expect(changedName).toMatchObject({ grade: 'POSSIBLE', status: 'OPEN' });
    expect(codes(changedName)).toEqual(
      expect.arrayContaining(['GIVEN_NAME_EXACT', 'FAMILY_NAME_DIFFERENT', 'DOB_EXACT']),
    );
    // Bad previous names on a referral are 400 problem+json naming the field; nothing is stored.
    const bad = await api()
      .post('/api/v1/referrals')
      .send(
        syntheticReferral('PI', {
          flags: [],
          victim: {
            givenName: 'Katherine',
            familyName: family,
            otherNames: [{ kind: 'MAIDEN_NAME', familyName: maiden, usedFrom: '2999-01-01' }],
          },
          personOfConcern: { identityKnown: false },
          incidents: [
            { occurredAt: new Date(Date.now() - 86_400_000).toISOString(), behaviours: ['CONTACTING'] },
          ],
        }),
      )
      .expect(400);
    expect(bad.body.errors).toEqual([
      { field: 'victim.otherNames.0.usedFrom', message: 'usedFrom cannot be in the future' },
    ]);
    expect(
      await intakeQuery(`SELECT 1 FROM stalking_case WHERE crime_reference = $1`, [
        `CR-PI-${process.pid}-bad-${tag}`,
      ]),
    ).toEqual([]);
  });

  it('DP-02: the raw database rows hold no plaintext name, date of birth or contact; LAW-01 every call is in the access log', async () => {
    const canary = `Canary${tag}Zz`;
    const caseId = await referral({
      givenName: canary,
      familyName: `${canary}Family`,
      dateOfBirth: '1977-07-17',
    });
    const contactCase = await api()
      .post(`/api/v1/cases/${caseId}/people`)
      .send({
        role: 'PROTECTED_THIRD_PARTY',
        person: { givenName: `${canary}Third`, familyName: 'Party', identityKnown: true },
      })
      .expect(201);
    const dump = await intakeQuery<{ j: string }>(
      `SELECT row_to_json(t)::text AS j FROM (SELECT * FROM person) t
       UNION ALL SELECT encode(key, 'escape') FROM person_match_key
       UNION ALL SELECT row_to_json(o)::text FROM outbox o
       UNION ALL SELECT row_to_json(a)::text FROM access_log a`,
    );
    const all = dump.map((r) => r.j).join('\n');
    expect(all).not.toContain(canary);
    expect(all.toLowerCase()).not.toContain(canary.toLowerCase());
    expect(all).not.toContain('1977-07-17');
    // ...and yet the owning team reads it back.
    const view = await api().get(`/api/v1/cases/${caseId}/people/${contactCase.body.personId}`).expect(200);
    expect(view.body.givenName).toBe(`${canary}Third`);
    const actions = await intakeQuery<{ action: string }>(`SELECT DISTINCT action FROM access_log`);
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'person.add',
        'person.search',
        'person.read',
        'person.match.decide',
        'person.other-name.add',
        'incident.record',
        'case.timeline.read',
      ]),
    );
  });

  it('OpenAPI documents the people and course-of-conduct operations', async () => {
    const doc = await request(stack.gatewayUrl).get('/docs/openapi.json').expect(200);
    for (const path of [
      '/api/v1/people/search',
      '/api/v1/cases/{caseId}/people',
      '/api/v1/cases/{caseId}/people/{personId}',
      '/api/v1/cases/{caseId}/people/{personId}/role',
      '/api/v1/cases/{caseId}/people/{personId}/other-names',
      '/api/v1/cases/{caseId}/people/{personId}/identity',
      '/api/v1/cases/{caseId}/duplicate-candidates',
      '/api/v1/cases/{caseId}/duplicate-candidates/{candidateId}/decision',
      '/api/v1/cases/{caseId}/incidents',
      '/api/v1/cases/{caseId}/timeline',
    ]) {
      expect(Object.keys(doc.body.paths)).toContain(path);
    }
  });
});

describe('naming an unknown suspect later; counter-allegations', () => {
  it('H2: an unknown suspect is named later (If-Match; duplicates proposed at once; the trust and probation check them again)', async () => {
    const family = `Brackenridge${tag}`;
    // An earlier case already names the same man.
    const earlier = await referral({ givenName: 'Earlier', familyName: `Victim${tag}` }, { identityKnown: true, givenName: 'Thaddeus', familyName: family, dateOfBirth: '1970-10-10' });
    const caseId = await referral({ givenName: 'Later', familyName: `Victim${tag}` });
    const unknown = (await api().get(`/api/v1/cases/${caseId}`).expect(200)).body.intake.people.find((p: { role: string }) => p.role === 'PERSON_OF_CONCERN');
    expect(unknown).toMatchObject({ identityKnown: false, displayName: null });
    // The partners opened their checks of the unknown person with the referral.
    await handled(stack, 'mental-health', caseId, 'intake.case.referred');
    await handled(stack, 'probation', caseId, 'intake.case.referred');
    const view = await api().get(`/api/v1/cases/${caseId}/people/${unknown.personId}`).expect(200);
    const route = `/api/v1/cases/${caseId}/people/${unknown.personId}/identity`;
    const identity = { givenName: 'Thaddeus', familyName: family, dateOfBirth: '1970-10-10' };
    await api().put(route).send(identity).expect(428);
    const bad = await api().put(route).set('if-match', view.headers.etag).send({ ...identity, dateOfBirth: '2999-01-01' }).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'dateOfBirth', message: 'dateOfBirth cannot be in the future' }]);
    await api().put(route).set('if-match', view.headers.etag).send({ ...identity, nickname: 'Tad' }).expect(400);
    const named = await api().put(route).set('if-match', view.headers.etag).send(identity).expect(200);
    expect(named.body).toMatchObject({ identityKnown: true, givenName: 'Thaddeus', familyName: family, partnerChecksRequested: true });
    expect(named.headers.etag).toBe(`"${named.body.version}"`);
    expect(named.headers.etag).not.toBe(view.headers.etag);
    expect(named.body.duplicateCandidates).toEqual([expect.objectContaining({ grade: 'LIKELY', status: 'OPEN', otherCases: [{ caseId: earlier, roles: ['PERSON_OF_CONCERN'] }] })]);
    await api().put(route).set('if-match', named.headers.etag).send(identity).expect(409);
    await api().put(route).set('if-match', view.headers.etag).send(identity).expect(412);
    // Searchable by the name now; the case view shows it to the owning team.
    const found = (await api().post('/api/v1/people/search').send({ givenName: 'thaddeus', familyName: family }).expect(200)).body.matches.map((m: { personId: string }) => m.personId);
    expect(found).toEqual(expect.arrayContaining([unknown.personId]));
    // The trust and probation check the person again (their checks of the unknown person are asked again).
    const checks = await eventually(
      async () => {
        const [mh] = await queryService<{ reason: string; status: string }>(stack, 'mental-health', `SELECT reason, status FROM known_to_services_check WHERE case_id = $1 AND person_id = $2`, [caseId, unknown.personId]);
        const [pr] = await queryService<{ reason: string; status: string }>(stack, 'probation', `SELECT reason, status FROM supervision_check WHERE case_id = $1 AND person_id = $2`, [caseId, unknown.personId]);
        return mh?.reason === 'PERSON_IDENTIFIED' && pr?.reason === 'PERSON_IDENTIFIED' ? { mh, pr } : undefined;
      },
      { timeoutMs: 20_000, what: 'both partner checks asked again' },
    );
    expect(checks).toEqual({ mh: { reason: 'PERSON_IDENTIFIED', status: 'REQUESTED' }, pr: { reason: 'PERSON_IDENTIFIED', status: 'REQUESTED' } });
  });

  it('counter-allegations: the same two people with roles swapped on a second case are shown to screeners (case view and worklist), never merged; AC-09 not to one who may not see the other case', async () => {
    const one = { givenName: 'Octavia', familyName: `Swapwell${tag}`, dateOfBirth: '1987-01-15' };
    const two = { givenName: 'Lysander', familyName: `Turnabout${tag}`, dateOfBirth: '1984-11-02' };
    const first = await referral(one, { identityKnown: true, ...two });
    const second = await referral(two, { identityKnown: true, ...one });
    const links = (await api().get(`/api/v1/cases/${second}`).expect(200)).body.intake.counterAllegations;
    expect(links).toEqual([expect.objectContaining({ otherCaseId: first, status: 'POSSIBLE' })]);
    const back = (await api().get(`/api/v1/cases/${first}`).expect(200)).body.intake.counterAllegations;
    expect(back).toEqual([expect.objectContaining({ otherCaseId: second, status: 'POSSIBLE' })]);
    const worklist = await api().get('/api/v1/worklists/screening?limit=200').expect(200);
    const item = worklist.body.untriaged.find((i: { caseId: string }) => i.caseId === second);
    expect(item.counterAllegations).toEqual([expect.objectContaining({ otherCaseId: first })]);
    // Never merged: the four records stay, the candidates wait for a person to decide.
    const candidates = (await api().get(`/api/v1/cases/${second}/duplicate-candidates`).expect(200)).body.candidates as { status: string; otherCases: { caseId: string }[] }[];
    expect(candidates.filter((c) => c.otherCases.some((o) => o.caseId === first)).map((c) => c.status)).toEqual(['OPEN', 'OPEN']);
    // A screener excluded from the first case does not learn of it through the second.
    const payload = JSON.parse(Buffer.from(otherScreener.split('.')[1], 'base64url').toString('utf8')) as { iss: string; sub: string };
    await intakeQuery(`INSERT INTO case_exclusion (id, case_id, issuer, subject, valid_from, created_by) VALUES ($1, $2, $3, $4, now(), 'e2e')`, [randomUUID(), first, payload.iss, payload.sub]);
    const theirs = (await api(otherScreener).get(`/api/v1/cases/${second}`).expect(200)).body.intake.counterAllegations;
    expect(theirs).toEqual([]);
    expect(JSON.stringify((await api(otherScreener).get('/api/v1/worklists/screening?limit=200').expect(200)).body)).not.toContain(first);
  });
});

