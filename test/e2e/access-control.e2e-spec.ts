import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, importJWK, type JWK } from 'jose';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { agreementId, DEV_ISSUER_BASE, MATRIX_RESTRICTIONS, matrixGrant, policyMatrix, RELATIONSHIP_KINDS, type MatrixCell } from '@stac/auth';
import { CASE_PART } from '@stac/contracts';
import { AGENCIES, ROLES, type Agency, type Role } from '@stac/domain';
import { callService, NamespacedNatsClient, RpcCallError } from '@stac/runtime';
import { eventually } from '@stac/testing';
import { auditExports, canaryLeaks, type Sample } from './canary';
import { DEV_ISSUER_DIR, scrapeMetrics, startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(240_000);

const RATE_LIMIT = 150;
let stack: Stack;
let intakeDb: Client;
let rpc: NamespacedNatsClient;
const tokens = new Map<string, string>();

async function token(agency: Agency, role: Role, subject = `u-${agency}-${role}`): Promise<string> {
  const key = `${agency}|${role}|${subject}`;
  if (!tokens.has(key)) tokens.set(key, await tokenFor(agency, [role], subject));
  return tokens.get(key)!;
}

function api(bearer: string | undefined, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => {
    if (bearer !== undefined) t.set('authorization', `Bearer ${bearer}`);
    return t.set('x-purpose-of-use', purpose);
  };
  return {
    post: (path: string) => auth(base.post(path)),
    get: (path: string) => auth(base.get(path)),
    delete: (path: string) => auth(base.delete(path)),
  };
}

const referral = (over: Record<string, unknown> = {}) =>
  syntheticReferral('AC', {
    flags: ['DOMESTIC'],
    bcu: 'NW',
    caseOfficer: undefined,
    victim: { givenName: 'Synthetic', familyName: 'Victim', dateOfBirth: '1990-01-01' },
    incidents: [{ occurredAt: '2026-11-02T10:00:00Z', behaviours: ['FOLLOWING'] }],
    ...over,
  });

async function refer(body = referral(), as?: string): Promise<string> {
  const res = await api(as ?? (await token('police', 'stac-screener', 'screener-1'))).post('/api/v1/referrals').send(body).expect(201);
  return res.body.caseId as string;
}

/** Runs `fn` over `items` with bounded concurrency. */
async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

beforeAll(async () => {
  stack = await startStack({ logLevel: 'debug', overrides: { gateway: { RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) } } });
  intakeDb = new Client({ connectionString: stack.env.intake.DATABASE_URL });
  await intakeDb.connect();
  rpc = new NamespacedNatsClient(stack.natsOptions('gateway'), stack.namespace);
  await rpc.connect();
}, 180_000);

afterAll(async () => {
  await rpc?.close();
  await intakeDb?.end();
  await stack?.stop();
}, 60_000);

