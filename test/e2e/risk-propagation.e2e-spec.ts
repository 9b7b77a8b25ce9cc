import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(90_000);

/**
 * Risk propagation across services through the gateway: a CURRENT assessment that sets the case's
 * level reaches intake (`intake.riskLevel`) and advocacy (the offer's priority) via
 * `risk.level.changed.v1`; an arrest recorded in intake (`intake.case.stage-changed.v1`) opens an
 * ARREST re-assessment task in risk-assessment (domain.md §4, §6.8).
 */
let stack: Stack;
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
const tokens: Record<'officer' | 'assessor', string> = {} as never;

function api(token: string, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) => t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    patch: (path: string) => auth(base.patch(path)),
    get: (path: string) => auth(base.get(path)),
  };
}

type Task = { taskId: string; status: string; reason: string; ownerAgency: string; triggers: { reason: string }[] };
async function riskTasks(caseId: string): Promise<Task[]> {
  return (await api(tokens.assessor, 'safeguarding').get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200)).body;
}

beforeAll(async () => {
  stack = await startStack();
  [tokens.officer, tokens.assessor] = await Promise.all([
    tokenFor('police', ['case-officer'], 'e2e-prop-officer'),
    tokenFor('police', ['risk-assessor'], 'e2e-prop-assessor'),
  ]);
}, 150_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('risk propagation between intake, risk-assessment and advocacy', () => {
  let caseId: string;

  it('§6.8: a CURRENT assessment setting the level shows as intake.riskLevel and as the advocacy offer’s priority in the case view', async () => {
    const referral = await api(tokens.officer)
      .post('/api/v1/referrals')
      .send(syntheticReferral('RP', { flags: ['DOMESTIC'], caseOfficer: 'PC-4412', victim: { givenName: 'Synthetic', familyName: 'Victim' } }))
      .expect(201);
    caseId = referral.body.caseId;

    const [task] = await eventually(async () => {
      const t = await riskTasks(caseId);
      return t.length ? t : undefined;
    }, { timeoutMs: 20_000, what: 'the screening task opened by intake.case.referred.v1' });
    const before = await api(tokens.officer).get(`/api/v1/cases/${caseId}`).expect(200);
    expect(before.body.intake.riskLevel).toBeNull();

    const created = await api(tokens.assessor, 'safeguarding')
      .post(`/api/v1/cases/${caseId}/risk-assessments`)
      .set('Idempotency-Key', `risk-${randomUUID()}`)
      .send({ subject: 'VICTIM_SITUATION', instrument: 'S_DASH', taskId: task.taskId, answers: S_DASH.map((question, i) => ({ question, answer: i < 3 ? 'YES' : 'NOT_KNOWN' })) })
      .expect(201);
    const path = `/api/v1/cases/${caseId}/risk-assessments/${created.body.assessmentId}`;
    const patched = await api(tokens.assessor, 'safeguarding').patch(path).set('If-Match', created.headers.etag).send({ level: 'HIGH', rationale: 'Escalating.' }).expect(200);
    const submitted = await api(tokens.assessor, 'safeguarding').post(`${path}/submit`).set('If-Match', patched.headers.etag).expect(200);
    expect(submitted.body).toMatchObject({ status: 'CURRENT', level: 'HIGH' });

    const view = await eventually(
      async () => {
        // The advocacy part is shared with the police for safeguarding only (agreement advocacy-to-police).
        const v = (await api(tokens.officer, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return v.intake.riskLevel === 'HIGH' && v.advocacy.status === 'available' && v.advocacy.data.priority === 'URGENT' ? v : undefined;
      },
      { timeoutMs: 30_000, what: 'intake.riskLevel HIGH and advocacy priority URGENT from risk.level.changed.v1' },
    );
    expect(view.riskSummary).toMatchObject({ status: 'available', data: expect.objectContaining({ level: 'HIGH' }) });
  });

  it('§6.8: an arrest recorded through the gateway opens an ARREST re-assessment task in risk-assessment', async () => {
    const lc = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
    await api(tokens.officer).post(`/api/v1/cases/${caseId}/cj-stage-transitions`).set('If-Match', lc.headers.etag).send({ to: 'ARRESTED' }).expect(200);
    const arrest = await eventually(
      async () => (await riskTasks(caseId)).find((t) => t.status === 'OPEN' && (t.reason === 'ARREST' || t.triggers.some((x) => x.reason === 'ARREST'))),
      { timeoutMs: 20_000, what: 'an ARREST re-assessment task from intake.case.stage-changed.v1' },
    );
    expect(arrest).toMatchObject({ reason: 'ARREST', ownerAgency: 'police', status: 'OPEN' });
  });
});
