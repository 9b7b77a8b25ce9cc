import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { jetstream } from '@nats-io/jetstream';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { Client } from 'pg';
import request from 'supertest';
import { DEV_ISSUER_BASE } from '@stac/auth';
import { CaseReferredV1, IncidentRecordedV1 } from '@stac/contracts';
import { wireSubject } from '@stac/messaging';
import { eventually } from '@stac/testing';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { handled, syntheticReferral } from './builders';

jest.setTimeout(60_000);

let stack: Stack;
let assessor: string;
let advocate: string;
const panelTokens: Record<'officer' | 'lead' | 'probationOfficer' | 'namedClinician' | 'otherClinician', string> = {} as never;

const S_DASH = [
  'VERY_FRIGHTENED',
  'PREVIOUS_HARASSMENT',
  'PROPERTY_DAMAGED',
  'VISITS_HOME_OR_WORK',
  'LOITERING',
  'THREATS_OF_VIOLENCE',
  'THIRD_PARTIES_HARASSED',
  'VIOLENCE_DURING_STALKING',
  'OTHERS_RECRUITED',
  'SUBSTANCE_MISUSE',
  'HISTORY_OF_VIOLENCE',
];

function api(token: string, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    patch: (path: string) => auth(base.patch(path)),
    get: (path: string) => auth(base.get(path)),
  };
}

async function riskDb<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: stack.env['risk-assessment'].DATABASE_URL });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Publishes an intake event to this stack's streams, as intake's outbox relay would (envelope + msgID). */
async function publishIntakeEvent(subject: string, eventType: string, caseId: string, additionalInformation: object): Promise<void> {
  // As intake's relay: only intake's bus user may publish on intake.> (BUS-02).
  const nc = await connect(stack.natsOptions('intake'));
  try {
    const id = randomUUID();
    const envelope = { id, eventType, version: 1, occurredAt: new Date().toISOString(), producer: 'intake', caseId, aggregateVersion: 1, additionalInformation };
    const h = natsHeaders();
    h.set('x-correlation-id', `e2e-${id}`);
    await jetstream(nc).publish(wireSubject(subject, stack.namespace), JSON.stringify(envelope), { msgID: id, headers: h });
  } finally {
    await nc.close();
  }
}

/**
 * A referred case as risk-assessment learns of it: `intake.case.referred.v1` on the stack's INTAKE
 * stream (published directly so this file tests the risk service, not intake's request path).
 */
async function refer(): Promise<string> {
  const caseId = randomUUID();
  await publishIntakeEvent(CaseReferredV1.subject, CaseReferredV1.eventType, caseId, {
    source: 'CRIME_REPORT',
    offenceClass: 'S4A_FEAR',
    flags: ['DOMESTIC'],
    victimId: randomUUID(),
    incidentCount: 2,
    referredAt: new Date().toISOString(),
  });
  return caseId;
}

async function openTasks(caseId: string) {
  const res = await api(assessor).get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200);
  return res.body as { taskId: string; status: string; reason: string; ownerAgency: string; triggers: unknown[] }[];
}