describe('authentication', () => {
  /** A token from the real dev key with one claim changed: only that claim makes it invalid. */
  const signWith = async (claims: { exp?: number; nbf?: number; aud?: string }) => {
    const priv = JSON.parse(readFileSync(join(DEV_ISSUER_DIR, 'private.jwk.json'), 'utf8')) as JWK & { kid: string };
    const key = await importJWK(priv, 'ES256');
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ roles: ['stac-lead'] })
      .setProtectedHeader({ alg: 'ES256', kid: priv.kid, typ: 'at+jwt' })
      .setIssuer(`${DEV_ISSUER_BASE}/police`)
      .setSubject('attacker')
      .setAudience(claims.aud ?? 'stac-platform')
      // Recent enough for the maximum token age, and before any exp under test.
      .setIssuedAt(Math.min(now - 60, (claims.exp ?? now) - 60))
      .setExpirationTime(claims.exp ?? now + 600);
    if (claims.nbf) jwt.setNotBefore(claims.nbf);
    return jwt.sign(key);
  };

  it('API-07: token attacks are 401 problem+json, never 500', async () => {
    const now = Math.floor(Date.now() / 1000);
    const other = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ roles: ['stac-lead'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'unknown-kid' })
      .setIssuer(`${DEV_ISSUER_BASE}/police`)
      .setSubject('attacker')
      .setAudience('stac-platform')
      .setExpirationTime(now + 600)
      .sign(other.privateKey);
    const hmacWithPublicKey = await new SignJWT({ roles: ['stac-lead'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(`${DEV_ISSUER_BASE}/police`)
      .setSubject('attacker')
      .setAudience('stac-platform')
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode(JSON.stringify(await exportJWK(other.publicKey))));
    const attacks: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'not.a.jwt',
      algNone: new UnsecuredJWT({ roles: ['stac-lead'] }).setIssuer(`${DEV_ISSUER_BASE}/police`).setSubject('x').setAudience('stac-platform').setExpirationTime(now + 600).encode(),
      wrongKeyType: hmacWithPublicKey,
      unknownKid: foreign,
      expired: await signWith({ exp: now - 3600 }),
      futureNbf: await signWith({ nbf: now + 3600 }),
      wrongIssuer: await new SignJWT({ roles: ['stac-lead'] })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer('https://evil.example/police')
        .setSubject('x')
        .setAudience('stac-platform')
        .setExpirationTime(now + 600)
        .sign(other.privateKey),
      wrongAudience: await signWith({ aud: 'some-other-api' }),
    };
    // Control: the same construction with nothing changed is accepted.
    await api(await signWith({})).get(`/api/v1/cases/${randomUUID()}`).expect(404);
    for (const [name, t] of Object.entries(attacks)) {
      const res = await api(t).get(`/api/v1/cases/${randomUUID()}`);
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('unauthenticated');
    }
    await request(stack.gatewayUrl).get('/health/ready').expect(200);
  });

  it('AC-13: a service re-verifies the forwarded token itself (a forged token sent straight to a service is 401)', async () => {
    const forged = new UnsecuredJWT({ roles: ['stac-lead'] }).setIssuer(`${DEV_ISSUER_BASE}/police`).setSubject('x').setAudience('stac-platform').encode();
    await expect(
      callService(rpc, CASE_PART.intake, { correlationId: 'direct-forged', token: forged, purpose: 'safeguarding', body: { caseId: randomUUID() } }, 5000, 'intake'),
    ).rejects.toMatchObject({ problem: { status: 401 } });
  });

  it('API-06: client identity headers are ignored', async () => {
    const caseId = await refer();
    const advocate = await token('advocacy', 'advocate');
    const res = await api(advocate)
      .get(`/api/v1/cases/${caseId}`)
      .set('x-agency', 'police')
      .set('x-user-id', 'screener-1')
      .set('x-forwarded-for', '10.0.0.1')
      .expect(200);
    // Still the advocate: a share (no names), not the police team.
    expect(res.body.intake.people.every((p: Record<string, unknown>) => !('displayName' in p))).toBe(true);
    await api(undefined).get(`/api/v1/cases/${caseId}`).set('x-user-id', 'screener-1').set('x-agency', 'police').expect(401);
  });
});

