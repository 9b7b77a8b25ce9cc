import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEV_ISSUER_BASE } from '@stac/auth';
import { CASE_PART, GET_RISK_SUMMARY, RISK_CASE_VIEW } from '@stac/contracts';
import type { Agency, Role } from '@stac/domain';
import { callService, NamespacedNatsClient, RpcCallError } from '@stac/runtime';
import { eventually } from '@stac/testing';
import { handled, queryService, syntheticReferral } from './builders';
import { startStack, tokenFor, type Stack } from './stack-harness';

jest.setTimeout(400_000);

/**
 * Restricted records (AC-15) end to end: a staff-linked case referred by a screener is visible only to the
 * people named on it, in every service. A named officer sees every agency's part; an officer of the same
 * team who is not named gets, from the gateway and from each service called directly, exactly the bytes a
 * random case id gets (AC-09), and the partner agencies' own routes answer the same. Ending a naming takes
 * the case away from that officer everywhere. Field-group grants and revocations through the API (AC-03).
 */
let stack: Stack;
let rpc: NamespacedNatsClient;
const SERVICES = ['intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;

type Who = { agency: Agency; role: Role; subject: string; token: string };
const people: Record<string, Who> = {};
async function user(key: string, agency: Agency, role: Role): Promise<Who> {
  const subject = `rr-${key}`;
  people[key] = { agency, role, subject, token: await tokenFor(agency, [role], subject) };
  return people[key];
}

function api(who: Who, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${who.token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    put: (path: string) => auth(base.put(path)),
    get: (path: string) => auth(base.get(path)),
    delete: (path: string) => auth(base.delete(path)),
  };
}

/** A case part straight from a service, as the gateway would ask for it: the answer or the problem's bytes. */
async function direct(service: (typeof SERVICES)[number], who: Who, caseId: string, pattern: string = CASE_PART[service]): Promise<{ status: number; body: string }> {
  try {
    const data = await callService(rpc, pattern, { correlationId: `rr-${randomUUID()}`, token: who.token, purpose: 'safeguarding', body: { caseId } }, 10_000, service);
    return { status: 200, body: JSON.stringify(data) };
  } catch (e) {
    if (e instanceof RpcCallError) return { status: e.problem.status, body: JSON.stringify(e.problem) };
    throw e;
  }
}

async function refer(flags: string[], by: Who): Promise<string> {
  const res = await api(by, 'investigation')
    .post('/api/v1/referrals')
    .send(syntheticReferral('RR', { flags }))
    .expect(201);
  return res.body.caseId as string;
}

/** The restriction's version as intake announced it last. */
async function announcedVersion(caseId: string): Promise<number> {
  const [row] = await queryService<{ v: number }>(
    stack,
    'intake',
    `SELECT max((envelope->>'aggregateVersion')::int) AS v FROM outbox WHERE envelope->>'caseId' = $1 AND subject = 'intake.case.restriction-changed.v1'`,
    [caseId],
  );
  return row.v;
}

/** Every service holds the restriction as intake last announced it (the positive barrier before any absence). */
async function replicated(caseId: string): Promise<void> {
  const version = await announcedVersion(caseId);
  for (const service of SERVICES.filter((s) => s !== 'intake')) {
    await eventually(
      async () => (await queryService<{ version: number }>(stack, service, `SELECT version FROM case_restriction WHERE case_id = $1`, [caseId]))[0]?.version === version,
      { timeoutMs: 20_000, what: `${service} to hold restriction version ${version}` },
    );
  }
}

beforeAll(async () => {
  stack = await startStack();
  rpc = new NamespacedNatsClient(stack.natsOptions('gateway'), stack.namespace);
  await rpc.connect();
  await user('screener', 'police', 'stac-screener');
  await user('lead', 'police', 'stac-lead');
  await user('named', 'police', 'case-officer');
  await user('unnamed', 'police', 'case-officer');
  await user('assessor', 'police', 'risk-assessor');
  await user('advocate-named', 'advocacy', 'advocate');
  await user('advocate-unnamed', 'advocacy', 'advocate');
  await user('clinician-unnamed', 'mental-health', 'mh-clinician');
  await user('probation-a', 'probation', 'probation-officer');
  await user('probation-b', 'probation', 'probation-officer');
}, 300_000);

afterAll(async () => {
  await rpc?.close();
  await stack?.stop();
}, 60_000);

describe('AC-15: a staff-linked case is visible only to the people named on it, in every service', () => {
  let caseId: string;
  /** The same referral without the flag: what every refusal below is compared against (a positive control). */
  let control: string;
  let namedGrant: string;

  beforeAll(async () => {
    caseId = await refer(['STAFF_LINKED', 'DOMESTIC'], people.screener);
    control = await refer(['DOMESTIC'], people.screener);
    // Every service has opened its part of both cases (the referral event handled) before anyone is asked.
    for (const s of SERVICES.filter((x) => x !== 'intake')) {
      await handled(stack, s, caseId, 'intake.case.referred');
      await handled(stack, s, control, 'intake.case.referred');
    }
    const dev = (agency: Agency) => `${DEV_ISSUER_BASE}/${agency}`;
    const named = await api(people.lead)
      .post(`/api/v1/cases/${caseId}/restriction/named-people`)
      .send({ issuer: dev('police'), subject: people.named.subject, reason: 'Investigating officer, professional standards' })
      .expect(201);
    namedGrant = named.body.grantId;
    await api(people.lead)
      .post(`/api/v1/cases/${caseId}/restriction/named-people`)
      .send({ issuer: dev('advocacy'), subject: people['advocate-named'].subject, reason: 'Allocated ISAC for this victim' })
      .expect(201);
    await replicated(caseId);
  });

  it('AC-09: the gateway case view: the named officer sees every part; an unnamed officer of the same team gets the bytes of a random id', async () => {
    const view = await eventually(
      async () => {
        const v = (await api(people.named).get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return [v.riskAssessment, v.advocacy, v.mentalHealth, v.probation].every((p) => p.status === 'available') ? v : undefined;
      },
      { timeoutMs: 30_000, what: "every agency's part for the named officer" },
    );
    expect(view.intake.flags).toEqual(expect.arrayContaining(['STAFF_LINKED']));
    const hidden = await api(people.unnamed).get(`/api/v1/cases/${caseId}`).expect(404);
    const missing = await api(people.unnamed).get(`/api/v1/cases/${randomUUID()}`).expect(404);
    expect(hidden.text).toBe(missing.text);
    expect(hidden.headers['content-type']).toBe(missing.headers['content-type']);
    // The referrer was named by the referral itself.
    await api(people.screener).get(`/api/v1/cases/${caseId}`).expect(200);
  });

  it('AC-09/AC-14: each service called directly answers the unnamed officer exactly as for a random id, and the named officer with its part', async () => {
    const random = randomUUID();
    const patterns: [(typeof SERVICES)[number], string][] = [...SERVICES.map((s) => [s, CASE_PART[s]] as [(typeof SERVICES)[number], string]), ['risk-assessment', GET_RISK_SUMMARY]];
    for (const [service, pattern] of patterns) {
      const hidden = await direct(service, people.unnamed, caseId, pattern);
      const missing = await direct(service, people.unnamed, random, pattern);
      expect({ service, pattern, ...hidden }).toEqual({ service, pattern, ...missing, status: 404 });
      // The same officer on the unrestricted case, and the named one on this case, are answered.
      const open = await direct(service, people.unnamed, control, pattern);
      const seen = await direct(service, people.named, caseId, pattern);
      expect({ service, pattern, open: open.status, seen: seen.status }).toEqual({ service, pattern, open: seen.status, seen: seen.status });
      if (pattern !== GET_RISK_SUMMARY) expect({ service, status: seen.status, empty: seen.body === 'null' }).toEqual({ service, status: 200, empty: false });
    }
    // Risk's combined case-view request answers each part as its own request does: for the unnamed officer
    // the bytes of a random id, for the named one both parts.
    const hidden = await direct('risk-assessment', people.unnamed, caseId, RISK_CASE_VIEW);
    const missing = await direct('risk-assessment', people.unnamed, random, RISK_CASE_VIEW);
    expect(hidden).toEqual(missing);
    expect(JSON.parse(hidden.body)).toMatchObject({ screeningTask: { ok: false, problem: { status: 404 } }, summary: { ok: false, problem: { status: 404 } } });
    const seen = JSON.parse((await direct('risk-assessment', people.named, caseId, RISK_CASE_VIEW)).body);
    const alone = [await direct('risk-assessment', people.named, caseId), await direct('risk-assessment', people.named, caseId, GET_RISK_SUMMARY)].map((r) => JSON.parse(r.body));
    expect(seen).toEqual({ screeningTask: { ok: true, answer: alone[0] }, summary: { ok: true, answer: alone[1] } });
  });

  it("AC-09: each agency's own routes answer the unnamed the bytes of a random id (risk, the trust, probation, advocacy)", async () => {
    const random = randomUUID();
    const routes: [Who, Who, string, string][] = [
      [people.assessor, people.named, 'investigation', '/risk-tasks'],
      [people.unnamed, people.named, 'safeguarding', '/mental-health/checks'],
      [people['advocate-unnamed'], people['advocate-named'], 'safeguarding', '/advocacy'],
    ];
    for (const [unnamed, named, purpose, path] of routes) {
      const hidden = await api(unnamed, purpose).get(`/api/v1/cases/${caseId}${path}`);
      const missing = await api(unnamed, purpose).get(`/api/v1/cases/${random}${path}`);
      expect({ path, status: hidden.status, text: hidden.text }).toEqual({ path, status: 404, text: missing.text });
      await api(unnamed, purpose).get(`/api/v1/cases/${control}${path}`).expect(200);
      await api(named, purpose).get(`/api/v1/cases/${caseId}${path}`).expect(200);
    }
    // Probation's practitioners are named on nothing here: the whole probation record is 404 to them.
    const hidden = await api(people['probation-a'], 'risk-management').get(`/api/v1/cases/${caseId}/probation`);
    const missing = await api(people['probation-a'], 'risk-management').get(`/api/v1/cases/${random}/probation`);
    expect({ status: hidden.status, text: hidden.text }).toEqual({ status: 404, text: missing.text });
    await api(people['probation-a'], 'risk-management').get(`/api/v1/cases/${control}/probation`).expect(200);
    // Worklists never list the case to anyone not named: risk's open screening tasks of the police team.
    const tasks = (await api(people.assessor, 'risk-management').get('/api/v1/risk/worklist').expect(200)).body.openTasks as { caseId: string }[];
    expect(tasks.map((t) => t.caseId)).toContain(control);
    expect(tasks.map((t) => t.caseId)).not.toContain(caseId);
  });

  it('AC-12: ending a naming takes the case away from that officer in every service; the lead manages names without being named', async () => {
    // The lead is not named: the case itself is 404 to them, its access list is theirs to manage.
    await api(people.lead).get(`/api/v1/cases/${caseId}`).expect(404);
    const restriction = await api(people.lead).get(`/api/v1/cases/${caseId}/restriction`).expect(200);
    expect(restriction.body).toMatchObject({ restricted: true, kinds: ['STAFF_LINKED'] });
    expect(restriction.body.named.filter((n: { inForce: boolean }) => n.inForce).map((n: { subject: string }) => n.subject).sort()).toEqual(
      [people.screener.subject, people.named.subject, people['advocate-named'].subject].sort(),
    );
    await api(people.lead).delete(`/api/v1/cases/${caseId}/restriction/named-people/${namedGrant}`).expect(204);
    // Intake refuses at once (the next request); the others once the announcement has landed.
    await api(people.named).get(`/api/v1/cases/${caseId}`).expect(404);
    await replicated(caseId);
    for (const service of SERVICES) expect({ service, status: (await direct(service, people.named, caseId)).status }).toEqual({ service, status: 404 });
    // The unnamed stay unnamed; no one but a lead of the owning team changes names.
    await api(people.unnamed)
      .post(`/api/v1/cases/${caseId}/restriction/named-people`)
      .send({ issuer: `${DEV_ISSUER_BASE}/police`, subject: people.unnamed.subject, reason: 'Adding myself to the case' })
      .expect(403);
  });

  it('AC-14: a lead restricts an unrestricted case with If-Match and every service follows; lifting it opens it again', async () => {
    const other = await refer(['DOMESTIC'], people.screener);
    for (const s of SERVICES.filter((x) => x !== 'intake')) await handled(stack, s, other, 'intake.case.referred');
    await api(people.unnamed).get(`/api/v1/cases/${other}`).expect(200);
    const before = await api(people.lead).get(`/api/v1/cases/${other}/restriction`).expect(200);
    expect(before.headers.etag).toBe('"0"');
    await api(people.lead).put(`/api/v1/cases/${other}/restriction`).send({ kinds: ['PUBLIC_FIGURE'], reason: 'The victim is a public figure' }).expect(428);
    const restricted = await api(people.lead)
      .put(`/api/v1/cases/${other}/restriction`)
      .set('if-match', before.headers.etag)
      .send({ kinds: ['PUBLIC_FIGURE'], reason: 'The victim is a public figure' })
      .expect(200);
    await api(people.unnamed).get(`/api/v1/cases/${other}`).expect(404);
    await replicated(other);
    expect((await direct('mental-health', people.unnamed, other)).status).toBe(404);
    await api(people.lead).put(`/api/v1/cases/${other}/restriction`).set('if-match', before.headers.etag).send({ kinds: [], reason: 'Restricted by mistake' }).expect(412);
    await api(people.lead).put(`/api/v1/cases/${other}/restriction`).set('if-match', restricted.headers.etag).send({ kinds: [], reason: 'Restricted by mistake' }).expect(200);
    await replicated(other);
    await api(people.unnamed).get(`/api/v1/cases/${other}`).expect(200);
    expect((await direct('mental-health', people.unnamed, other)).status).toBe(200);
  });
});

describe('AC-03: field-group grants and revocations through the API', () => {
  it('AC-12/LAW-01: a lead grants victim.location to one probation officer with a reason and an end date; it takes effect on the next request and is logged; revoked, it is gone', async () => {
    const caseId = await refer(['DOMESTIC'], people.screener);
    const ask = (who: Who) => api(who, 'safeguarding').get(`/api/v1/cases/${caseId}?include=victim.location`);
    expect((await ask(people['probation-a'])).status).toBe(403);
    const validTo = new Date(Date.now() + 14 * 86_400_000).toISOString();
    const granted = await api(people.lead)
      .post(`/api/v1/cases/${caseId}/field-group-grants`)
      .send({ fieldGroup: 'victim.location', agency: 'probation', subject: people['probation-a'].subject, issuer: `${DEV_ISSUER_BASE}/probation`, reason: 'Exclusion zone for the licence conditions', validTo })
      .expect(201);
    expect(granted.body).toMatchObject({ status: 'IN_FORCE', fieldGroup: 'victim.location', subject: people['probation-a'].subject });
    expect((await ask(people['probation-a'])).status).toBe(200);
    expect((await ask(people['probation-b'])).status).toBe(403);
    // Not a lead: 403; a grant ending in the past: 400 naming the field.
    await api(people.screener)
      .post(`/api/v1/cases/${caseId}/field-group-grants`)
      .send({ fieldGroup: 'victim.location', agency: 'probation', reason: 'Screener trying to grant', validTo })
      .expect(403);
    const past = await api(people.lead)
      .post(`/api/v1/cases/${caseId}/field-group-grants`)
      .send({ fieldGroup: 'victim.location', agency: 'probation', reason: 'Ends before it starts', validTo: '2020-01-01T00:00:00Z' })
      .expect(400);
    expect(past.body.errors).toEqual([{ field: 'validTo', message: 'validTo must be in the future' }]);
    const revoked = await api(people.lead)
      .post(`/api/v1/cases/${caseId}/field-group-grants/${granted.body.grantId}/revocation`)
      .send({ reason: 'Licence conditions agreed' })
      .expect(200);
    expect(revoked.body.status).toBe('REVOKED');
    expect((await ask(people['probation-a'])).status).toBe(403);
    const list = await api(people.lead).get(`/api/v1/cases/${caseId}/field-group-grants`).expect(200);
    expect(list.body.grants.map((g: { grantId: string; status: string }) => [g.grantId, g.status])).toEqual([[granted.body.grantId, 'REVOKED']]);
    // LAW-01: the grant, the revocation (each with its reason) and the list that disclosed it.
    const logged = await queryService<{ operation: string; action: string; justification: string }>(
      stack,
      'intake',
      `SELECT operation, action, justification FROM access_log WHERE record_type = 'field-group-grant' AND $1 = ANY(record_ids) ORDER BY occurred_at`,
      [granted.body.grantId],
    );
    expect(logged).toEqual([
      { operation: 'alteration', action: 'case.field-group.grant', justification: 'Exclusion zone for the licence conditions' },
      { operation: 'alteration', action: 'case.field-group.revoke', justification: 'Licence conditions agreed' },
      { operation: 'consultation', action: 'case.field-group.manage', justification: null },
    ]);
  });
});
