import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(90_000);

let stack: Stack;
const tokens: Record<'officer' | 'screener' | 'spo' | 'assessor' | 'clinician', string> = { officer: '', screener: '', spo: '', assessor: '', clinician: '' };
const HOUR = 3600 * 1000;

function api(token: string, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return { post: (path: string) => auth(base.post(path)), put: (path: string) => auth(base.put(path)), get: (path: string) => auth(base.get(path)) };
}

/** A synthetic crime report (one incident, an unknown suspect, consent declined); unique per run. */
const crimeReport = (overrides: Record<string, unknown> = {}) =>
  syntheticReferral('RR', {
    flags: [],
    advocacyReferral: 'CONSENT_DECLINED',
    victim: { givenName: 'Synthetic', familyName: 'Victim' },
    personOfConcern: { identityKnown: false },
    incidents: [{ occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING', 'LOITERING'] }],
    ...overrides,
  });

async function intakeDb<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}
const caseCount = async () => (await intakeDb<{ n: number }>('SELECT count(*)::int AS n FROM stalking_case'))[0].n;

async function lifecycle(caseId: string) {
  const res = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
  return { ...res.body, etag: res.headers.etag as string };
}

async function riskTasks(caseId: string): Promise<{ reason: string; status: string; dueAt: string }[]> {
  return (await api(tokens.assessor, 'risk-management').get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200)).body;
}

