import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { auditExports, canaryLeaks, type Sample } from './canary';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(400_000);

/**
 * The NHS trust's liaison service through the gateway (domain.md §3 steps 4, 7, 11): referral -> the
 * known-to-services check answered YES with a contact route -> intake's case view and the screeners'
 * worklist show it -> S-TAC asks for a consultation -> advice shared with CO_WORK -> the recommendation is
 * on intake's consultation record -> an intervention on an SPO requirement is proposed, found suitable,
 * started, sessions attended -> the case cannot close while it is active (409 naming why) -> COMPLETED ->
 * the case closes. A person of concern named later is checked too; an intervention on an SPO requirement
 * going BREACHED reaches intake's breach fast path; one on a licence condition going DISENGAGED reaches
 * probation's record and opens its enforcement review. And the canary: a clinical note's text appears in no
 * other agency's answer, no event on the stack's streams, no service's logs or /metrics and no audit export.
 */
let stack: Stack;
type Who =
  | 'officer'
  | 'screener'
  | 'lead'
  | 'spo'
  | 'liaison'
  | 'clinician'
  | 'guardian'
  | 'probation'
  | 'mhDpo'
  | 'policeDpo'
  | 'probationDpo';
const tokens = {} as Record<Who, string>;

function api(token: string, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return { post: (path: string) => auth(base.post(path)), get: (path: string) => auth(base.get(path)) };
}
const trust = (who: Who = 'liaison') => api(tokens[who], 'care');

