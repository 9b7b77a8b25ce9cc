import 'reflect-metadata';
import request from 'supertest';
import { queryService, syntheticReferral } from './builders';
import { startStack, tokenFor, type Stack } from './stack-harness';

// API-01..09 and LAW-03 findings of the second security round, probed through the gateway as an attacker
// would; every answer a 4xx problem+json naming the problem, and nothing stored.
jest.setTimeout(120_000);

let stack: Stack;
let officer: string;

function api(token: string, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return { post: (path: string) => auth(base.post(path)), get: (path: string) => auth(base.get(path)) };
}

const cases = async () => (await queryService<{ n: number }>(stack, 'intake', 'SELECT count(*)::int AS n FROM stalking_case'))[0].n;

beforeAll(async () => {
  stack = await startStack();
  officer = await tokenFor('police', ['case-officer'], 'hardening-officer');
}, 240_000);
afterAll(async () => {
  await stack?.stop();
});

describe('input hardening at the validation layer (every operation)', () => {
  it('API-03: a deeply nested body is 400 problem+json, not 500; the gateway stays healthy', async () => {
    const body = JSON.stringify(syntheticReferral('IH', { victim: '__DEEP__' })).replace('"__DEEP__"', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
    const res = await api(officer).post('/api/v1/referrals').set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const arrays = await api(officer).post('/api/v1/referrals').set('content-type', 'application/json').send(`{"crimeReference":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    expect(arrays.status).toBe(400);
    await request(stack.gatewayUrl).get('/health/ready').expect(200);
  });

  it('API-02: an incident in the future and a date of birth two centuries ago are 400 naming the field; nothing stored', async () => {
    const before = await cases();
    const future = await api(officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('IH', { incidents: [{ occurredAt: new Date(Date.now() + 3 * 86_400_000).toISOString(), behaviours: ['FOLLOWING'] }] }));
    expect({ status: future.status, body: future.body }).toMatchObject({ status: 400 });
    expect(JSON.stringify(future.body.errors)).toMatch(/incidents\.0\.occurredAt/);
    const ancient = await api(officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('IH', { victim: { givenName: 'Synthetic', familyName: 'Victim', dateOfBirth: '1820-01-01' } }))
      .expect(400);
    expect(JSON.stringify(ancient.body.errors)).toMatch(/victim\.dateOfBirth/);
    const unborn = await api(officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('IH', { victim: { givenName: 'Synthetic', familyName: 'Victim', dateOfBirth: '2999-01-01' } }))
      .expect(400);
    expect(JSON.stringify(unborn.body.errors)).toMatch(/victim\.dateOfBirth/);
    expect(await cases()).toBe(before);
  });

  it.each([
    ['a C1 control', 'Syn\u0085thetic'],
    ['a zero-width space', 'Syn\u200bthetic'],
    ['a line separator (U+2028)', 'Syn\u2028thetic'],
    ['a byte-order mark (U+FEFF)', '\ufeffSynthetic'],
    ['a right-to-left mark', 'Synthetic\u200f'],
  ])('API-02: a name with %s is 400 naming the field; nothing stored', async (_what, givenName) => {
    const before = await cases();
    const res = await api(officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('IH', { victim: { givenName, familyName: 'Victim' } }));
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 400 });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body.errors)).toMatch(/victim\.givenName/);
    expect(await cases()).toBe(before);
  });

  it('API-02: a lone surrogate in a body (JSON allows \\ud800, text does not) is 400 naming the field at the gateway; nothing stored', async () => {
    const before = await cases();
    // JSON.stringify writes a lone surrogate as the escape \ud800.
    const body = JSON.stringify(syntheticReferral('IH', { victim: { givenName: 'Synthetic', familyName: 'Vic\ud800tim' } }));
    expect(body).toContain('\\ud800');
    const res = await api(officer).post('/api/v1/referrals').set('content-type', 'application/json').send(body);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'validation-failed' });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body.errors)).toMatch(/victim\.familyName/);
    expect(await cases()).toBe(before);
  });

  it('API-02: names are stored Unicode-normalised (NFC): a decomposed accent finds the composed name', async () => {
    const res = await api(officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('IH', { victim: { givenName: 'Ame\u0301lie', familyName: 'Nfc-Check', dateOfBirth: '1990-03-04' } }))
      .expect(201);
    const screener = await tokenFor('police', ['stac-screener'], 'hardening-screener');
    // Searched by the composed spelling; answered with the stored spelling, which is composed too.
    const search = await api(screener, 'safeguarding').post('/api/v1/people/search').send({ givenName: 'Am\u00e9lie', familyName: 'Nfc-Check' }).expect(200);
    const match = search.body.matches.find((m: { cases: { caseId: string }[] }) => m.cases.some((c) => c.caseId === res.body.caseId));
    expect(match.givenName).toBe('Am\u00e9lie');
  });
});

describe('monitoring and the access log', () => {
  it('API-09: the gateway does not publish /metrics to the internet: without the scrape token it is 404, with it 200', async () => {
    await request(stack.gatewayUrl).get('/metrics').expect(404);
    await request(stack.gatewayUrl).get('/metrics').set('authorization', 'Bearer not-the-token').expect(404);
    const scraped = await request(stack.gatewayUrl).get('/metrics').set('authorization', `Bearer ${stack.env.gateway.METRICS_TOKEN}`).expect(200);
    expect(scraped.text).toMatch(/http_request_duration/);
  });

  it('API-02: an audit cursor beyond the sequence range is 400, not 500', async () => {
    const dpo = await tokenFor('police', ['dpo'], 'hardening-dpo');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date().toISOString();
    const res = await api(dpo, 'audit').get(`/api/v1/audit?from=${from}&to=${to}&after=9999999999999999999`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it("LAW-03: a DPO refused another agency's access log is itself logged in that service", async () => {
    const dpo = await tokenFor('advocacy', ['dpo'], 'hardening-charity-dpo');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    await api(dpo, 'audit').get(`/api/v1/audit?from=${from}&to=${to}`).expect(200); // its own agency's part answers
    const denied = await queryService<{ n: number }>(
      stack,
      'intake',
      `SELECT count(*)::int AS n FROM access_log WHERE action = 'audit.read' AND decision = 'deny' AND actor_subject = $1`,
      ['hardening-charity-dpo'],
    );
    expect(denied[0].n).toBeGreaterThanOrEqual(1);
  });
});