beforeAll(async () => {
  stack = await startStack();
  [assessor, advocate] = await Promise.all([
    tokenFor('police', ['risk-assessor'], 'e2e-risk-assessor'),
    tokenFor('advocacy', ['advocate'], 'e2e-risk-advocate'),
  ]);
  panelTokens.officer = await tokenFor('police', ['case-officer'], 'e2e-risk-panel-officer');
  panelTokens.lead = await tokenFor('police', ['stac-lead'], 'e2e-risk-panel-lead');
  panelTokens.probationOfficer = await tokenFor('probation', ['probation-officer'], 'e2e-risk-panel-po');
  panelTokens.namedClinician = await tokenFor('mental-health', ['mh-clinician'], 'e2e-risk-panel-clin');
  panelTokens.otherClinician = await tokenFor('mental-health', ['mh-clinician'], 'e2e-risk-panel-clin-2');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('risk assessment through the gateway', () => {
  let caseId: string;

  it('a screening task opened by a referral is completed with an S-DASH; the level is the assessor’s judgement', async () => {
    caseId = await refer();
    const [task] = await eventually(async () => {
      const t = await openTasks(caseId);
      return t.length ? t : undefined;
    }, { timeoutMs: 15_000, what: 'the screening task' });
    expect(task).toMatchObject({ status: 'OPEN', reason: 'NEW_REFERRAL', ownerAgency: 'police' });

    const instruments = await api(assessor).get('/api/v1/risk/instruments?code=S_DASH').expect(200);
    expect(instruments.body[0].questions.map((q: { code: string }) => q.code)).toEqual(S_DASH);
    expect(instruments.body[0].gatewayQuestion.code).toBe('DASH_STALKING_GATEWAY');

    const created = await api(assessor)
      .post(`/api/v1/cases/${caseId}/risk-assessments`)
      .set('Idempotency-Key', `risk-${randomUUID()}`)
      .send({ subject: 'VICTIM_SITUATION', instrument: 'S_DASH', taskId: task.taskId, answers: S_DASH.map((question) => ({ question, answer: 'YES' })) })
      .expect(201);
    expect(created.body).toMatchObject({ status: 'DRAFT', yesCount: 11, level: null, levelSetBy: 'PROFESSIONAL_JUDGEMENT' });
    const path = `/api/v1/cases/${caseId}/risk-assessments/${created.body.assessmentId}`;

    // Eleven yeses do not make it submittable: a judged level is required.
    const early = await api(assessor).post(`${path}/submit`).set('If-Match', created.headers.etag).expect(422);
    expect(early.body.errors.map((e: { field: string }) => e.field)).toContain('level');

    await api(assessor).patch(path).send({ level: 'HIGH' }).expect(428);
    // The gateway question is answerable like any other (recorded first, not counted).
    const patched = await api(assessor)
      .patch(path)
      .set('If-Match', created.headers.etag)
      .send({ level: 'HIGH', rationale: 'Escalating; threats.', answers: [{ question: 'DASH_STALKING_GATEWAY', answer: 'YES' }] })
      .expect(200);
    expect(patched.body).toMatchObject({ yesCount: 11 });
    expect(patched.body.answers[0]).toEqual({ question: 'DASH_STALKING_GATEWAY', answer: 'YES' });
    await api(assessor).patch(path).set('If-Match', created.headers.etag).send({ level: 'MEDIUM' }).expect(412);
    const submitted = await api(assessor).post(`${path}/submit`).set('If-Match', patched.headers.etag).expect(200);
    expect(submitted.body).toMatchObject({ status: 'CURRENT', level: 'HIGH' });
    expect(submitted.body).not.toHaveProperty('rationale');

    // A domestic case (flagged at referral) whose gateway answer is yes now has a DASH task.
    expect(await openTasks(caseId)).toEqual([
      expect.objectContaining({ reason: 'NEW_REFERRAL', status: 'COMPLETED', completedByAssessmentId: created.body.assessmentId }),
      expect.objectContaining({ reason: 'DASH_GATEWAY', status: 'OPEN', instrument: 'DASH', ownerAgency: 'police' }),
    ]);
  });

  it('AC-03: the rationale is returned only when asked for with include=risk.rationale and granted', async () => {
    const plain = await api(assessor).get(`/api/v1/cases/${caseId}/risk-assessments`).expect(200);
    expect(plain.body[0]).not.toHaveProperty('rationale');
    const withRationale = await api(assessor).get(`/api/v1/cases/${caseId}/risk-assessments?include=risk.rationale`).expect(200);
    expect(withRationale.body[0].rationale).toBe('Escalating; threats.');
    // Advocacy sees the shared summary, never the assessment records or the rationale.
    await api(advocate).get(`/api/v1/cases/${caseId}/risk-assessments?include=risk.rationale`).expect(403);
    const summary = await api(advocate).get(`/api/v1/cases/${caseId}/risk-summary`).expect(200);
    expect(summary.body).toMatchObject({ caseId, level: 'HIGH', assessedBy: { agency: 'police', role: 'risk-assessor' } });
    expect(JSON.stringify(summary.body)).not.toMatch(/Escalating/);
    const past = await api(assessor).get(`/api/v1/cases/${caseId}/risk-summary?at=2020-01-01`).expect(200);
    expect(past.body.level).toBeNull();
  });

  it('REL-02: the level change is published as risk.level.changed.v1 through the outbox', async () => {
    const rows = await eventually(async () => {
      const r = await riskDb<{ envelope: { caseId: string; additionalInformation: { level: string } }; published_at: Date | null }>(
        `SELECT envelope, published_at FROM outbox WHERE subject = 'risk.level.changed.v1' AND envelope->>'caseId' = $1`,
        [caseId],
      );
      return r.length && r.every((x) => x.published_at) ? r : undefined;
    }, { timeoutMs: 15_000, what: 'the published level change' });
    expect(rows.map((r) => r.envelope.additionalInformation.level)).toEqual(['HIGH']);
    const history = await api(advocate).get(`/api/v1/cases/${caseId}/risk-summary/history`).expect(200);
    expect(history.body.changes).toEqual([expect.objectContaining({ previousLevel: null, level: 'HIGH' })]);
  });

  it('a breach event (intake.incident.recorded.v1) opens a re-assessment task with its reason, on the police worklist only', async () => {
    const incidentId = randomUUID();
    await publishIntakeEvent(IncidentRecordedV1.subject, IncidentRecordedV1.eventType, caseId, {
      incidentId,
      occurredAt: new Date().toISOString(),
      behaviours: ['CONTACTING', 'BREACH'],
      isBreach: true,
    });
    {
      const task = await eventually(async () => (await openTasks(caseId)).find((t) => t.status === 'OPEN' && t.reason !== 'DASH_GATEWAY'), {
        timeoutMs: 15_000,
        what: 'the re-assessment task',
      });
      expect(task).toMatchObject({ reason: 'BREACH', ownerAgency: 'police' });

      const worklist = await api(assessor, 'risk-management').get('/api/v1/risk/worklist').expect(200);
      expect(worklist.body.agency).toBe('police');
      expect(worklist.body.openTasks).toEqual(expect.arrayContaining([expect.objectContaining({ caseId, reason: 'BREACH' })]));
      const mh = await tokenFor('mental-health', ['mh-clinician'], 'e2e-risk-mh');
      const mhList = await api(mh, 'risk-management').get('/api/v1/risk/worklist').expect(200);
      expect(mhList.body.openTasks.filter((t: { caseId: string }) => t.caseId === caseId)).toEqual([]);
      await api(advocate).get('/api/v1/risk/worklist').expect(403);
    }
  });

  it('AC-09 / API-04: an unknown case is 404 like any invisible one; malformed ids are 400', async () => {
    const missing = await api(assessor).post(`/api/v1/cases/${randomUUID()}/risk-assessments`).send({ subject: 'VICTIM_SITUATION', instrument: 'S_DASH' }).expect(404);
    expect(missing.body.code).toBe('case-not-found');
    await api(assessor).get('/api/v1/cases/nope/risk-summary').expect(400);
    const extra = await api(assessor).post(`/api/v1/cases/${caseId}/risk-assessments`).send({ subject: 'VICTIM_SITUATION', instrument: 'S_DASH', status: 'CURRENT' }).expect(400);
    expect(extra.body.errors.map((e: { field: string }) => e.field)).toContain('status');
  });
});

describe('a consultation panel partner records a structured professional judgement (domain.md §3 step 7)', () => {
  it('AC-02 / AC-12: probation and a named clinician on the panel record an SPJ through the gateway; cancelling the consultation ends that access', async () => {
    const { officer, lead, probationOfficer, namedClinician, otherClinician } = panelTokens;
    const referred = await api(officer, 'investigation').post('/api/v1/referrals').send(syntheticReferral('RISKPANEL')).expect(201);
    const caseId: string = referred.body.caseId;
    await handled(stack, 'risk-assessment', caseId, 'intake.case.referred');
    const spj = {
      subject: 'PERSON_OF_CONCERN',
      instrument: 'PROFESSIONAL_JUDGEMENT',
      level: 'HIGH',
      rationale: 'Resentful after the licence recall; contact attempts escalating.',
      domainLevels: { VIOLENCE: 'MODERATE', PERSISTENCE: 'HIGH', RECURRENCE: 'HIGH', PSYCHOSOCIAL_DAMAGE: 'HIGH' },
      stalkerType: 'RESENTFUL',
      formulation: 'Grievance-driven; persistence likely while supervision continues.',
    };
    const record = (token: string) => api(token, 'risk-management').post(`/api/v1/cases/${caseId}/risk-assessments`).set('Idempotency-Key', `spj-${randomUUID()}`);

    // Before any panel, probation sees the case only through the shared summary: not a judgement of its own (AC-09: 403).
    await record(probationOfficer).send(spj).expect(403);
    await api(probationOfficer, 'risk-management').get(`/api/v1/cases/${caseId}/risk-summary`).expect(200);

    // The lead seats probation's team and one named clinician; risk-assessment learns the panel from the event.
    const scheduled = await api(lead, 'investigation')
      .post(`/api/v1/cases/${caseId}/consultations`)
      .send({ scheduledFor: '2026-12-08T10:00:00Z', panel: [{ agency: 'police' }, { agency: 'probation' }, { agency: 'mental-health', subject: 'e2e-risk-panel-clin', issuer: `${DEV_ISSUER_BASE}/mental-health` }] })
      .expect(201);
    await handled(stack, 'risk-assessment', caseId, 'intake.consultation.scheduled');

    const draft = await record(probationOfficer).send(spj).expect(201);
    expect(draft.body).toMatchObject({ status: 'DRAFT', instrument: 'PROFESSIONAL_JUDGEMENT', level: 'HIGH', assessedBy: { agency: 'probation', role: 'probation-officer' } });
    const submitted = await api(probationOfficer, 'risk-management')
      .post(`/api/v1/cases/${caseId}/risk-assessments/${draft.body.assessmentId}/submit`)
      .set('If-Match', draft.headers.etag)
      .expect(200);
    expect(submitted.body).toMatchObject({ status: 'CURRENT', stalkerType: 'RESENTFUL' });
    // The record is probation's: its rationale comes back to probation on request (AC-03); the police list has only their own.
    const mine = await api(probationOfficer, 'risk-management').get(`/api/v1/cases/${caseId}/risk-assessments?include=risk.rationale`).expect(200);
    expect(mine.body).toEqual([expect.objectContaining({ assessmentId: draft.body.assessmentId, rationale: spj.rationale })]);
    const police = await api(assessor).get(`/api/v1/cases/${caseId}/risk-assessments`).expect(200);
    expect(police.body.map((a: { assessmentId: string }) => a.assessmentId)).not.toContain(draft.body.assessmentId);
    // Partners see the judgement in the shared summary, without its rationale.
    const summary = await api(advocate).get(`/api/v1/cases/${caseId}/risk-summary`).expect(200);
    expect(summary.body).toMatchObject({ level: 'HIGH', assessedBy: { agency: 'probation' } });
    expect(JSON.stringify(summary.body)).not.toContain('licence recall');

    // The named clinician holds the seat; a colleague of the same trust does not.
    await record(namedClinician).send(spj).expect(201);
    await record(otherClinician).send(spj).expect(403);

    // Rescheduling keeps the seats; cancelling ends them, here and in risk-assessment (AC-12: refused on the next request).
    const moved = await api(lead, 'investigation')
      .post(`/api/v1/cases/${caseId}/consultations/${scheduled.body.consultationId}/rescheduling`)
      .set('If-Match', scheduled.headers.etag)
      .send({ scheduledFor: '2026-12-09T10:00:00Z', reason: 'ATTENDEE_UNAVAILABLE' })
      .expect(200);
    await record(probationOfficer).send(spj).expect(201);
    await api(lead, 'investigation')
      .post(`/api/v1/cases/${caseId}/consultations/${scheduled.body.consultationId}/cancellation`)
      .set('If-Match', scheduled.headers.etag)
      .send({ reason: 'MANAGED_IN_ANOTHER_FORUM' })
      .expect(412);
    const cancelled = await api(lead, 'investigation')
      .post(`/api/v1/cases/${caseId}/consultations/${scheduled.body.consultationId}/cancellation`)
      .set('If-Match', moved.headers.etag)
      .send({ reason: 'MANAGED_IN_ANOTHER_FORUM' })
      .expect(200);
    expect(cancelled.body.history.map((h: { change: string }) => h.change)).toEqual(['SCHEDULED', 'RESCHEDULED', 'CANCELLED']);
    await handled(stack, 'risk-assessment', caseId, 'intake.consultation.cancelled');
    await record(probationOfficer).send(spj).expect(403);
    await record(namedClinician).send(spj).expect(403);
    await api(probationOfficer, 'risk-management').get(`/api/v1/cases/${caseId}/risk-assessments`).expect(403);
    // What probation recorded stays its record, and stays in the summary.
    expect((await api(advocate).get(`/api/v1/cases/${caseId}/risk-summary`).expect(200)).body.current).toEqual(
      expect.arrayContaining([expect.objectContaining({ assessedBy: expect.objectContaining({ agency: 'probation' }) })]),
    );
    // A cancelled consultation is not cancelled again, nor moved: 409 naming both states.
    const again = await api(lead, 'investigation')
      .post(`/api/v1/cases/${caseId}/consultations/${scheduled.body.consultationId}/cancellation`)
      .set('If-Match', cancelled.headers.etag)
      .send({ reason: 'DUPLICATE' })
      .expect(409);
    expect(again.body.title).toBe('Cannot move the consultation from CANCELLED to CANCELLED');
  });
});