async function db<T>(
  service: 'intake' | 'mental-health' | 'risk-assessment' | 'probation',
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new Client({ connectionString: stack.env[service].DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

let seq = 0;
/** A referral with a person of concern: the trust and probation each open a check (and their teams' access). */
async function refer(): Promise<string> {
  seq += 1;
  const res = await api(tokens.officer)
    .post('/api/v1/referrals')
    .send(
      syntheticReferral('MH', {
        advocacyReferral: 'CONSENT_DECLINED',
        flags: [],
        caseOfficer: 'PC-5100',
        victim: { givenName: 'Synthetic', familyName: 'Victim' },
        incidents: [{ occurredAt: '2026-11-20T18:30:00Z', behaviours: ['FOLLOWING', 'CONTACTING'] }],
      }),
    )
    .expect(201);
  return res.body.caseId;
}

type Check = {
  checkId: string;
  personId: string;
  status: string;
  reason: string;
  dueAt: string;
  requestedAt: string;
  version: number;
};
async function checksOf(caseId: string, atLeast = 1): Promise<Check[]> {
  return eventually(
    async () => {
      const r = await trust().get(`/api/v1/cases/${caseId}/mental-health/checks`);
      return r.status === 200 && r.body.length >= atLeast ? (r.body as Check[]) : undefined;
    },
    { timeoutMs: 30_000, what: `${atLeast} known-to-services check(s) on the case` },
  );
}

/** Proposes an intervention and moves it through `path` (each step a transition body); returns its id and ETag. */
async function intervention(
  caseId: string,
  proposal: object,
  path: object[],
): Promise<{ id: string; etag: string }> {
  const proposed = await trust('clinician')
    .post(`/api/v1/cases/${caseId}/mental-health/interventions`)
    .send(proposal)
    .expect(201);
  let etag = proposed.headers.etag as string;
  for (const body of path) {
    const r = await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions/${proposed.body.interventionId}/transitions`)
      .set('If-Match', etag)
      .send(body)
      .expect(200);
    etag = r.headers.etag;
  }
  return { id: proposed.body.interventionId, etag };
}
const HOUR_MS = 3600_000;
const SUITABLE = { to: 'SUITABLE', suitabilityReasons: ['COMPULSORY_BASIS_IN_PLACE'], sessionsPlanned: 4 };

async function lifecycle(caseId: string) {
  const res = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
  return { ...res.body, etag: res.headers.etag as string };
}

beforeAll(async () => {
  // The canary scan reads every service's logs: at debug level they print the most.
  stack = await startStack({ logLevel: 'debug' });
  tokens.officer = await tokenFor('police', ['case-officer'], 'mh-e2e-officer');
  tokens.screener = await tokenFor('police', ['stac-screener'], 'mh-e2e-screener');
  tokens.lead = await tokenFor('police', ['stac-lead'], 'mh-e2e-lead');
  tokens.spo = await tokenFor('police', ['spo-coordinator'], 'mh-e2e-spo');
  tokens.probationDpo = await tokenFor('probation', ['dpo'], 'mh-e2e-probation-dpo');
  tokens.policeDpo = await tokenFor('police', ['dpo'], 'mh-e2e-police-dpo');
  tokens.liaison = await tokenFor('mental-health', ['mh-liaison'], 'mh-e2e-liaison');
  tokens.clinician = await tokenFor('mental-health', ['mh-clinician'], 'mh-e2e-clinician');
  tokens.guardian = await tokenFor('mental-health', ['caldicott-guardian'], 'mh-e2e-guardian');
  tokens.mhDpo = await tokenFor('mental-health', ['dpo'], 'mh-e2e-dpo');
  tokens.probation = await tokenFor('probation', ['probation-officer'], 'mh-e2e-probation');
}, 420_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('mental-health liaison through the gateway', () => {
  let caseId: string;
  const canary = `CANARY-NOTE-${randomUUID()}`;

  it('walks check -> case view -> consultation -> CO_WORK on the consultation record -> SPO-requirement intervention blocks closure until COMPLETED', async () => {
    // 1. Referral with a person of concern: the trust opens a REQUESTED check (2 working days).
    caseId = await refer();
    const [check] = await checksOf(caseId);
    expect(check).toMatchObject({
      status: 'REQUESTED',
      reason: 'REFERRAL',
      answer: null,
      contactRoute: null,
      overdue: false,
    });
    expect(new Date(check.dueAt).getTime()).toBeGreaterThan(
      new Date(check.requestedAt).getTime() + 24 * 3600 * 1000,
    );
    const due = await trust().get('/api/v1/mental-health/worklists/checks?limit=200').expect(200);
    expect(due.body.items.map((i: { itemId: string }) => i.itemId)).toContain(check.checkId);

    // 2. The liaison practitioner answers YES with a contact route (If-Match required; twice is 409 naming both states).
    const route = {
      team: 'Forensic liaison team (North)',
      role: 'Duty liaison practitioner',
      howToReach: 'Duty line 0300 000 0000, weekdays 09:00-17:00',
    };
    const answerPath = `/api/v1/cases/${caseId}/mental-health/checks/${check.checkId}/answer`;
    await trust().post(answerPath).send({ answer: 'YES', contactRoute: route }).expect(428);
    const bad = await trust()
      .post(answerPath)
      .set('If-Match', `"${check.version}"`)
      .send({ answer: 'PROBABLY', contactRoute: route })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('answer');
    const answered = await trust()
      .post(answerPath)
      .set('If-Match', `"${check.version}"`)
      .send({ answer: 'YES', contactRoute: route })
      .expect(200);
    expect(answered.body).toMatchObject({ status: 'ANSWERED', answer: 'YES', contactRoute: route });
    const twice = await trust()
      .post(answerPath)
      .set('If-Match', answered.headers.etag)
      .send({ answer: 'NO', contactRoute: route })
      .expect(409);
    expect(twice.body.title).toMatch(/ANSWERED.*ANSWERED/);

    // 3. Intake's case view shows it (from the thin mental-health.check.answered.v1), and so does the screeners' worklist.
    const view = await eventually(
      async () => {
        const v = (await api(tokens.screener).get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return v.intake.partnerChecks?.length ? v : undefined;
      },
      { timeoutMs: 30_000, what: 'intake consuming mental-health.check.answered.v1' },
    );
    expect(view.intake.partnerChecks[0]).toMatchObject({
      agency: 'mental-health',
      answer: 'YES',
      contactRouteAvailable: true,
      summary: 'known to mental-health services: YES, contact route available',
    });
    expect(view.mentalHealth).toMatchObject({
      status: 'available',
      data: { knownToServices: 'known to mental-health services: YES, contact route available' },
    });
    expect(view.mentalHealth.data.checks[0].contactRoute).toEqual(route);
    const screening = await api(tokens.screener).get('/api/v1/worklists/screening').expect(200);
    expect(
      screening.body.untriaged.find((w: { caseId: string }) => w.caseId === caseId).partnerChecks,
    ).toEqual([
      expect.objectContaining({ agency: 'mental-health', answer: 'YES', contactRouteAvailable: true }),
    ]);
    const [event] = await db<{ info: Record<string, unknown> }>(
      'mental-health',
      `SELECT envelope->'additionalInformation' AS info FROM outbox WHERE subject = 'mental-health.check.answered.v1'`,
    );
    expect(Object.keys(event.info).sort()).toEqual([
      'answer',
      'answeredAt',
      'checkId',
      'contactRouteAvailable',
      'personId',
    ]);

    // 4. Screening and triage (CONSULTATION), then S-TAC's multi-agency consultation and its request to the trust.
    const four = {
      fixated: { answer: true, note: 'Fixated since the relationship ended' },
      obsessive: { answer: true, note: 'Daily messages' },
      unwanted: { answer: true, note: 'Asked to stop in writing' },
      repeated: { answer: true, note: 'Five occasions' },
    };
    await api(tokens.screener)
      .post(`/api/v1/cases/${caseId}/screenings`)
      .send({ ...four, offenceClass: 'S4A_FEAR' })
      .expect(201);
    await api(tokens.screener)
      .post(`/api/v1/cases/${caseId}/triage-decisions`)
      .send({ decision: 'CONSULTATION', reasons: ['ESCALATING_BEHAVIOUR'] })
      .expect(201);
    const stacConsultation = await api(tokens.lead)
      .post(`/api/v1/cases/${caseId}/consultations`)
      .send({
        scheduledFor: new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString(),
        panel: [{ agency: 'police' }, { agency: 'mental-health' }],
      })
      .expect(201);
    const requested = await api(tokens.lead, 'safeguarding')
      .post(`/api/v1/cases/${caseId}/mental-health/consultations`)
      .set('Idempotency-Key', `mh-consult-${caseId}`)
      .send({
        question: 'Is the person of concern known and is co-working appropriate?',
        urgency: 'URGENT',
        requestedBy: 'S-TAC lead, police',
        stacConsultationId: stacConsultation.body.consultationId,
      })
      .expect(201);
    expect(requested.body).toMatchObject({ status: 'REQUESTED', recommendation: null });
    // Only S-TAC asks: a case officer may not (AC-01).
    await api(tokens.officer, 'safeguarding')
      .post(`/api/v1/cases/${caseId}/mental-health/consultations`)
      .send({ question: 'Any view?', urgency: 'ROUTINE', requestedBy: 'PC-5100' })
      .expect(403);
    const consultationPath = `/api/v1/cases/${caseId}/mental-health/consultations/${requested.body.consultationId}/transitions`;
    const skipped = await trust()
      .post(consultationPath)
      .set('If-Match', requested.headers.etag)
      .send({ to: 'ADVICE_SHARED', adviceSummary: 'Co-work', recommendation: 'CO_WORK' })
      .expect(409);
    expect(skipped.body).toMatchObject({ code: 'illegal-transition' });
    expect(skipped.body.title).toMatch(/REQUESTED.*ADVICE_SHARED/);
    const triaged = await trust()
      .post(consultationPath)
      .set('If-Match', requested.headers.etag)
      .send({ to: 'TRIAGED' })
      .expect(200);
    const working = await trust()
      .post(consultationPath)
      .set('If-Match', triaged.headers.etag)
      .send({ to: 'IN_PROGRESS' })
      .expect(200);

    // The clinician's note stays in the trust (suspect.health, the trust's key).
    await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/clinical-notes`)
      .send({
        text: `${canary} formulation and history discussed with the treating team`,
        consultationId: requested.body.consultationId,
      })
      .expect(201);
    const noSummary = await trust()
      .post(consultationPath)
      .set('If-Match', working.headers.etag)
      .send({ to: 'ADVICE_SHARED', recommendation: 'CO_WORK' })
      .expect(400);
    expect(noSummary.body.errors[0].field).toBe('adviceSummary');
    const shared = await trust()
      .post(consultationPath)
      .set('If-Match', working.headers.etag)
      .send({
        to: 'ADVICE_SHARED',
        adviceSummary:
          'Known to the trust; co-working with the police lead is advised, liaison via the duty line.',
        recommendation: 'CO_WORK',
      })
      .expect(200);
    expect(shared.body).toMatchObject({ status: 'ADVICE_SHARED', recommendation: 'CO_WORK' });

    // 5. The recommendation reaches intake's consultation record; the shareable summary is readable by the police.
    const onRecord = await eventually(
      async () => {
        const list = (await api(tokens.lead).get(`/api/v1/cases/${caseId}/consultations`).expect(200))
          .body as { consultationId: string; decisions: { code: string }[] }[];
        const c = list.find((x) => x.consultationId === stacConsultation.body.consultationId);
        return c?.decisions.some((d) => d.code === 'MH_ROUTE_CO_WORK') ? c : undefined;
      },
      { timeoutMs: 30_000, what: 'intake consuming mental-health.recommendation.made.v1' },
    );
    expect(onRecord.decisions.map((d) => d.code)).toContain('MH_ROUTE_CO_WORK');
    const policeView = await api(tokens.lead, 'safeguarding')
      .get(`/api/v1/cases/${caseId}/mental-health/consultations`)
      .expect(200);
    expect(policeView.body[0]).toMatchObject({
      adviceSummary: expect.stringContaining('co-working'),
      recommendation: 'CO_WORK',
    });
    const coWork = await trust()
      .post(`/api/v1/cases/${caseId}/mental-health/arrangements`)
      .send({
        kind: 'CO_WORK',
        leadAgency: 'police',
        namedClinician: 'Dr A. Synthetic',
        reviewDate: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
        consultationId: requested.body.consultationId,
      })
      .expect(201);
    // The clinicians' reviews worklist shows the co-working review (due within 14 days).
    type WorkItem = { itemId: string; kind: string; state: string; dueAt: string; overdue: boolean };
    const clinicianWorklist = async (which: 'sessions' | 'reviews') =>
      (await trust('clinician').get(`/api/v1/mental-health/worklists/${which}?limit=100`).expect(200)).body
        .items as WorkItem[];
    expect(
      (await clinicianWorklist('reviews')).find((i) => i.itemId === coWork.body.arrangementId),
    ).toMatchObject({ kind: 'CO_WORK_REVIEW', state: 'ACTIVE', overdue: false });

    // 6. Intervention on an SPO requirement: proposed, assessing, suitable (coded reasons), started, a session attended.
    const proposed = await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions`)
      .send({ legalBasis: 'SPO_REQUIREMENT', programme: 'PSYCHOLOGICALLY_INFORMED_1TO1' })
      .expect(201);
    const interventionPath = `/api/v1/cases/${caseId}/mental-health/interventions/${proposed.body.interventionId}`;
    let etag = proposed.headers.etag as string;
    const move = async (body: object, status = 200) => {
      const r = await trust('clinician')
        .post(`${interventionPath}/transitions`)
        .set('If-Match', etag)
        .send(body)
        .expect(status);
      if (status === 200) etag = r.headers.etag;
      return r.body;
    };
    expect((await move({ to: 'STARTED' }, 409)).title).toMatch(/PROPOSED.*STARTED/);
    await move({ to: 'ASSESSING' });
    expect((await move({ to: 'SUITABLE' }, 400)).errors[0].field).toBe('suitabilityReasons');
    expect(
      await move({
        to: 'SUITABLE',
        suitabilityReasons: ['COMPULSORY_BASIS_IN_PLACE', 'ENGAGEMENT_LIKELY'],
        sessionsPlanned: 6,
      }),
    ).toMatchObject({ status: 'SUITABLE', waitingSince: expect.any(String) });
    // Suitable and waiting for a place: on the clinicians' reviews worklist until it starts.
    expect(
      (await clinicianWorklist('reviews')).find((i) => i.itemId === proposed.body.interventionId),
    ).toMatchObject({ kind: 'WAITING_LIST', state: 'SUITABLE' });
    await move({ to: 'STARTED' });
    expect((await clinicianWorklist('reviews')).some((i) => i.itemId === proposed.body.interventionId)).toBe(
      false,
    );
    await move({ to: 'ACTIVE' });
    const session = await trust('clinician')
      .post(`${interventionPath}/sessions`)
      .send({ scheduledFor: new Date(Date.now() - 30 * 60 * 1000).toISOString() })
      .expect(201);
    // The planned session is on the clinicians' sessions worklist (past and not yet recorded: overdue) until attendance is recorded.
    expect(
      (await clinicianWorklist('sessions')).find((i) => i.itemId === session.body.sessionId),
    ).toMatchObject({ kind: 'SESSION', state: 'PLANNED', overdue: true });
    await trust('clinician')
      .post(`${interventionPath}/sessions/${session.body.sessionId}/attendance`)
      .send({ outcome: 'ATTENDED' })
      .expect(200);
    expect((await clinicianWorklist('sessions')).some((i) => i.itemId === session.body.sessionId)).toBe(
      false,
    );
    const running = (
      await trust('clinician').get(`/api/v1/cases/${caseId}/mental-health/interventions`).expect(200)
    ).body[0];
    expect(running).toMatchObject({
      status: 'ACTIVE',
      legalBasis: 'SPO_REQUIREMENT',
      sessionsPlanned: 6,
      sessionsAttended: 1,
    });

    // 7. Closing the case is refused while the intervention is active, naming why.
    await eventually(
      async () =>
        (
          await db<{ status: string }>(
            'intake',
            'SELECT status FROM partner_intervention WHERE intervention_id = $1',
            [proposed.body.interventionId],
          )
        )[0]?.status === 'ACTIVE',
      { timeoutMs: 30_000, what: 'intake consuming intervention.status-changed (ACTIVE)' },
    );
    let lc = await lifecycle(caseId);
    const refused = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/closure`)
      .set('If-Match', lc.etag)
      .send({ reason: 'RISK_MANAGED' })
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'intervention-active',
      title: expect.stringMatching(/intervention/),
    });
    expect(refused.body.detail).toContain('SPO_REQUIREMENT ACTIVE');

    // 8. COMPLETED: the case can close. An ended intervention moves no more (409 naming both states).
    await move({ to: 'COMPLETED' });
    const reopened = await move({ to: 'ACTIVE' }, 409);
    expect(reopened).toMatchObject({ code: 'illegal-transition' });
    expect(reopened.title).toMatch(/COMPLETED.*ACTIVE/);
    await eventually(
      async () =>
        (
          await db<{ status: string }>(
            'intake',
            'SELECT status FROM partner_intervention WHERE intervention_id = $1',
            [proposed.body.interventionId],
          )
        )[0]?.status === 'COMPLETED',
      { timeoutMs: 30_000, what: 'intake consuming intervention.status-changed (COMPLETED)' },
    );
    lc = await lifecycle(caseId);
    const closed = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/closure`)
      .set('If-Match', lc.etag)
      .send({ reason: 'RISK_MANAGED' })
      .expect(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED' });
  });

  it("DP-01: the clinical note's text appears in no other agency's answer, no event, no service's logs or metrics and no audit export; the trust's clinician reads it", async () => {
    expect(caseId).toBeDefined();
    // Positive control: the clinician asks for suspect.health and reads the note; what is stored is ciphertext.
    const notes = await trust('clinician')
      .get(`/api/v1/cases/${caseId}/mental-health/clinical-notes?include=suspect.health`)
      .expect(200);
    expect(JSON.stringify(notes.body)).toContain(canary);
    const [stored] = await db<{ body_enc: Buffer }>(
      'mental-health',
      'SELECT body_enc FROM clinical_note WHERE case_id = $1',
      [caseId],
    );
    expect(stored.body_enc.toString('latin1')).not.toContain(canary);
    // Nobody else may ask: the police and a liaison practitioner are refused (no suspect.health grant for them).
    await api(tokens.lead, 'safeguarding')
      .get(`/api/v1/cases/${caseId}/mental-health/clinical-notes?include=suspect.health`)
      .expect(403);
    await trust('liaison')
      .get(`/api/v1/cases/${caseId}/mental-health/clinical-notes?include=suspect.health`)
      .expect(403);

    const answers: string[] = [];
    const read = async (token: string, purpose: string, path: string) => {
      const r = await api(token, purpose).get(path);
      expect([200, 403, 404]).toContain(r.status);
      answers.push(r.text);
      return r;
    };
    expect((await read(tokens.lead, 'safeguarding', `/api/v1/cases/${caseId}`)).status).toBe(200);
    for (const part of ['checks', 'consultations', 'arrangements', 'interventions']) {
      expect(
        (await read(tokens.lead, 'safeguarding', `/api/v1/cases/${caseId}/mental-health/${part}`)).status,
      ).toBe(200);
      await read(tokens.probation, 'risk-management', `/api/v1/cases/${caseId}/mental-health/${part}`);
    }
    await read(tokens.lead, 'investigation', `/api/v1/cases/${caseId}/consultations`);
    await read(tokens.probation, 'risk-management', `/api/v1/cases/${caseId}`);
    const exports = await auditExports(stack, [
      { label: 'trust DPO', token: tokens.mhDpo },
      { label: 'police DPO', token: tokens.policeDpo },
      { label: 'probation DPO', token: tokens.probationDpo },
    ]);
    // Positive control: the trust's export covers the case (the scan reads what it should).
    expect(exports[0].text).toContain(caseId);
    const outboxes: Sample[] = [];
    for (const service of ['mental-health', 'intake'] as const) {
      for (const e of await db<{ envelope: unknown }>(service, 'SELECT envelope FROM outbox'))
        outboxes.push({ label: `${service} outbox`, text: JSON.stringify(e.envelope) });
    }
    expect(outboxes.some((e) => e.text.includes('mental-health.recommendation.made'))).toBe(true);
    const leaks = await canaryLeaks(stack, {
      canaries: [canary],
      answers: answers.map((text, n) => ({ label: `answer ${n + 1}`, text })),
      exports: [...exports, ...outboxes],
    });
    expect(leaks).toEqual([]);
  });

  it("Caldicott: disclosures out of the trust carry purpose and legal basis, and the trust's guardian reviews them", async () => {
    const page = await api(tokens.guardian, 'audit')
      .get('/api/v1/mental-health/disclosures?unreviewedOnly=true&limit=200')
      .expect(200);
    const toPolice = page.body.items.filter(
      (d: { recipients: string[]; recordIds: string[] }) =>
        d.recipients.includes('police') && d.recordIds.includes(caseId),
    );
    expect(toPolice.length).toBeGreaterThan(0);
    for (const d of toPolice)
      expect(d).toMatchObject({
        legalBasis: expect.stringMatching(/^agreement:mental-health-to-police/),
        purpose: expect.any(String),
      });
    const entry = toPolice[0];
    const reviewed = await api(tokens.guardian, 'audit')
      .post(`/api/v1/mental-health/disclosures/${entry.entryId}/review`)
      .send({ outcome: 'APPROPRIATE' })
      .expect(200);
    expect(reviewed.body).toMatchObject({ entryId: entry.entryId, reviewOutcome: 'APPROPRIATE' });
    await api(tokens.guardian, 'audit')
      .post(`/api/v1/mental-health/disclosures/${entry.entryId}/review`)
      .send({ outcome: 'NOT_APPROPRIATE' })
      .expect(409);
    // Only the guardian: the trust's DPO and a clinician are refused.
    await api(tokens.mhDpo, 'audit').get('/api/v1/mental-health/disclosures').expect(403);
    await trust('clinician').get('/api/v1/mental-health/disclosures').expect(403);
  });
  it('H2: a person of concern named later on the case is checked too (intake.person.check-requested -> a second check, on the liaison worklist)', async () => {
    const caseId = await refer();
    const [first] = await checksOf(caseId);
    expect(first).toMatchObject({ reason: 'REFERRAL', status: 'REQUESTED' });
    const named = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/people`)
      .send({
        role: 'PERSON_OF_CONCERN',
        person: { identityKnown: true, givenName: 'Synthetic', familyName: `Second${seq}` },
      })
      .expect(201);
    const checks = await checksOf(caseId, 2);
    expect(checks).toHaveLength(2);
    const recheck = checks.find((c) => c.checkId !== first.checkId)!;
    expect(recheck).toMatchObject({
      personId: named.body.personId,
      reason: 'NEW_PERSON_OF_CONCERN',
      status: 'REQUESTED',
    });
    const due = await trust().get('/api/v1/mental-health/worklists/checks?limit=200').expect(200);
    expect(due.body.items.map((i: { itemId: string }) => i.itemId)).toEqual(
      expect.arrayContaining([first.checkId, recheck.checkId]),
    );
    // A role the trust does not check (a protected third party) opens nothing.
    await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/people`)
      .send({ role: 'PROTECTED_THIRD_PARTY', person: { identityKnown: false } })
      .expect(201);
    const [{ n }] = await db<{ n: number }>(
      'intake',
      `SELECT count(*)::int AS n FROM outbox WHERE subject = 'intake.person.check-requested.v1' AND envelope->>'caseId' = $1`,
      [caseId],
    );
    expect(n).toBe(1);
  });

  it('§6.7: an intervention on an SPO requirement going BREACHED reaches intake’s breach fast path (a BREACH incident on the order, risk’s BREACH re-assessment)', async () => {
    const caseId = await refer();
    const HOUR = 3600_000;
    const order = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/orders`)
      .send({ orderType: 'INTERIM_SPO' })
      .expect(201);
    let orderEtag = order.headers.etag as string;
    for (const body of [
      { to: 'APPLIED' },
      {
        to: 'GRANTED',
        effectiveFrom: new Date(Date.now() - 2 * HOUR).toISOString(),
        expiresAt: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
      },
      { to: 'SERVED', servedAt: new Date(Date.now() - HOUR).toISOString() },
    ]) {
      const r = await api(tokens.spo)
        .post(`/api/v1/cases/${caseId}/orders/${order.body.orderId}/transitions`)
        .set('If-Match', orderEtag)
        .send(body)
        .expect(200);
      orderEtag = r.headers.etag;
    }
    const { id, etag } = await intervention(
      caseId,
      {
        legalBasis: 'SPO_REQUIREMENT',
        orderId: order.body.orderId,
        programme: 'PSYCHOLOGICALLY_INFORMED_1TO1',
      },
      [{ to: 'ASSESSING' }, SUITABLE, { to: 'STARTED' }, { to: 'ACTIVE' }],
    );
    expect(
      (await db('intake', 'SELECT id FROM order_breach WHERE order_id = $1', [order.body.orderId])).length,
    ).toBe(0);
    const noReason = await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions/${id}/transitions`)
      .set('If-Match', etag)
      .send({ to: 'BREACHED' })
      .expect(400);
    expect(noReason.body.errors[0].field).toBe('reason');
    const breached = await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions/${id}/transitions`)
      .set('If-Match', etag)
      .send({ to: 'BREACHED', reason: 'NON_ATTENDANCE' })
      .expect(200);
    const again = await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions/${id}/transitions`)
      .set('If-Match', breached.headers.etag)
      .send({ to: 'ACTIVE' })
      .expect(409);
    expect(again.body.title).toMatch(/BREACHED.*ACTIVE/);

    // Intake records it as a breach of the order: a BREACH incident, on the order's breaches.
    const orders = await eventually(
      async () => {
        const list = (await api(tokens.officer).get(`/api/v1/cases/${caseId}/orders`).expect(200)).body as {
          orderId: string;
          breaches: { incidentId: string }[];
        }[];
        const o = list.find((x) => x.orderId === order.body.orderId);
        return o?.breaches.length ? o : undefined;
      },
      { timeoutMs: 30_000, what: 'intake recording the breached SPO requirement as a breach of the order' },
    );
    expect(orders.breaches).toHaveLength(1);
    const [incident] = await db<{ behaviours: string[] }>(
      'intake',
      'SELECT behaviours FROM incident WHERE id = $1',
      [orders.breaches[0].incidentId],
    );
    expect(incident.behaviours).toContain('BREACH');
    await eventually(
      async () =>
        (
          await db<{ n: number }>(
            'risk-assessment',
            `SELECT count(*)::int AS n FROM screening_task WHERE case_id = $1 AND (reason = 'BREACH' OR triggers::text LIKE '%BREACH%')`,
            [caseId],
          )
        )[0].n > 0,
      { timeoutMs: 30_000, what: 'risk-assessment consuming the breach incident' },
    );
  });

  it('D13: an intervention on a licence condition reaches probation’s record with its history; DISENGAGED opens an enforcement review on the practitioner’s worklist, decided once', async () => {
    const caseId = await refer();
    const probation = (path = '') =>
      api(tokens.probation, 'risk-management').get(`/api/v1/cases/${caseId}/probation${path}`);
    // Probation's own check opens its team's access to the case.
    await eventually(async () => ((await probation()).status === 200 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the supervision check opening probation’s record',
    });
    const { id, etag } = await intervention(
      caseId,
      { legalBasis: 'LICENCE_CONDITION', programme: 'PSYCHOLOGICALLY_INFORMED_GROUP' },
      [{ to: 'ASSESSING' }, SUITABLE, { to: 'STARTED' }, { to: 'ACTIVE' }],
    );
    await trust('clinician')
      .post(`/api/v1/cases/${caseId}/mental-health/interventions/${id}/transitions`)
      .set('If-Match', etag)
      .send({ to: 'DISENGAGED', reason: 'NON_ATTENDANCE' })
      .expect(200);

    const record = await eventually(
      async () => {
        const body = (await probation().expect(200)).body;
        return body.enforcementReviews.length ? body : undefined;
      },
      { timeoutMs: 30_000, what: 'probation consuming intervention.status-changed (DISENGAGED)' },
    );
    expect(record.interventions).toEqual([
      expect.objectContaining({
        interventionId: id,
        agency: 'mental-health',
        status: 'DISENGAGED',
        legalBasis: 'LICENCE_CONDITION',
      }),
    ]);
    expect(record.interventions[0].history.map((h: { status: string }) => h.status)).toEqual([
      'PROPOSED',
      'ASSESSING',
      'SUITABLE',
      'STARTED',
      'ACTIVE',
      'DISENGAGED',
    ]);
    const [review] = record.enforcementReviews;
    expect(review).toMatchObject({
      interventionId: id,
      triggerStatus: 'DISENGAGED',
      legalBasis: 'LICENCE_CONDITION',
      status: 'OPEN',
      overdue: false,
    });
    expect(new Date(review.dueAt).getTime()).toBeGreaterThan(Date.now() + 24 * HOUR_MS);
    const worklist = (
      await api(tokens.probation, 'risk-management').get('/api/v1/worklists/probation?limit=100').expect(200)
    ).body;
    expect(worklist.items).toEqual(
      expect.arrayContaining([{ kind: 'ENFORCEMENT_REVIEW_DUE', caseId, at: review.dueAt, overdue: false }]),
    );

    // Decided once (If-Match; a second decision is 409 naming both states); it leaves the worklist.
    const decisionPath = `/api/v1/cases/${caseId}/probation/enforcement-reviews/${review.reviewId}/decision`;
    await api(tokens.probation, 'risk-management')
      .post(decisionPath)
      .send({ outcome: 'WARNING' })
      .expect(428);
    expect(
      (
        await api(tokens.probation, 'risk-management')
          .post(decisionPath)
          .set('If-Match', `"${review.version}"`)
          .send({ outcome: 'SHRUG' })
          .expect(400)
      ).body.errors[0].field,
    ).toBe('outcome');
    // Only probation decides: the trust's clinician is refused.
    await api(tokens.clinician, 'risk-management')
      .post(decisionPath)
      .set('If-Match', `"${review.version}"`)
      .send({ outcome: 'WARNING' })
      .expect(403);
    const decided = await api(tokens.probation, 'risk-management')
      .post(decisionPath)
      .set('If-Match', `"${review.version}"`)
      .send({ outcome: 'WARNING' })
      .expect(200);
    expect(decided.body).toMatchObject({ status: 'DECIDED', outcome: 'WARNING' });
    const twice = await api(tokens.probation, 'risk-management')
      .post(decisionPath)
      .set('If-Match', decided.headers.etag)
      .send({ outcome: 'BREACH_PROCEEDINGS' })
      .expect(409);
    expect(twice.body.title).toMatch(/DECIDED.*DECIDED/);
    const after = (
      await api(tokens.probation, 'risk-management').get('/api/v1/worklists/probation?limit=100').expect(200)
    ).body;
    expect(
      after.items.some(
        (i: { kind: string; caseId: string }) => i.kind === 'ENFORCEMENT_REVIEW_DUE' && i.caseId === caseId,
      ),
    ).toBe(false);
  });
});
