import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { connect } from '@nats-io/transport-node';
import { ChainKey, latestAnchor } from '@stac/auth';
import { eventually } from '@stac/testing';
import { verifyAll } from '../../tools/audit/src/verify';
import { DOMAIN_SERVICES } from '../../tools/stack/src/stack-env';
import { handled, syntheticReferral } from './builders';
import { scrapeMetrics, startStack, tokenFor, type Stack } from './stack-harness';

jest.setTimeout(60_000);

let stack: Stack;
let policeToken: string;

/** Requests as a police S-TAC screener with a declared purpose of use: real tokens, no auth bypass. */
function api(token = policeToken, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    get: (path: string) => auth(base.get(path)),
  };
}

/** A synthetic referral; crime references are unique per run so repeated runs never collide. */
const referral = (overrides: Record<string, unknown> = {}) => syntheticReferral('E2E', overrides);

async function count(table: string): Promise<number> {
  const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${table}`);
    return rows[0].n;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  // Anchors every 300 ms, so the last test sees the chain heads anchored without waiting a minute.
  const anchorSoon = Object.fromEntries(DOMAIN_SERVICES.map((s) => [s, { AUDIT_ANCHOR_INTERVAL_MS: '300' }]));
  stack = await startStack({ overrides: { ...anchorSoon, gateway: { RPC_TIMEOUT_MS: '1500', CIRCUIT_HALF_OPEN_MS: '3000' } } });
  policeToken = await tokenFor('police', ['stac-screener'], 'e2e-screener');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('foundation flow: a referral reaches every agency', () => {
  it('REL-01/REL-02: POST /api/v1/referrals creates the case and all four downstream parts appear on the case view', async () => {
    const res = await api().post('/api/v1/referrals').send(referral()).expect(201);
    expect(res.body).toEqual({
      caseId: expect.any(String),
      status: 'REFERRED',
      referredAt: expect.any(String),
      created: true,
    });
    expect(res.headers.location).toBe(`/api/v1/cases/${res.body.caseId}`);

    const view = await eventually(
      async () => {
        const v = await api().get(`/api/v1/cases/${res.body.caseId}`).expect(200);
        // The risk summary opens with the screening task's commit, but is read by a second request to risk
        // that can run just before that commit while the first runs just after it: wait for both.
        const parts = [v.body.riskAssessment, v.body.riskSummary, v.body.advocacy, v.body.mentalHealth, v.body.probation];
        return parts.every((p) => p.status === 'available') ? v.body : undefined;
      },
      { timeoutMs: 15_000, what: 'all four downstream parts (and the risk summary) on the case view' },
    );
    expect(view.intake).toMatchObject({
      caseId: res.body.caseId,
      status: 'REFERRED',
      offenceClass: 'S4A_FEAR',
      bcu: 'CE',
    });
    expect(view.intake.people.map((p: { role: string }) => p.role).sort()).toEqual([
      'PERSON_OF_CONCERN',
      'VICTIM',
    ]);
    expect(view.intake.incidents).toHaveLength(2);
    expect(view.riskAssessment.data).toMatchObject({
      status: 'OPEN',
      instrument: 'S_DASH',
      reason: 'NEW_REFERRAL',
    });
    expect(view.advocacy.data).toMatchObject({ status: 'PENDING' });
    expect(view.mentalHealth.data).toMatchObject({ status: 'REQUESTED', answer: null });
    expect(view.probation.data).toMatchObject({ status: 'REQUESTED', answer: null });
    expect(view.riskSummary).toMatchObject({ status: 'available', data: { caseId: res.body.caseId, level: null } });

    // AC-03: the owning team asks for a field group of the case record; the other parts still answer.
    const withLocation = await api().get(`/api/v1/cases/${res.body.caseId}?include=victim.location`).expect(200);
    expect(withLocation.body.advocacy.status).toBe('available');
    await api().get(`/api/v1/cases/${res.body.caseId}?include=no.such-group`).expect(400);
  });

  it('REL-04: a retry with the same Idempotency-Key replays the first answer and creates nothing new', async () => {
    const body = referral();
    const key = `key-${randomUUID()}`;
    const first = await api().post('/api/v1/referrals').set('Idempotency-Key', key).send(body).expect(201);
    const cases = await count('stalking_case');
    const again = await api().post('/api/v1/referrals').set('Idempotency-Key', key).send(body).expect(201);
    expect(again.body).toEqual(first.body);
    expect(await count('stalking_case')).toBe(cases);

    const different = await api()
      .post('/api/v1/referrals')
      .set('Idempotency-Key', key)
      .send({ ...body, bcu: 'NW' })
      .expect(422);
    expect(different.body.code).toBe('idempotency-key-reused');
  });

  it('a second referral of the same crime reference returns the existing case, not a duplicate', async () => {
    const body = referral();
    const first = await api().post('/api/v1/referrals').send(body).expect(201);
    const second = await api().post('/api/v1/referrals').send(body).expect(200);
    expect(second.body).toMatchObject({ caseId: first.body.caseId, created: false });
  });

  it('API-04: an unknown case is 404 problem+json and a malformed id is 400 before any lookup', async () => {
    const missing = await api().get(`/api/v1/cases/${randomUUID()}`).expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, code: 'case-not-found' });
    const bad = await api().get('/api/v1/cases/not-a-uuid').expect(400);
    expect(bad.body.code).toBe('invalid-id');
  });
});

describe('AC-05: advocacy hears of a victim only with consent or a recorded lawful override', () => {
  const parts = async (caseId: string, token = policeToken) =>
    eventually(
      async () => {
        const v = (await api(token).get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return v.probation.status === 'available' && v.mentalHealth.status === 'available' ? v : undefined;
      },
      { timeoutMs: 15_000, what: 'checks opened' },
    );

  it('declined consent: no advocacy offer and no share with advocacy', async () => {
    const res = await api().post('/api/v1/referrals').send(referral({ advocacyReferral: 'CONSENT_DECLINED' })).expect(201);
    const view = await parts(res.body.caseId);
    // Advocacy's handler of this referral has committed (its inbox row): no offer now means none ever.
    await handled(stack, 'advocacy', res.body.caseId, 'intake.case.referred');
    expect((await api().get(`/api/v1/cases/${res.body.caseId}`).expect(200)).body.advocacy).toEqual({ status: 'none' });
    expect(view.intake.caseId).toBe(res.body.caseId);
    const advocate = await tokenFor('advocacy', ['advocate'], 'ac05-advocate');
    await api(advocate).get(`/api/v1/cases/${res.body.caseId}`).expect(404);
  });

  it('an override needs its own permission, a basis, and is recorded with who decided', async () => {
    await api()
      .post('/api/v1/referrals')
      .send(referral({ advocacyReferral: 'LAWFUL_OVERRIDE', advocacyOverrideBasis: 'VITAL_INTERESTS' }))
      .expect(403);
    const lead = await tokenFor('police', ['stac-lead'], 'ac05-lead');
    const noBasis = await api(lead).post('/api/v1/referrals').send(referral({ advocacyReferral: 'LAWFUL_OVERRIDE' })).expect(400);
    expect(noBasis.body.errors.map((e: { field: string }) => e.field)).toContain('advocacyOverrideBasis');
    const stray = await api(lead)
      .post('/api/v1/referrals')
      .send(referral({ advocacyReferral: 'CONSENT_GIVEN', advocacyOverrideBasis: 'VITAL_INTERESTS' }))
      .expect(400);
    expect(stray.body.errors.map((e: { field: string }) => e.field)).toContain('advocacyOverrideBasis');
    const res = await api(lead)
      .post('/api/v1/referrals')
      .send(referral({ advocacyReferral: 'LAWFUL_OVERRIDE', advocacyOverrideBasis: 'VITAL_INTERESTS' }))
      .expect(201);
    await eventually(async () => (await api(lead).get(`/api/v1/cases/${res.body.caseId}`)).body.advocacy?.status === 'available', {
      timeoutMs: 15_000,
      what: 'advocacy offer after an override',
    });
    const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query(
        `SELECT actor_subject, legal_basis, recipients, operation FROM access_log WHERE action = 'referral.consent-override' AND $1 = ANY(record_ids)`,
        [res.body.caseId],
      );
      expect(rows).toEqual([{ actor_subject: 'ac05-lead', legal_basis: 'lawful-override:VITAL_INTERESTS', recipients: ['advocacy'], operation: 'disclosure' }]);
    } finally {
      await c.end();
    }
  });
});

describe('bad referral bodies: 400 problem+json naming the field, nothing stored', () => {
  const cases: [string, (r: Record<string, unknown>) => unknown, string][] = [
    ['API-01: mass assignment of id', (r) => ({ ...r, id: randomUUID() }), 'id'],
    ['API-01: mass assignment of status', (r) => ({ ...r, status: 'CLOSED' }), 'status'],
    ['missing crime reference', ({ crimeReference: _omit, ...r }) => r, 'crimeReference'],
    ['unknown offence class', (r) => ({ ...r, offenceClass: 'MURDER' }), 'offenceClass'],
    [
      'harassment without a not-stalking rationale',
      (r) => ({ ...r, offenceClass: 'S2' }),
      'notStalkingRationale',
    ],
    ['API-02: type confusion', (r) => ({ ...r, flags: 'DOMESTIC' }), 'flags'],
    [
      'API-02: impossible date',
      (r) => ({ ...r, victim: { givenName: 'A', dateOfBirth: '2026-02-30' } }),
      'victim.dateOfBirth',
    ],
    ['API-02: NUL in a name', (r) => ({ ...r, victim: { givenName: 'A\u0000B' } }), 'victim.givenName'],
    [
      'API-02: bidi override in a name',
      (r) => ({ ...r, victim: { givenName: 'A\u202eB' } }),
      'victim.givenName',
    ],
    [
      'API-02: oversize string',
      (r) => ({ ...r, victim: { familyName: 'x'.repeat(101) } }),
      'victim.familyName',
    ],
    [
      'API-02: unknown behaviour code',
      (r) => ({ ...r, incidents: [{ occurredAt: '2026-11-01T10:00:00Z', behaviours: ['HUGGING'] }] }),
      'incidents.0.behaviours',
    ],
    ['no incidents', (r) => ({ ...r, incidents: [] }), 'incidents'],
    [
      'API-01: extra nested field',
      (r) => ({ ...r, personOfConcern: { identityKnown: false, agency: 'police' } }),
      'personOfConcern.agency',
    ],
  ];

  it.each(cases)('%s', async (_name, mutate, field) => {
    const before = await count('stalking_case');
    const res = await api()
      .post('/api/v1/referrals')
      .send(mutate(referral()) as object)
      .expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, code: 'validation-failed' });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(res.body)).not.toMatch(/stack|at \/|\.ts:/);
    expect(await count('stalking_case')).toBe(before);
  });

  it('API-03/API-09: malformed JSON is 400, a non-JSON content type 415, an oversize body 413, __proto__ 400; afterwards healthy and nothing stored', async () => {
    const before = await count('stalking_case');
    const malformed = await api()
      .post('/api/v1/referrals')
      .set('content-type', 'application/json')
      .send('{"crimeReference": ')
      .expect(400);
    expect(malformed.body.code).toBe('malformed-json');
    const text = await api()
      .post('/api/v1/referrals')
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(text.body.code).toBe('unsupported-media-type');
    const big = await api()
      .post('/api/v1/referrals')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ ...referral(), pad: 'x'.repeat(70_000) }))
      .expect(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    const proto = await api()
      .post('/api/v1/referrals')
      .set('content-type', 'application/json')
      .send('{"__proto__": {"polluted": true}}')
      .expect(400);
    expect(proto.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await count('stalking_case')).toBe(before);
    await request(stack.gatewayUrl).get('/health/ready').expect(200);
  });
});

describe('operations', () => {
  it('every service answers /health/live, /health/ready and /metrics', async () => {
    for (const name of stack.services.names) {
      const url = stack.services.url(name);
      await request(url).get('/health/live').expect(200);
      const ready = await request(url).get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
      const metrics = await scrapeMetrics(stack, name).expect(200);
      expect(metrics.text).toContain(`service="${name}"`);
    }
  });

  it('OpenAPI 3.1 is served at /docs with the referral and case operations', async () => {
    const doc = await request(stack.gatewayUrl).get('/docs/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\.1/);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/referrals', '/api/v1/cases/{caseId}']),
    );
  });

  it('REL-05: with a service down its part is reported unavailable, and a call to it fails fast with 503/504', async () => {
    const created = await api().post('/api/v1/referrals').send(referral()).expect(201);
    const probationPart = async () => (await api().get(`/api/v1/cases/${created.body.caseId}`).expect(200)).body.probation;
    await eventually(async () => (await probationPart()).status === 'available', { timeoutMs: 15_000, what: 'probation part' });
    await stack.services.kill('probation', 'SIGTERM');
    try {
      const started = Date.now();
      const part = await probationPart();
      expect(part.status).toBe('unavailable');
      expect(['service-unavailable', 'service-timeout']).toContain(part.code);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await stack.services.restart('probation');
    }
    // Back as soon as it is ready again: nothing it held was lost.
    expect((await probationPart()).status).toBe('available');
  });


  it('REL-05: a service that keeps timing out has its circuit opened at the gateway: its calls answer 503 with Retry-After at once, the other parts stay available, and it closes once the service answers again', async () => {
    const created = await api().post('/api/v1/referrals').send(referral()).expect(201);
    const caseId: string = created.body.caseId;
    const mhToken = await tokenFor('mental-health', ['mh-liaison'], 'e2e-liaison');
    await stack.services.kill('mental-health', 'SIGSTOP');
    try {
      // CIRCUIT_FAILURE_THRESHOLD (5) timeouts of 1.5 s each open mental-health's circuit.
      for (let i = 0; i < 5; i++) {
        expect((await api().get(`/api/v1/cases/${caseId}`).expect(200)).body.mentalHealth).toEqual({ status: 'unavailable', code: 'service-timeout' });
      }
      const started = Date.now();
      const view = (await api().get(`/api/v1/cases/${caseId}`).expect(200)).body;
      expect(Date.now() - started).toBeLessThan(1000); // no longer waits out the deadline
      expect(view.mentalHealth).toEqual({ status: 'unavailable', code: 'service-circuit-open' });
      expect([view.riskAssessment.status, view.advocacy.status, view.probation.status]).toEqual(['available', 'available', 'available']);
      const refused = await api(mhToken).get(`/api/v1/cases/${caseId}/mental-health/checks`).expect(503);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('service-circuit-open');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(3);
    } finally {
      await stack.services.kill('mental-health', 'SIGCONT');
    }
    // After the half-open wait (3 s here) a trial call goes through and closes the circuit.
    await eventually(
      async () => ((await api().get(`/api/v1/cases/${caseId}`).expect(200)).body.mentalHealth.status === 'available' ? true : undefined),
      { timeoutMs: 15_000, intervalMs: 500, what: 'the mental-health circuit to close' },
    );
  });

  it('a service that stops answering (SIGSTOP) costs a 504 problem within the deadline, and the rest of the view still answers', async () => {
    const created = await api().post('/api/v1/referrals').send(referral()).expect(201);
    await stack.services.kill('advocacy', 'SIGSTOP');
    try {
      const started = Date.now();
      const view = await api().get(`/api/v1/cases/${created.body.caseId}`).expect(200);
      expect(view.body.advocacy).toEqual({ status: 'unavailable', code: 'service-timeout' });
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      await stack.services.kill('advocacy', 'SIGCONT');
    }
    await stack.services.kill('intake', 'SIGSTOP');
    try {
      const res = await api().post('/api/v1/referrals').send(referral()).expect(504);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('service-timeout');
    } finally {
      await stack.services.kill('intake', 'SIGCONT');
    }
    await stack.services.waitReady('intake');
    // Nothing lost: the referral sent while intake was paused may have been processed after SIGCONT; either way the API works.
    await api().post('/api/v1/referrals').send(referral()).expect(201);
  });
});

describe('the access log after real traffic', () => {
  it('LAW-07: every service runs as its runtime role, and its keyed chain verifies up to its anchor outside the database', async () => {
    await api().post('/api/v1/referrals').send(referral()).expect(201);
    const c = new Client({ connectionString: stack.env.intake.DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT current_user AS who, (SELECT tableowner FROM pg_tables WHERE tablename = 'access_log') AS owner`);
      expect(rows[0].who).toMatch(/_app$/);
      expect(rows[0].owner).toMatch(/_owner$/);
      await expect(c.query(`ALTER TABLE access_log DISABLE TRIGGER USER`)).rejects.toThrow(/must be owner/);
    } finally {
      await c.end();
    }
    // As pnpm audit:verify does: its own bus user may read the anchors (BUS-01).
    const nc = await connect(stack.natsOptions('audit-verify'));
    try {
      const urls = Object.fromEntries(DOMAIN_SERVICES.map((s) => [s, stack.env[s].DATABASE_URL]));
      const keys = Object.fromEntries(DOMAIN_SERVICES.map((s) => [s, ChainKey.fromBase64(stack.env[s].AUDIT_CHAIN_KEY)]));
      const out = await eventually(
        async () => {
          const lines: string[] = [];
          const ok = await verifyAll(
            urls,
            { keys, maxUnsealedAgeMs: 60_000, anchor: (service, key) => latestAnchor(nc, key, service, stack.namespace) },
            { write: (l: string) => lines.push(l) } as unknown as NodeJS.WritableStream,
          );
          // Intake logged the referral: its chain is anchored at its head once the sealer and anchorer have run.
          const intake = lines.find((l) => l.startsWith('intake:')) ?? '';
          const anchored = /intact \((\d+) entries; anchored at (\d+)\)/.exec(intake);
          return ok && anchored && anchored[1] === anchored[2] && Number(anchored[1]) > 0 ? lines : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 300, what: 'intake chain sealed and anchored' },
      );
      expect(out.every((l) => / intact \(/.test(l))).toBe(true);
    } finally {
      await nc.close();
    }
  });
});