beforeAll(async () => {
  stack = await startStack();
  tokens.officer = await tokenFor('police', ['case-officer'], 'e2e-rr-officer');
  tokens.screener = await tokenFor('police', ['stac-screener'], 'e2e-rr-screener');
  tokens.spo = await tokenFor('police', ['spo-coordinator'], 'e2e-rr-spo');
  tokens.assessor = await tokenFor('police', ['risk-assessor'], 'e2e-rr-assessor');
  tokens.clinician = await tokenFor('mental-health', ['mh-clinician'], 'e2e-rr-clinician');
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('referral routes through POST /api/v1/referrals', () => {
  it('ORDER_BREACH: a breach on an existing case re-opens it and opens the BREACH re-assessment, without a second case', async () => {
    // A monitored case with an interim SPO in force.
    const report = crimeReport();
    const referred = await api(tokens.officer).post('/api/v1/referrals').send(report).expect(201);
    const caseId: string = referred.body.caseId;
    const yes = { answer: true, note: 'noted' };
    await api(tokens.screener).post(`/api/v1/cases/${caseId}/screenings`).send({ fixated: yes, obsessive: yes, unwanted: yes, repeated: yes, offenceClass: 'S4A_FEAR' }).expect(201);
    await api(tokens.screener).post(`/api/v1/cases/${caseId}/triage-decisions`).send({ decision: 'ADVICE_AND_MONITOR', reasons: ['ESCALATING_BEHAVIOUR'] }).expect(201);
    await api(tokens.screener).post(`/api/v1/cases/${caseId}/advice`).send({}).expect(201);
    const order = await api(tokens.officer).post(`/api/v1/cases/${caseId}/orders`).send({ orderType: 'INTERIM_SPO' }).expect(201);
    let etag = order.headers.etag as string;
    for (const body of [
      { to: 'APPLIED' },
      { to: 'GRANTED', effectiveFrom: new Date(Date.now() - 2 * HOUR).toISOString(), expiresAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString() },
      { to: 'SERVED', servedAt: new Date(Date.now() - HOUR).toISOString() },
    ]) {
      const r = await api(tokens.spo).post(`/api/v1/cases/${caseId}/orders/${order.body.orderId}/transitions`).set('If-Match', etag).send(body).expect(200);
      etag = r.headers.etag;
    }
    const lc = await lifecycle(caseId);
    await api(tokens.officer).post(`/api/v1/cases/${caseId}/status-transitions`).set('If-Match', lc.etag).send({ to: 'MONITORING' }).expect(200);
    // The referral's screening is done (an S-DASH), so a breach opens a re-assessment of its own.
    const [screeningTask] = await eventually(async () => {
      const t = await riskTasks(caseId);
      return t.length ? t : undefined;
    }, { timeoutMs: 20_000, what: 'the screening task' });
    const sDash = (await api(tokens.assessor, 'risk-management').get('/api/v1/risk/instruments?code=S_DASH').expect(200)).body[0];
    const draft = await api(tokens.assessor, 'risk-management')
      .post(`/api/v1/cases/${caseId}/risk-assessments`)
      .set('Idempotency-Key', `sdash-${caseId}`)
      .send({
        subject: 'VICTIM_SITUATION',
        instrument: 'S_DASH',
        taskId: (screeningTask as unknown as { taskId: string }).taskId,
        answers: sDash.questions.map((q: { code: string }) => ({ question: q.code, answer: 'NO' })),
        level: 'MEDIUM',
        rationale: 'Judged on the screening.',
      })
      .expect(201);
    await api(tokens.assessor, 'risk-management').post(`/api/v1/cases/${caseId}/risk-assessments/${draft.body.assessmentId}/submit`).set('If-Match', draft.headers.etag).expect(200);

    const before = await caseCount();
    const breach = {
      source: 'ORDER_BREACH',
      crimeReference: report.crimeReference,
      orderId: order.body.orderId,
      incidents: [{ occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(), behaviours: ['CONTACTING'] }],
    };
    // The people of a new case are not taken on a breach (400 naming them, nothing stored).
    const withPeople = await api(tokens.officer).post('/api/v1/referrals').send({ ...breach, victim: { givenName: 'Synthetic' } }).expect(400);
    expect(withPeople.body.errors.map((e: { field: string }) => e.field)).toContain('victim');
    // A crime reference no case has is the same 404 as a case the caller may not see.
    expect((await api(tokens.officer).post('/api/v1/referrals').send({ ...breach, crimeReference: 'CR-NO-SUCH-CASE-1' }).expect(404)).body.code).toBe('case-not-found');

    const accepted = await api(tokens.officer).post('/api/v1/referrals').set('Idempotency-Key', `breach-${caseId}`).send(breach).expect(200);
    expect(accepted.body).toMatchObject({ caseId, created: false, breach: { orderId: order.body.orderId, breachId: expect.any(String), incidentId: expect.any(String) } });
    expect(await caseCount()).toBe(before);

    // The order carries the breach; the monitored case is back in active work; risk opens the BREACH re-assessment.
    const orders = (await api(tokens.officer).get(`/api/v1/cases/${caseId}/orders`).expect(200)).body;
    expect(orders[0].breaches).toEqual([expect.objectContaining({ breachId: accepted.body.breach.breachId })]);
    await eventually(async () => ((await lifecycle(caseId)).status === 'ACTIVE' ? true : undefined), { timeoutMs: 20_000, what: 'the case back to ACTIVE' });
    const reassessment = await eventually(async () => (await riskTasks(caseId)).find((t) => t.reason === 'BREACH'), {
      timeoutMs: 20_000,
      what: 'the BREACH re-assessment',
    });
    expect(reassessment).toMatchObject({ status: 'OPEN' });
    expect(await caseCount()).toBe(before);
  });

  it('PARTNER_AGENCY: a partner’s referral without a crime reference opens a case to screen; the partner must be named', async () => {
    const { crimeReference: _none, ...body } = crimeReport({ source: 'PARTNER_AGENCY', partnerAgency: 'probation' });
    const missing = await api(tokens.officer).post('/api/v1/referrals').send({ ...body, partnerAgency: undefined }).expect(400);
    expect([...new Set(missing.body.errors.map((e: { field: string }) => e.field))]).toEqual(['partnerAgency']);
    const res = await api(tokens.officer).post('/api/v1/referrals').set('Idempotency-Key', `partner-${randomUUID()}`).send(body).expect(201);
    expect(res.body).toMatchObject({ status: 'REFERRED', created: true });
    const [row] = await intakeDb<{ crime_reference: string | null; partner_agency: string }>('SELECT crime_reference, partner_agency FROM stalking_case WHERE id = $1', [res.body.caseId]);
    expect(row).toEqual({ crime_reference: null, partner_agency: 'probation' });
    const [task] = await eventually(async () => {
      const t = await riskTasks(res.body.caseId);
      return t.length ? t : undefined;
    }, { timeoutMs: 20_000, what: 'the screening task' });
    expect(task).toMatchObject({ reason: 'NEW_REFERRAL', status: 'OPEN' });
  });

  it('PARTNER_AGENCY then police: a mental-health referral without a crime reference; the police attach it later (If-Match), once; a reference on another case is 409', async () => {
    const { crimeReference: reference, ...body } = crimeReport({ source: 'PARTNER_AGENCY', partnerAgency: 'mental-health' });
    const partner = await api(tokens.officer).post('/api/v1/referrals').set('Idempotency-Key', `partner-${randomUUID()}`).send(body).expect(201);
    const caseId: string = partner.body.caseId;
    // Another case already holds a reference of its own.
    const other = await api(tokens.officer).post('/api/v1/referrals').send(crimeReport()).expect(201);
    const [{ crime_reference: taken }] = await intakeDb<{ crime_reference: string }>('SELECT crime_reference FROM stalking_case WHERE id = $1', [other.body.caseId]);
    const path = `/api/v1/cases/${caseId}/crime-reference`;
    const put = (token: string) => api(token).put(path);

    const lc = await lifecycle(caseId);
    // If-Match is required (428) and must be the case's current version (412); the reference is checked (400, nothing stored).
    expect((await put(tokens.officer).send({ crimeReference: reference }).expect(428)).body.code).toBe('if-match-required');
    await put(tokens.officer).set('If-Match', '"99"').send({ crimeReference: reference }).expect(412);
    const bad = await put(tokens.officer).set('If-Match', lc.etag).send({ crimeReference: 'no spaces allowed' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['crimeReference']);
    // AC-01: police only; a partner agency cannot attach it (403, whatever the case).
    await api(tokens.clinician, 'care').put(path).set('If-Match', lc.etag).send({ crimeReference: reference }).expect(403);
    // A reference already on another case is 409 and changes nothing.
    const inUse = await put(tokens.officer).set('If-Match', lc.etag).send({ crimeReference: taken }).expect(409);
    expect(inUse.body.code).toBe('crime-reference-in-use');
    expect((await intakeDb<{ crime_reference: string | null }>('SELECT crime_reference FROM stalking_case WHERE id = $1', [caseId]))[0].crime_reference).toBeNull();

    const attached = await put(tokens.screener).set('If-Match', lc.etag).send({ crimeReference: reference }).expect(200);
    expect(attached.body).toEqual({ caseId, crimeReference: reference, version: lc.version + 1 });
    expect(attached.headers.etag).toBe(`"${lc.version + 1}"`);
    // The same again answers the same; another reference never replaces it.
    expect((await put(tokens.officer).set('If-Match', attached.headers.etag).send({ crimeReference: reference }).expect(200)).body).toEqual(attached.body);
    const again = await put(tokens.officer).set('If-Match', attached.headers.etag).send({ crimeReference: `${reference}-2` }).expect(409);
    expect(again.body.code).toBe('crime-reference-already-attached');
    // The screeners' worklist shows it, and a crime report of the same crime now finds the partner's case.
    const listed = (await api(tokens.screener).get('/api/v1/worklists/screening?limit=200').expect(200)).body.untriaged.find((i: { caseId: string }) => i.caseId === caseId);
    expect(listed?.crimeReference).toBe(reference);
    const report = await api(tokens.officer).post('/api/v1/referrals').send(crimeReport({ crimeReference: reference })).expect(200);
    expect(report.body).toMatchObject({ caseId, created: false });
    // Logged as an alteration of the case (LAW-01).
    const audit = await intakeDb<{ operation: string }>(`SELECT operation FROM access_log WHERE action = 'case.crime-reference.attach' AND $1 = ANY(record_ids) AND decision = 'allow'`, [caseId]);
    expect(audit).toEqual([{ operation: 'alteration' }]);
  });

  it('CUSTODY_TRIGGER: screening is due within the custody window, the same in intake and risk-assessment', async () => {
    const custodyStartedAt = new Date(Date.now() - 2 * HOUR).toISOString();
    const res = await api(tokens.officer).post('/api/v1/referrals').send(crimeReport({ source: 'CUSTODY_TRIGGER', custodyStartedAt })).expect(201);
    const due = new Date(Date.parse(custodyStartedAt) + 20 * HOUR).toISOString();
    const clock = (await api(tokens.screener).get(`/api/v1/cases/${res.body.caseId}/screening`).expect(200)).body.clock;
    expect(clock.dueAt).toBe(due);
    const [task] = await eventually(async () => {
      const t = await riskTasks(res.body.caseId);
      return t.length ? t : undefined;
    }, { timeoutMs: 20_000, what: 'the screening task' });
    expect(task.dueAt).toBe(due);
    expect((await lifecycle(res.body.caseId)).cjStage).toBe('ARRESTED');
  });

  it('worklists page by cursor through the gateway: each list to its end without repeats; a bad cursor or limit is 400', async () => {
    const referred: string[] = [];
    for (let i = 0; i < 3; i++) referred.push((await api(tokens.officer).post('/api/v1/referrals').send(crimeReport()).expect(201)).body.caseId);
    // A case sorts by its referral time until its screening clock starts (from the referral event), then by
    // its due time: keys that move while paging can repeat an item, so page once every clock has started.
    await eventually(
      async () =>
        (
          await intakeDb<{ n: number }>(
            `SELECT count(*)::int AS n FROM stalking_case c
              WHERE c.status IN ('REFERRED', 'SCREENING', 'REOPENED') AND NOT EXISTS (SELECT 1 FROM screening_clock k WHERE k.case_id = c.id)`,
          )
        )[0].n === 0 || undefined,
      { timeoutMs: 20_000, what: 'every screening clock started' },
    );
    // Intake's screening list, two at a time.
    const seen: string[] = [];
    let path: string | null = '/api/v1/worklists/screening?limit=2';
    while (path) {
      const page: request.Response = await api(tokens.screener).get(path).expect(200);
      expect(page.body.untriaged.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.untriaged.map((i: { caseId: string }) => i.caseId));
      path = page.body.next.untriaged ? `/api/v1/worklists/screening?limit=2&cursor=${page.body.next.untriaged}` : null;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(referred));
    const bad = await api(tokens.screener).get('/api/v1/worklists/screening?cursor=not-a-cursor').expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['cursor']);
    await api(tokens.screener).get('/api/v1/worklists/screening?limit=500').expect(400);

    // Risk-assessment's worklist, one task at a time: the referrals' screening tasks are all there, once.
    await eventually(async () => {
      const tasks = await Promise.all(referred.map((id) => riskTasks(id)));
      return tasks.every((t) => t.length > 0) ? true : undefined;
    }, { timeoutMs: 20_000, what: 'the screening tasks' });
    const taskCases: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: request.Response = await api(tokens.assessor, 'risk-management').get(`/api/v1/risk/worklist?limit=1${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      expect(page.body.openTasks.length).toBeLessThanOrEqual(1);
      taskCases.push(...page.body.openTasks.map((t: { caseId: string; taskId: string }) => t.taskId));
      cursor = page.body.next.openTasks;
      pages += 1;
    } while (cursor && pages < 500);
    expect(new Set(taskCases).size).toBe(taskCases.length);
    const openTaskIds = (await Promise.all(referred.map((id) => riskTasks(id)))).flat().filter((t) => t.status === 'OPEN').map((t) => (t as unknown as { taskId: string }).taskId);
    expect(taskCases).toEqual(expect.arrayContaining(openTaskIds));
    await api(tokens.assessor, 'risk-management').get('/api/v1/risk/worklist?cursor=bm90LW91cnM').expect(400);
  });
});

