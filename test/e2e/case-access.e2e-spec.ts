import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEV_ISSUER_BASE } from '@stac/auth';
import { CASE_PART, GET_RISK_SUMMARY } from '@stac/contracts';
import type { Agency, Role } from '@stac/domain';
import { callService, NamespacedNatsClient, RpcCallError } from '@stac/runtime';
import { handled, queryService, syntheticReferral } from './builders';
import { scrapeMetrics, startStack, tokenFor, type Stack } from './stack-harness';

jest.setTimeout(400_000);

/**
 * Exclusions, assignments, panel seats and break-glass recorded in intake hold in every service that decides
 * (AC-14): each service keeps them from `intake.case.access-changed.v1` beside its own relationships. Per
 * service, through its own routes (called directly over NATS, as the gateway calls it) and through the
 * gateway: an excluded user gets the bytes a random case id gets (AC-07, AC-09); break-glass opened in intake
 * reads there read-only until it ends, never past an exclusion (AC-06); an ended relationship is refused on
 * the very next request once the event is handled (AC-12). Barriers are the inbox rows (`handled`), never sleeps.
 */
let stack: Stack;
let rpc: NamespacedNatsClient;
const PARTNERS = ['risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;
type Partner = (typeof PARTNERS)[number];

type Who = { agency: Agency; role: Role; subject: string; token: string };
const people: Record<string, Who> = {};
async function user(key: string, agency: Agency, role: Role): Promise<Who> {
  const subject = `ca-${key}-${process.pid}`;
  people[key] = { agency, role, subject, token: await tokenFor(agency, [role], subject) };
  return people[key];
}
const issuerOf = (w: Who) => `${DEV_ISSUER_BASE}/${w.agency}`;

function api(who: Who, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${who.token}`).set('x-purpose-of-use', purpose);
  return { post: (path: string) => auth(base.post(path)), get: (path: string) => auth(base.get(path)), delete: (path: string) => auth(base.delete(path)) };
}

/** A service's part of the case asked of the service itself: the answer's status and bytes. */
async function direct(service: Partner | 'intake', who: Who, caseId: string, purpose = 'safeguarding', pattern: string = CASE_PART[service]): Promise<{ status: number; body: string }> {
  try {
    const data = await callService(rpc, pattern, { correlationId: `ca-${randomUUID()}`, token: who.token, purpose, body: { caseId } }, 10_000, service);
    return { status: 200, body: JSON.stringify(data) };
  } catch (e) {
    if (e instanceof RpcCallError) return { status: e.problem.status, body: JSON.stringify(e.problem) };
    throw e;
  }
}

/** Each partner service's own reader of its part, and that service's own route through the gateway. */
const READERS: Record<Partner, { key: string; purpose: string; path: string }> = {
  'risk-assessment': { key: 'assessor', purpose: 'investigation', path: '/risk-tasks' },
  advocacy: { key: 'advocate', purpose: 'safeguarding', path: '/advocacy' },
  'mental-health': { key: 'officer', purpose: 'safeguarding', path: '/mental-health/checks' },
  probation: { key: 'probation-officer', purpose: 'risk-management', path: '/probation' },
};

async function refer(): Promise<string> {
  const res = await api(people.screener, 'investigation').post('/api/v1/referrals').send(syntheticReferral('CA')).expect(201);
  const caseId = res.body.caseId as string;
  for (const s of PARTNERS) await handled(stack, s, caseId, 'intake.case.referred');
  return caseId;
}

/** Every partner service has handled intake's newest announcement of who may see the case. */
async function announced(caseId: string): Promise<void> {
  for (const s of PARTNERS) await handled(stack, s, caseId, 'intake.case.access-changed', 'latest');
}

beforeAll(async () => {
  stack = await startStack();
  rpc = new NamespacedNatsClient(stack.natsOptions('gateway'), stack.namespace);
  await rpc.connect();
  await user('screener', 'police', 'stac-screener');
  await user('lead', 'police', 'stac-lead');
  await user('assessor', 'police', 'risk-assessor');
  await user('officer', 'police', 'case-officer');
  await user('advocate', 'advocacy', 'advocate');
  await user('probation-officer', 'probation', 'probation-officer');
  await user('mh-lead', 'mental-health', 'mh-lead');
  await user('prosecutor', 'cps', 'prosecutor');
  await user('dpo', 'police', 'dpo');
}, 300_000);

afterAll(async () => {
  await rpc?.close();
  await stack?.stop();
}, 60_000);

describe('AC-14/AC-07: an exclusion recorded in intake holds in every service', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await refer();
    // Positive control first: each reader opens the case in its service, directly and through the gateway.
    for (const s of PARTNERS) {
      const r = READERS[s];
      expect({ s, status: (await direct(s, people[r.key], caseId, r.purpose)).status }).toEqual({ s, status: 200 });
      await api(people[r.key], r.purpose).get(`/api/v1/cases/${caseId}${r.path}`).expect(200);
    }
    for (const s of PARTNERS) {
      const w = people[READERS[s].key];
      await api(people.lead).post(`/api/v1/cases/${caseId}/exclusions`).send({ issuer: issuerOf(w), subject: w.subject }).expect(201);
    }
    await announced(caseId);
  });

  it.each(PARTNERS)('AC-14: %s answers the excluded user, on its own route and through the gateway, exactly as for a random case id', async (s) => {
    const r = READERS[s];
    const w = people[r.key];
    const random = randomUUID();
    const hidden = await direct(s, w, caseId, r.purpose);
    const missing = await direct(s, w, random, r.purpose);
    expect({ s, ...hidden }).toEqual({ s, ...missing, status: 404 });
    const viaGateway = await api(w, r.purpose).get(`/api/v1/cases/${caseId}${r.path}`);
    const missingViaGateway = await api(w, r.purpose).get(`/api/v1/cases/${random}${r.path}`);
    expect({ s, status: viaGateway.status, text: viaGateway.text, type: viaGateway.headers['content-type'] }).toEqual({
      s,
      status: 404,
      text: missingViaGateway.text,
      type: missingViaGateway.headers['content-type'],
    });
    // Another user of the same team, not excluded, still opens it.
    const colleague = await user(`${r.key}-colleague`, w.agency, w.role);
    expect((await direct(s, colleague, caseId, r.purpose)).status).toBe(200);
    if (s === 'risk-assessment') {
      // The shareable risk summary too.
      const summary = await direct(s, w, caseId, r.purpose, GET_RISK_SUMMARY);
      expect(summary).toEqual({ ...(await direct(s, w, random, r.purpose, GET_RISK_SUMMARY)), status: 404 });
      expect((await direct(s, colleague, caseId, r.purpose, GET_RISK_SUMMARY)).status).toBe(200);
    }
  });
});

describe('AC-06: break-glass opened in intake reads in every service, read-only and time-boxed, never past an exclusion', () => {
  let caseId: string;
  let glass: { relationshipId: string; validTo: string };
  beforeAll(async () => {
    caseId = await refer();
    // The trust's relationships to this case have ended everywhere: its lead sees nothing, in any service.
    for (const s of ['intake', ...PARTNERS] as const) {
      await queryService(stack, s, `UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND agency = 'mental-health'`, [caseId]);
      expect({ s, status: (await direct(s, people['mh-lead'], caseId)).status }).toEqual({ s, status: 404 });
    }
    glass = (await api(people['mh-lead']).post(`/api/v1/cases/${caseId}/break-glass`).send({ justification: 'Patient disclosed intent to harm the victim tonight' }).expect(201)).body;
    await announced(caseId);
  });

  it.each(PARTNERS)('AC-06: %s lets the break-glass holder read its part, read-only, until the break-glass ends', async (s) => {
    expect({ s, status: (await direct(s, people['mh-lead'], caseId)).status }).toEqual({ s, status: 200 });
    const [held] = await queryService<{ read_only: boolean; valid_to: Date; issuer: string }>(
      stack,
      s,
      `SELECT read_only, valid_to, issuer FROM case_relationship WHERE id = $1 AND kind = 'BREAK_GLASS' AND subject = $2`,
      [glass.relationshipId, people['mh-lead'].subject],
    );
    expect(held).toEqual({ read_only: true, valid_to: new Date(glass.validTo), issuer: issuerOf(people['mh-lead']) });
  });

  it('AC-06: through the gateway the holder sees every partner part; the police DPO finds the alarm and the open review', async () => {
    const view = (await api(people['mh-lead']).get(`/api/v1/cases/${caseId}`).expect(200)).body;
    expect({ risk: view.riskAssessment.status, advocacy: view.advocacy.status, mh: view.mentalHealth.status, probation: view.probation.status }).toEqual({
      risk: 'available',
      advocacy: 'available',
      mh: 'available',
      probation: 'available',
    });
    // Read-only: changing who has access is refused to the holder.
    await api(people['mh-lead'])
      .post(`/api/v1/cases/${caseId}/relationships`)
      .send({ kind: 'ASSIGNMENT', agency: 'mental-health', subject: 'someone', issuer: issuerOf(people['mh-lead']) })
      .expect(403);
    // The alarm: intake's consumer counted it, and the review is on the DPO's worklist, alerted.
    await handled(stack, 'intake', caseId, 'intake.access.break-glass-opened');
    const metrics = await scrapeMetrics(stack, 'intake').expect(200);
    expect(metrics.text).toMatch(/stac_security_alerts_total\{kind="break-glass"[^}]*\} [1-9]/);
    let found: { reviewId: string; relationshipId: string; alertedAt: string | null; version: number } | undefined;
    let cursor: string | null = null;
    do {
      const page: request.Response = await api(people.dpo, 'audit').get(`/api/v1/worklists/break-glass-reviews?limit=50${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      found ??= page.body.reviews.find((r: { relationshipId: string }) => r.relationshipId === glass.relationshipId);
      cursor = page.body.nextCursor;
    } while (cursor && !found);
    expect(found?.alertedAt).toEqual(expect.any(String));
    const done = await api(people.dpo, 'audit')
      .post(`/api/v1/break-glass-reviews/${found!.reviewId}/completion`)
      .set('if-match', `"${found!.version}"`)
      .send({ outcome: 'JUSTIFIED', note: 'Disclosure confirmed with the clinician; access proportionate' })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'REVIEWED', outcome: 'JUSTIFIED' });
    await api(people.lead, 'audit').get('/api/v1/worklists/break-glass-reviews').expect(403);
  });

  it('AC-06/AC-07: an exclusion overrides break-glass in every service; and a break-glass past its end opens nothing', async () => {
    // Time-boxed: a replica whose break-glass has ended (its copied end passed) refuses the holder.
    const other = await refer();
    for (const s of ['intake', ...PARTNERS] as const) await queryService(stack, s, `UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND agency = 'mental-health'`, [other]);
    const g = (await api(people['mh-lead']).post(`/api/v1/cases/${other}/break-glass`).send({ justification: 'Urgent risk to the victim reported out of hours' }).expect(201)).body;
    await announced(other);
    for (const s of PARTNERS) {
      expect({ s, status: (await direct(s, people['mh-lead'], other)).status }).toEqual({ s, status: 200 });
      await queryService(stack, s, `UPDATE case_relationship SET valid_to = now() - interval '1 second' WHERE id = $1`, [g.relationshipId]);
      expect({ s, status: (await direct(s, people['mh-lead'], other)).status }).toEqual({ s, status: 404 });
    }
    // Excluded while holding break-glass: 404 in every service, the bytes of a random id.
    await api(people.lead).post(`/api/v1/cases/${caseId}/exclusions`).send({ issuer: issuerOf(people['mh-lead']), subject: people['mh-lead'].subject }).expect(201);
    await announced(caseId);
    const random = randomUUID();
    for (const s of PARTNERS) {
      const hidden = await direct(s, people['mh-lead'], caseId);
      expect({ s, ...hidden }).toEqual({ s, ...(await direct(s, people['mh-lead'], random)), status: 404 });
    }
  });
});