describe('need-to-know', () => {
  it('AC-03: a sharing agency sees core facts only; asking for a field group it lacks is 403, never silently included', async () => {
    const caseId = await refer();
    const police = await api(await token('police', 'stac-screener', 'screener-1')).get(`/api/v1/cases/${caseId}`).expect(200);
    expect(police.body.intake.people.map((p: { displayName?: string }) => p.displayName)).toContain('Synthetic Victim');
    for (const [agency, role] of [
      ['advocacy', 'advocate'],
      ['probation', 'probation-officer'],
      ['mental-health', 'mh-clinician'],
    ] as [Agency, Role][]) {
      const shared = await api(await token(agency, role)).get(`/api/v1/cases/${caseId}`).expect(200);
      expect(JSON.stringify(shared.body.intake)).not.toContain('Synthetic');
      const asked = await api(await token(agency, role)).get(`/api/v1/cases/${caseId}?include=victim.location`).expect(403);
      expect(asked.body.detail).toContain('victim.location');
    }
  });

  it("AC-03/AC-09: an advocate's advocacy record and a clinician's check are not visible to probation; each agency sees its own part", async () => {
    const caseId = await refer();
    const view = async (agency: Agency, role: Role) =>
      eventually(
        async () => {
          const v = (await api(await token(agency, role)).get(`/api/v1/cases/${caseId}`).expect(200)).body;
          const own = { advocacy: v.advocacy, 'mental-health': v.mentalHealth, probation: v.probation, police: v.riskAssessment }[agency as string];
          return own?.status === 'available' ? v : undefined;
        },
        { timeoutMs: 15_000, what: `${agency} part` },
      );
    const probation = await view('probation', 'probation-officer');
    expect(probation.advocacy).toEqual({ status: 'none' });
    expect(probation.mentalHealth).toEqual({ status: 'none' });
    const advocate = await view('advocacy', 'advocate');
    expect(advocate.mentalHealth).toEqual({ status: 'none' });
    expect(advocate.probation).toEqual({ status: 'none' });
    const police = await view('police', 'stac-lead');
    // The police see each partner's shared answer (check status), never its internals.
    expect(police.mentalHealth.status).toBe('available');
    expect(police.advocacy.status).toBe('available');
  });

  it('AC-09: a case the caller may not see answers byte-for-byte like a case that does not exist', async () => {
    const caseId = await refer();
    // Probation's share is for safeguarding and risk management: for 'care' the case is invisible.
    const officer = await token('probation', 'probation-officer', 'po-1');
    const hidden = await api(officer, 'care').get(`/api/v1/cases/${caseId}`).expect(404);
    const missing = await api(officer, 'care').get(`/api/v1/cases/${randomUUID()}`).expect(404);
    expect(hidden.text).toBe(missing.text);
    expect(hidden.headers['content-type']).toBe(missing.headers['content-type']);
    // CPS is not told of referrals at all until consulted.
    const prosecutor = await token('cps', 'prosecutor', 'prosecutor-1');
    expect((await api(prosecutor, 'investigation').get(`/api/v1/cases/${caseId}`).expect(404)).text).toBe(missing.text);
    await api(officer, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(200);
  });

  it('AC-12: a revoked relationship is denied on the very next request; LAW-03 the denial is logged', async () => {
    const caseId = await refer();
    const lead = await token('police', 'stac-lead', 'lead-1');
    const carol = await token('cps', 'prosecutor', 'carol');
    await api(carol, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(404);
    const granted = await api(lead)
      .post(`/api/v1/cases/${caseId}/relationships`)
      .send({ kind: 'CONSULTATION_PANEL', agency: 'cps', subject: 'carol', issuer: `${DEV_ISSUER_BASE}/cps` })
      .expect(201);
    await api(carol, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(200);
    await api(lead).delete(`/api/v1/cases/${caseId}/relationships/${granted.body.relationshipId}`).expect(204);
    await api(carol, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(404);
    const { rows } = await intakeDb.query(
      `SELECT decision, reason FROM access_log WHERE actor_subject = 'carol' AND $1 = ANY(record_ids) ORDER BY seq`,
      [caseId],
    );
    expect(rows.map((r) => r.decision)).toEqual(['deny', 'allow', 'deny']);
    expect(rows[2].reason).toBe('no-relationship');
  });

  it('AC-07: an exclusion overrides the owning team grant and break-glass; AC-06 break-glass is time-boxed, justified, alerts and read-only', async () => {
    const caseId = await refer();
    const lead = await token('police', 'stac-lead', 'lead-1');
    const conflicted = await token('police', 'stac-lead', 'dave');
    await api(conflicted).get(`/api/v1/cases/${caseId}`).expect(200);
    await api(lead).post(`/api/v1/cases/${caseId}/exclusions`).send({ issuer: `${DEV_ISSUER_BASE}/police`, subject: 'dave' }).expect(201);
    await api(conflicted).get(`/api/v1/cases/${caseId}`).expect(404);
    // Break-glass by the excluded user is recorded but still does not open the case.
    await api(conflicted).post(`/api/v1/cases/${caseId}/break-glass`).send({ justification: 'Urgent safeguarding concern out of hours' }).expect(201);
    await api(conflicted).get(`/api/v1/cases/${caseId}`).expect(404);

    // A probation lead with no usable share for 'safeguarding'... uses break-glass instead.
    const other = await refer();
    const mhLead = await token('mental-health', 'mh-lead', 'mh-lead-1');
    await intakeDb.query(`UPDATE case_relationship SET valid_to = now() WHERE case_id = $1 AND agency = 'mental-health'`, [other]);
    await api(mhLead).get(`/api/v1/cases/${other}`).expect(404);
    await api(mhLead).post(`/api/v1/cases/${other}/break-glass`).send({ justification: 'short' }).expect(400);
    const glass = await api(mhLead)
      .post(`/api/v1/cases/${other}/break-glass`)
      .send({ justification: 'Patient disclosed intent to harm the victim tonight' })
      .expect(201);
    const minutes = (Date.parse(glass.body.validTo) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
    await api(mhLead).get(`/api/v1/cases/${other}`).expect(200);
    // Read-only: it never lets the holder change who has access.
    await api(mhLead).post(`/api/v1/cases/${other}/relationships`).send({ kind: 'ASSIGNMENT', agency: 'mental-health', subject: 'x', issuer: `${DEV_ISSUER_BASE}/mental-health` }).expect(403);
    // The DPO alert and the review task exist.
    const review = await intakeDb.query(`SELECT status FROM break_glass_review WHERE relationship_id = $1`, [glass.body.relationshipId]);
    expect(review.rows).toEqual([{ status: 'OPEN' }]);
    const alert = await intakeDb.query(`SELECT subject FROM outbox WHERE envelope->>'caseId' = $1 AND subject = 'intake.access.break-glass-opened.v1'`, [other]);
    expect(alert.rowCount).toBe(1);
    // After 30 minutes it is gone: simulate the clock passing the expiry the service set.
    await intakeDb.query(`UPDATE case_relationship SET valid_to = now() - interval '1 second' WHERE id = $1`, [glass.body.relationshipId]);
    await api(mhLead).get(`/api/v1/cases/${other}`).expect(404);
  });
});

describe('AC-10: the generated policy matrix holds against the running services', () => {
  const caseFor = new Map<string, string>();

  beforeAll(async () => {
    for (const agency of AGENCIES) for (const role of ROLES) await token(agency, role, `m-${agency}-${role}`);
    // One case per relationship kind and restriction, each granting that kind to every agency (as the
    // workflow would); a restricted case names every matrix user (NAMED) or none of them (NOT_NAMED).
    for (const kind of ['NONE', ...RELATIONSHIP_KINDS] as const)
      for (const restriction of MATRIX_RESTRICTIONS) {
        const caseId = randomUUID();
        caseFor.set(`${kind}|${restriction}`, caseId);
        await intakeDb.query(
          `INSERT INTO stalking_case (id, crime_reference, source, offence_class, flags, bcu, status, referred_at, version)
           VALUES ($1, $2, 'CRIME_REPORT', 'S4A_FEAR', $3, 'CE', 'REFERRED', now(), 1)`,
          [caseId, `CR-MATRIX-${kind}-${caseId.slice(0, 8)}`, restriction === 'NONE' ? [] : ['STAFF_LINKED']],
        );
        if (restriction !== 'NONE') {
          await intakeDb.query(`INSERT INTO case_restriction (case_id, kinds, version, changed_at) VALUES ($1, '{STAFF_LINKED}', 1, now())`, [caseId]);
          if (restriction === 'NAMED')
            for (const agency of AGENCIES)
              for (const role of ROLES)
                await intakeDb.query(
                  `INSERT INTO case_named_access (id, case_id, issuer, subject, valid_from, created_by) VALUES ($1, $2, $3, $4, now(), 'matrix-fixture')`,
                  [randomUUID(), caseId, `${DEV_ISSUER_BASE}/${agency}`, `m-${agency}-${role}`],
                );
        }
        if (kind === 'NONE') continue;
        for (const agency of AGENCIES) {
          const grant = matrixGrant(kind, agency, 'police');
          if (!grant) continue;
          await intakeDb.query(
            `INSERT INTO case_relationship (id, case_id, kind, agency, field_groups, agreement_id, read_only, valid_from, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, now(), 'matrix-fixture')`,
            [randomUUID(), caseId, kind, agency, grant.fieldGroups, kind === 'AGENCY_SHARE' ? agreementId(`police-to-${agency}`) : null, grant.readOnly],
          );
        }
      }
  });

  const request1 = (c: MatrixCell) => ({
    correlationId: `matrix-${randomUUID()}`,
    token: tokens.get(`${c.agency}|${c.role}|m-${c.agency}-${c.role}`)!,
    purpose: c.purpose,
    body: { caseId: caseFor.get(`${c.relationship}|${c.restriction}`)!, ...(c.fieldGroup === 'NONE' ? {} : { fieldGroups: [c.fieldGroup] }) },
  });

  it('directly against the intake service, for every role x relationship x agency x field group x purpose, restricted cases included', async () => {
    // Every field group and purpose on unrestricted cases; the restricted dimension with every field group for one purpose.
    const cells = [
      ...policyMatrix(['case.read'], 'police', ['safeguarding', 'investigation'], ['NONE']),
      ...policyMatrix(['case.read'], 'police', ['safeguarding'], ['NAMED', 'NOT_NAMED']),
    ];
    const wrong: unknown[] = [];
    await pool(cells, 16, async (c) => {
      let status = 200;
      try {
        await callService(rpc, CASE_PART.intake, request1(c), 10_000, 'intake');
      } catch (e) {
        status = e instanceof RpcCallError ? e.problem.status : 599;
      }
      if (status !== c.expected) wrong.push({ ...c, status });
    });
    process.stdout.write(`AC-10 policy matrix (intake service): ${cells.length} cells checked\n`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(new Set(cells.map((c) => c.expected))).toEqual(new Set([200, 403, 404]));
    expect(cells.some((c) => c.restriction === 'NOT_NAMED' && c.relationship === 'OWNING_TEAM' && c.agency === 'police' && c.expected === 404)).toBe(true);
  });

  it('through the gateway, for every role x relationship x agency, restricted cases included, with and without restricted field groups', async () => {
    // The full field-group dimension (and a named caller on a restricted case) runs against the service above;
    // here each cell also crosses the edge, and a restricted case is checked for the callers not named on it.
    const cells = policyMatrix(['case.read'], 'police', ['safeguarding'], ['NONE', 'NOT_NAMED']).filter((c) =>
      c.restriction === 'NONE' ? ['NONE', 'victim.location', 'suspect.health'].includes(c.fieldGroup) : c.fieldGroup === 'NONE',
    );
    const wrong: unknown[] = [];
    await pool(cells, 16, async (c) => {
      const r = request1(c);
      const include = c.fieldGroup === 'NONE' ? '' : `?include=${c.fieldGroup}`;
      const res = await api(r.token, c.purpose).get(`/api/v1/cases/${r.body.caseId}${include}`);
      if (res.status !== c.expected) wrong.push({ ...c, status: res.status });
    });
    process.stdout.write(`AC-10 policy matrix (gateway): ${cells.length} cells checked\n`);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe('accountability', () => {
  it('LAW-01/LAW-05: a DPO finds who looked at a record, exports it, and the query itself is logged', async () => {
    const caseId = await refer();
    await api(await token('advocacy', 'advocate', 'advocate-7')).get(`/api/v1/cases/${caseId}`).expect(200);
    const dpo = await token('police', 'dpo', 'dpo-police');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api(dpo, 'audit').get(`/api/v1/audit?recordId=${caseId}&from=${from}&to=${to}`).expect(200);
    const intakeEntries = res.body.entries.filter((e: { service: string }) => e.service === 'intake');
    expect(intakeEntries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['referral.create', 'case.read']));
    const read = intakeEntries.find((e: { actor: { subject: string } }) => e.actor.subject === 'advocate-7');
    expect(read).toMatchObject({ operation: 'disclosure', decision: 'allow', purpose: 'safeguarding', recipients: ['advocacy'] });
    expect(JSON.stringify(res.body)).not.toContain('Synthetic');
    // Other agencies' logs are theirs: the police DPO is refused by advocacy, MH and probation.
    expect(res.body.services).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'advocacy', status: 'forbidden' })]),
    );
    const csv = await api(dpo, 'audit').get(`/api/v1/audit?recordId=${caseId}&from=${from}&to=${to}&format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\n')[0]).toMatch(/^service,occurredAt,id,operation,action,actorIssuer/);
    expect(csv.text).toContain('advocate-7');
    const logged = await intakeDb.query(`SELECT 1 FROM access_log WHERE action = 'audit.read' AND actor_subject = 'dpo-police'`);
    expect(logged.rowCount).toBeGreaterThanOrEqual(2);
    // Not a DPO: 403.
    await api(await token('police', 'stac-lead', 'lead-1'), 'audit').get(`/api/v1/audit?from=${from}&to=${to}`).expect(403);
  });

  it('API-08: over the per-user rate limit the gateway answers 429 with Retry-After', async () => {
    const t = await token('police', 'stac-screener', 'rate-limited-user');
    let limited: request.Response | undefined;
    for (let i = 0; i < RATE_LIMIT + 5 && !limited; i++) {
      const res = await api(t).get(`/api/v1/cases/${randomUUID()}`);
      if (res.status === 429) limited = res;
    }
    expect(limited?.headers['retry-after']).toBeDefined();
    expect(limited?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited?.body.code).toBe('rate-limited');
    // Another user is not affected.
    await api(await token('police', 'stac-screener', 'someone-else')).get(`/api/v1/cases/${randomUUID()}`).expect(404);
    // Guessing case ids (all those 404s) raised the probing alert, naming the user but no case id.
    const metrics = await scrapeMetrics(stack, 'gateway').expect(200);
    expect(metrics.text).toMatch(/stac_security_alerts_total\{kind="case-id-probing",service="gateway"\} [1-9]/);
    expect(stack.services.logs('gateway').some((l) => l.includes('case-id-probing') && l.includes('rate-limited-user'))).toBe(true);
  });

  it('DP-01: canary values in personal fields never reach a share, a log line, an event, a metric or an export', async () => {
    const canary = `Zq${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const caseId = await refer(
      referral({
        victim: { givenName: `${canary}Vg`, familyName: `${canary}Vf`, dateOfBirth: '1977-07-17' },
        personOfConcern: { identityKnown: true, givenName: `${canary}Pg`, familyName: `${canary}Pf`, dateOfBirth: '1966-06-16' },
      }),
    );
    // Positive control: the owning team does see them.
    const owning = await api(await token('police', 'stac-screener', 'screener-1')).get(`/api/v1/cases/${caseId}`).expect(200);
    expect(JSON.stringify(owning.body)).toContain(canary);
    await eventually(async () => {
      const v = await api(await token('advocacy', 'advocate')).get(`/api/v1/cases/${caseId}`).expect(200);
      return v.body.advocacy.status === 'available';
    });
    const answers: Sample[] = [];
    for (const [agency, role] of [
      ['advocacy', 'advocate'],
      ['probation', 'probation-officer'],
      ['mental-health', 'mh-clinician'],
    ] as [Agency, Role][]) {
      const v = await api(await token(agency, role)).get(`/api/v1/cases/${caseId}`).expect(200);
      answers.push({ label: `response to ${agency}`, text: JSON.stringify(v.body) });
    }
    const exports = await auditExports(stack, [{ label: 'police DPO', token: await token('police', 'dpo', 'dpo-police') }], { recordId: caseId });
    const leaks = await canaryLeaks(stack, { canaries: [canary], answers, exports, logCanaries: ['1977-07-17'] });
    expect(leaks).toEqual([]);
  });
});
