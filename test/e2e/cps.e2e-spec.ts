import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(90_000);

/**
 * The CPS part of the police case file through the gateway (domain.md §3 step 9, D10): early advice
 * requested by the police and answered by a prosecutor with codes; the charging decision moves intake's
 * criminal-justice stage (CHARGED / NFA_CPS), which risk-assessment turns into a CHARGE re-assessment.
 * The prosecutor reaches only cases shared with the CPS.
 */
let stack: Stack;
const tokens: Record<'officer' | 'assessor' | 'prosecutor' | 'advocate', string> = {} as never;

function api(token: string, purpose = 'investigation') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return { post: (path: string) => auth(base.post(path)), get: (path: string) => auth(base.get(path)) };
}

async function refer(): Promise<string> {
  const res = await api(tokens.officer)
    .post('/api/v1/referrals')
    .send(
      syntheticReferral('CPS', {
        flags: [],
        caseOfficer: 'PC-4413',
        victim: { givenName: 'Synthetic', familyName: 'Victim' },
        incidents: [{ occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING', 'LOITERING'] }],
      }),
    )
    .expect(201);
  return res.body.caseId;
}

async function moveCj(caseId: string, to: string) {
  const lc = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
  await api(tokens.officer)
    .post(`/api/v1/cases/${caseId}/cj-stage-transitions`)
    .set('If-Match', lc.headers.etag)
    .send({ to })
    .expect(200);
}

beforeAll(async () => {
  stack = await startStack();
  [tokens.officer, tokens.assessor, tokens.prosecutor, tokens.advocate] = await Promise.all([
    tokenFor('police', ['case-officer'], 'e2e-cps-officer'),
    tokenFor('police', ['risk-assessor'], 'e2e-cps-assessor'),
    tokenFor('cps', ['prosecutor'], 'e2e-cps-prosecutor'),
    tokenFor('advocacy', ['advocate'], 'e2e-cps-isac'),
  ]);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('CPS early advice and charging decisions', () => {
  it('D10: early advice requested -> answered -> charge s4A -> intake CHARGED and a CHARGE task in risk-assessment', async () => {
    const caseId = await refer();
    const other = await refer();
    // Before anything is shared the CPS cannot see the case at all (404, as if it did not exist).
    await api(tokens.prosecutor).get(`/api/v1/cases/${caseId}/cps`).expect(404);

    const asked = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/cps/advice-requests`)
      .set('Idempotency-Key', `cps-${randomUUID()}`)
      .send({
        question: 'Is the evidence of fear sufficient for s4A?',
        evidenceAreas: ['DIGITAL', 'VICTIM_ACCOUNT'],
        dueInWorkingDays: 3,
      })
      .expect(201);
    expect(asked.body).toMatchObject({ status: 'REQUESTED', overdue: false });
    // Bad input names the problem and stores nothing.
    const bad = await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/cps/advice-requests`)
      .set('Idempotency-Key', `cps-${randomUUID()}`)
      .send({ question: 'x?', evidenceAreas: ['ASTROLOGY'] })
      .expect(400);
    expect(bad.body.code).toBe('validation-failed');

    // The prosecutor's worklist shows the request; the unshared case is not there.
    const wl = await api(tokens.prosecutor).get('/api/v1/worklists/prosecutor?limit=50').expect(200);
    expect(wl.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'ADVICE_DUE', caseId, requestId: asked.body.requestId }),
      ]),
    );
    expect(wl.body.items.some((i: { caseId: string }) => i.caseId === other)).toBe(false);

    const answered = await api(tokens.prosecutor)
      .post(`/api/v1/cases/${caseId}/cps/advice-requests/${asked.body.requestId}/answer`)
      .send({ adviceCodes: ['OBTAIN_DIGITAL_EVIDENCE', 'CONSIDER_S4A_NOT_S2A'] })
      .expect(200);
    expect(answered.body).toMatchObject({
      status: 'ANSWERED',
      adviceCodes: ['OBTAIN_DIGITAL_EVIDENCE', 'CONSIDER_S4A_NOT_S2A'],
    });
    // The CPS sees what the share allows: the case's core facts, never the police's workflow records or another case.
    const view = await api(tokens.prosecutor).get(`/api/v1/cases/${caseId}`).expect(200);
    expect(view.body.intake.people.every((p: { displayName?: string | null }) => !p.displayName)).toBe(true);
    await api(tokens.prosecutor).get(`/api/v1/cases/${caseId}/orders`).expect(403);
    await api(tokens.prosecutor).get(`/api/v1/cases/${other}/cps`).expect(404);
    await api(tokens.prosecutor)
      .post(`/api/v1/cases/${other}/cps/charging-decisions`)
      .set('Idempotency-Key', `d-${randomUUID()}`)
      .send({ decision: 'CHARGE_S4A' })
      .expect(404);
    // Only a prosecutor decides charge.
    await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/cps/charging-decisions`)
      .set('Idempotency-Key', `d-${randomUUID()}`)
      .send({ decision: 'CHARGE_S4A' })
      .expect(403);

    await moveCj(caseId, 'ARRESTED');
    await moveCj(caseId, 'CHARGE_REQUESTED');
    const decided = await api(tokens.prosecutor)
      .post(`/api/v1/cases/${caseId}/cps/charging-decisions`)
      .set('Idempotency-Key', `d-${randomUUID()}`)
      .send({ decision: 'CHARGE_S4A' })
      .expect(201);
    expect(decided.body).toMatchObject({ decision: 'CHARGE_S4A', cjStage: 'CHARGED' });
    const lc = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
    expect(lc.body.cjStage).toBe('CHARGED');
    const charge = await eventually(
      async () => {
        const tasks: { status: string; reason: string; triggers: { reason: string }[] }[] = (
          await api(tokens.assessor, 'safeguarding').get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200)
        ).body;
        return tasks.find(
          (t) =>
            t.status === 'OPEN' && (t.reason === 'CHARGE' || t.triggers.some((x) => x.reason === 'CHARGE')),
        );
      },
      { timeoutMs: 20_000, what: 'a CHARGE re-assessment task from intake.case.stage-changed.v1' },
    );
    expect(charge).toBeDefined();
  });

  it("D10: no further action moves the case to NFA_CPS with the reason recorded and opens the victim's Victims' Code obligation in advocacy", async () => {
    const caseId = await refer();
    await api(tokens.officer)
      .post(`/api/v1/cases/${caseId}/cps/advice-requests`)
      .set('Idempotency-Key', `cps-${randomUUID()}`)
      .send({ question: 'Is a charge realistic?', evidenceAreas: ['WITNESS_ACCOUNTS'] })
      .expect(201);
    await moveCj(caseId, 'ARRESTED');
    await moveCj(caseId, 'CHARGE_REQUESTED');
    const missing = await api(tokens.prosecutor)
      .post(`/api/v1/cases/${caseId}/cps/charging-decisions`)
      .set('Idempotency-Key', `d-${randomUUID()}`)
      .send({ decision: 'NO_FURTHER_ACTION' })
      .expect(400);
    expect(missing.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
    await api(tokens.prosecutor)
      .post(`/api/v1/cases/${caseId}/cps/charging-decisions`)
      .set('Idempotency-Key', `d-${randomUUID()}`)
      .send({ decision: 'NO_FURTHER_ACTION', reason: 'The evidential test is not met' })
      .expect(201);
    const lc = await api(tokens.officer).get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
    expect(lc.body).toMatchObject({ cjStage: 'NFA_CPS' });
    const cps = await api(tokens.officer).get(`/api/v1/cases/${caseId}/cps`).expect(200);
    expect(cps.body.decisions).toEqual([
      expect.objectContaining({
        decision: 'NO_FURTHER_ACTION',
        cjStage: 'NFA_CPS',
        reason: 'The evidential test is not met',
      }),
    ]);
    // The victim (referred to advocacy with consent) is owed an update on the decision not to charge.
    const owed = await eventually(
      async () => {
        const r = await api(tokens.advocate, 'care').get(`/api/v1/cases/${caseId}/victim-updates`);
        const o =
          r.status === 200
            ? (r.body.obligations as { trigger: string }[]).find(
                (x) => x.trigger === 'DECISION_NOT_TO_CHARGE',
              )
            : undefined;
        return o;
      },
      { timeoutMs: 30_000, what: "the Victims' Code obligation for the decision not to charge" },
    );
    expect(owed).toMatchObject({
      trigger: 'DECISION_NOT_TO_CHARGE',
      scheme: 'VICTIMS_CODE',
      status: 'OPEN',
      ownerAgency: 'advocacy',
      overdue: false,
    });
  });
});