describe('AC-12/AC-14: a relationship ended in intake is refused in every service on the next request after the event is handled', () => {
  it('AC-12: a panel seat granted to a prosecutor opens every partner part; ended, each service refuses the very next request', async () => {
    const caseId = await refer();
    const random = randomUUID();
    for (const s of PARTNERS) expect({ s, status: (await direct(s, people.prosecutor, caseId)).status }).toEqual({ s, status: 404 });
    const seat = await api(people.lead)
      .post(`/api/v1/cases/${caseId}/relationships`)
      .send({ kind: 'CONSULTATION_PANEL', agency: 'cps', subject: people.prosecutor.subject, issuer: issuerOf(people.prosecutor) })
      .expect(201);
    await announced(caseId);
    for (const s of PARTNERS) expect({ s, status: (await direct(s, people.prosecutor, caseId)).status }).toEqual({ s, status: 200 });
    await api(people.lead).get(`/api/v1/cases/${caseId}`).expect(200);
    await api(people.lead).delete(`/api/v1/cases/${caseId}/relationships/${seat.body.relationshipId}`).expect(204);
    await announced(caseId);
    for (const s of PARTNERS) {
      const refused = await direct(s, people.prosecutor, caseId);
      expect({ s, ...refused }).toEqual({ s, ...(await direct(s, people.prosecutor, random)), status: 404 });
    }
    // Through the gateway too: the case is the 404 of a random id.
    const gone = await api(people.prosecutor).get(`/api/v1/cases/${caseId}`);
    expect({ status: gone.status, text: gone.text }).toEqual({ status: 404, text: (await api(people.prosecutor).get(`/api/v1/cases/${random}`)).text });
  });
});
