import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Client } from 'pg';
import request from 'supertest';
import { londonDate } from '@stac/domain';
import { eventually } from '@stac/testing';
import { auditExports, canaryLeaks, type Sample } from './canary';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(120_000);

/**
 * Probation after conviction (domain.md §3 steps 4 and 11, D12, D14; §4 probation) through the gateway:
 * the supervision check answered and shown on the police record, a post-conviction consultation whose
 * exclusion zone only a victim.location holder sees, MAPPA, and the release and licence-end days (probation's
 * scheduler, RELEASE_SCAN_SECONDS=1) opening RELEASE re-assessments in risk-assessment. A canary scan proves
 * the zone's geography and the probation case reference never leave probation: not in another agency's answer,
 * an event on the stack's streams, a service's logs or /metrics, a DPO's audit export or another service's database.
 */
let stack: Stack;
const tokens: Record<'officer' | 'assessor' | 'probation', string> = {} as never;
const ZONE = `CanaryZone${randomUUID().slice(0, 6)} Larkspur Road`;
const REFERENCE = `PRB/2026/CNRY${randomUUID().slice(0, 4).toUpperCase()}`;
const ROUTE = {
  team: 'North probation delivery unit',
  role: 'Offender manager',
  howToReach: 'Duty line 0300 000 0001, weekdays',
};
const seenByPolice: string[] = [];
/** The case the walk-through made (the canary scan reads it as every other agency would). */
let walkedCase: string | undefined;

function api(token: string, purpose = 'safeguarding') {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (p: string) => auth(base.post(p)),
    put: (p: string) => auth(base.put(p)),
    get: (p: string) => auth(base.get(p)),
  };
}

type Task = { taskId: string; status: string; reason: string; triggers: { reason: string }[] };
async function releaseTriggers(caseId: string): Promise<number> {
  const tasks: Task[] = (await api(tokens.assessor).get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200))
    .body;
  return (
    tasks.filter((t) => t.reason === 'RELEASE').length +
    tasks.flatMap((t) => t.triggers).filter((x) => x.reason === 'RELEASE').length
  );
}

async function moveCj(caseId: string, to: string) {
  const lc = await api(tokens.officer, 'investigation').get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
  await api(tokens.officer, 'investigation')
    .post(`/api/v1/cases/${caseId}/cj-stage-transitions`)
    .set('If-Match', lc.headers.etag)
    .send({ to })
    .expect(200);
}

beforeAll(async () => {
  stack = await startStack({ overrides: { probation: { RELEASE_SCAN_SECONDS: '1' } } });
  [tokens.officer, tokens.assessor, tokens.probation] = await Promise.all([
    tokenFor('police', ['case-officer'], 'e2e-prob-officer'),
    tokenFor('police', ['risk-assessor'], 'e2e-prob-assessor'),
    tokenFor('probation', ['probation-officer'], 'e2e-prob-po'),
  ]);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('probation: check, consultation, MAPPA, release and licence end', () => {
  it('referral -> check answered LICENCE -> intake shows it -> conviction -> exclusion-zone consultation -> MAPPA 1/2 -> release day -> RELEASE task -> licence end -> again', async () => {
    const referral = await api(tokens.officer, 'investigation')
      .post('/api/v1/referrals')
      .send(
        syntheticReferral('PROB', {
          flags: [],
          caseOfficer: 'PC-4414',
          victim: { givenName: 'Synthetic', familyName: 'Victim' },
          incidents: [{ occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING', 'LOITERING'] }],
        }),
      )
      .expect(201);
    const caseId: string = referral.body.caseId;
    walkedCase = caseId;

    // The check is opened from intake.case.referred.v1 and answered by a probation practitioner.
    const opened = await eventually(
      async () => {
        const r = await api(tokens.probation).get(`/api/v1/cases/${caseId}/probation`);
        return r.status === 200 && r.body.check ? r.body.check : undefined;
      },
      { timeoutMs: 30_000, what: 'the supervision check opened by intake.case.referred.v1' },
    );
    expect(opened).toMatchObject({ status: 'REQUESTED', overdue: false });
    const bad = await api(tokens.probation)
      .post(`/api/v1/cases/${caseId}/probation/checks/${opened.checkId}/answer`)
      .set('If-Match', `"${opened.version}"`)
      .send({ supervisionStatus: 'PAROLE', contactRoute: ROUTE })
      .expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'supervisionStatus' })]);
    const answered = await api(tokens.probation)
      .post(`/api/v1/cases/${caseId}/probation/checks/${opened.checkId}/answer`)
      .set('If-Match', `"${opened.version}"`)
      .send({ supervisionStatus: 'LICENCE', contactRoute: ROUTE, probationCaseReference: REFERENCE })
      .expect(200);
    expect(answered.body).toMatchObject({
      status: 'ANSWERED',
      supervisionStatus: 'LICENCE',
      contactRoute: ROUTE,
      hasProbationCaseReference: true,
    });
    expect(JSON.stringify(answered.body)).not.toContain(REFERENCE);
    // The practitioner finds it by the reference (sent in a body, never in a URL).
    const found = await api(tokens.probation)
      .post('/api/v1/probation/checks/search')
      .send({ probationCaseReference: REFERENCE.toLowerCase() })
      .expect(200);
    expect(found.body).toEqual([expect.objectContaining({ caseId, supervisionStatus: 'LICENCE' })]);

    // Intake shows it (probation.check.answered.v1), and the probation part carries the route.
    const view = await eventually(
      async () => {
        const v = (await api(tokens.officer).get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return v.intake.partnerChecks?.some((c: { agency: string }) => c.agency === 'probation')
          ? v
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the probation answer on the intake case part' },
    );
    seenByPolice.push(JSON.stringify(view));
    expect(view.intake.partnerChecks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agency: 'probation', answer: 'LICENCE', contactRouteAvailable: true }),
      ]),
    );
    expect(view.probation).toMatchObject({
      status: 'available',
      data: { answer: 'LICENCE', contactRoute: ROUTE },
    });

    // Conviction, recorded by the police; probation learns it from case.stage-changed.
    for (const to of ['ARRESTED', 'CHARGE_REQUESTED', 'CHARGED', 'AT_COURT', 'CONVICTED'])
      await moveCj(caseId, to);
    const consultation = {
      kind: 'POST_CONVICTION',
      recommendationCodes: ['LICENCE_CONDITIONS', 'REFER_TO_MAPPA'],
      licenceConditions: [
        { type: 'NON_CONTACT', note: 'No contact with the victim directly or through others' },
        { type: 'EXCLUSION_ZONE', exclusionZone: { description: ZONE, radiusMetres: 500 } },
      ],
    };
    const made = await eventually(
      async () => {
        const r = await api(tokens.probation)
          .post(`/api/v1/cases/${caseId}/probation/consultations`)
          .set('Idempotency-Key', `c-${randomUUID()}`)
          .send(consultation);
        if (r.status === 409) return undefined; // the conviction has not reached probation yet
        expect(r.status).toBe(201);
        return r.body;
      },
      { timeoutMs: 30_000, what: 'the post-conviction consultation once probation knows of the conviction' },
    );
    expect(made.licenceConditions[1]).toMatchObject({ type: 'EXCLUSION_ZONE', hasExclusionZone: true });

    // A reader without victim.location sees that a zone exists, not where; asking for it without the grant is 403.
    const police = await api(tokens.officer).get(`/api/v1/cases/${caseId}/probation`).expect(200);
    seenByPolice.push(JSON.stringify(police.body));
    expect(police.body.consultations[0].licenceConditions[1]).toEqual({
      type: 'EXCLUSION_ZONE',
      note: null,
      hasExclusionZone: true,
    });
    await api(tokens.officer).get(`/api/v1/cases/${caseId}/probation?include=victim.location`).expect(403);
    const plain = await api(tokens.probation).get(`/api/v1/cases/${caseId}/probation`).expect(200);
    expect(plain.body.consultations[0].licenceConditions[1].exclusionZone).toBeUndefined();
    const granted = await api(tokens.probation)
      .get(`/api/v1/cases/${caseId}/probation?include=victim.location`)
      .expect(200);
    expect(granted.body.consultations[0].licenceConditions[1].exclusionZone).toEqual({
      description: ZONE,
      radiusMetres: 500,
    });

    // MAPPA category 1, level 2.
    const today = londonDate(new Date());
    const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await api(tokens.probation)
      .post(`/api/v1/cases/${caseId}/probation/mappa`)
      .set('Idempotency-Key', `m-${randomUUID()}`)
      .send({ category: 1, level: 2, leadAgency: 'PROBATION', nextReviewDate: inAMonth })
      .expect(201);
    const withMappa = (await api(tokens.officer).get(`/api/v1/cases/${caseId}`).expect(200)).body;
    seenByPolice.push(JSON.stringify(withMappa));
    expect(withMappa.probation.data).toMatchObject({ mappaCategory: 1, mappaLevel: 2 });

    // Advocacy (the victim was referred with consent): an ISAC is allocated and the safety plan is active.
    const [isac, isacLead] = await Promise.all([
      tokenFor('advocacy', ['advocate'], 'e2e-prob-isac'),
      tokenFor('advocacy', ['advocacy-lead'], 'e2e-prob-isac-lead'),
    ]);
    const offer = await eventually(
      async () => {
        const r = await api(isac, 'care').get(`/api/v1/cases/${caseId}/advocacy`);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the advocacy offer opened by intake.case.referred.v1' },
    );
    await api(isacLead, 'care')
      .post(`/api/v1/cases/${caseId}/advocacy/allocation`)
      .set('If-Match', offer.headers.etag)
      .send({ advocate: 'e2e-prob-isac', reason: 'INITIAL' })
      .expect(200);
    let plan = await api(isac, 'care')
      .post(`/api/v1/cases/${caseId}/safety-plans`)
      .set('Idempotency-Key', `plan-${randomUUID()}`)
      .send({
        measures: [{ measure: 'PERSONAL_ALARM', owner: 'POLICE' }],
        reviewDate: new Date(Date.now() + 60 * 86_400_000).toISOString(),
      })
      .expect(201);
    const planId: string = plan.body.planId;
    for (const to of ['AGREED', 'ACTIVE'])
      plan = await api(isac, 'care')
        .post(`/api/v1/cases/${caseId}/safety-plans/${planId}/transitions`)
        .set('If-Match', plan.headers.etag)
        .send({ to })
        .expect(200);
    type Work = { kind: string; caseId: string; code: string | null; dueAt: string };
    /** What advocacy shows for the trigger: the plan review and the victim contact scheme obligation on the ISAC's worklist. */
    const advocacyAfter = (trigger: string) =>
      eventually(
        async () => {
          const mine: Work[] = (
            await api(isac, 'care').get('/api/v1/advocacy/worklists/mine?limit=100').expect(200)
          ).body.items.filter((i: Work) => i.caseId === caseId);
          const review = mine.find((i) => i.kind === 'PLAN_REVIEW_DUE' && i.code === trigger);
          const owed = mine.find((i) => i.kind === 'UPDATE_OWED' && i.code === trigger);
          return review && owed ? { review, owed } : undefined;
        },
        {
          timeoutMs: 30_000,
          what: `advocacy's plan review and victim contact scheme obligation after ${trigger}`,
        },
      );
    const vcsObligation = async (trigger: string) =>
      (
        (await api(isac, 'care').get(`/api/v1/cases/${caseId}/victim-updates`).expect(200)).body
          .obligations as { trigger: string }[]
      ).find((o) => o.trigger === trigger);

    // The release day arrives: probation's scheduler publishes offender.released; risk opens a RELEASE re-assessment.
    expect(await releaseTriggers(caseId)).toBe(0);
    const sentence = { custodyStart: '2026-06-01', actualRelease: today, licenceEnd: '2027-06-01' };
    await api(tokens.probation).put(`/api/v1/cases/${caseId}/probation/sentence`).send(sentence).expect(200);
    await eventually(async () => ((await releaseTriggers(caseId)) === 1 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a RELEASE re-assessment from probation.offender.released.v1',
    });
    // ...and advocacy puts the active plan up for review by its deadline (working days, a setting) and owes the
    // victim a victim contact scheme update, owned by the allocated ISAC.
    const onRelease = await advocacyAfter('OFFENDER_RELEASED');
    expect(new Date(onRelease.review.dueAt).getTime()).toBeGreaterThan(Date.now());
    expect(new Date(onRelease.review.dueAt).getTime()).toBeLessThan(Date.now() + 7 * 86_400_000);
    expect(await vcsObligation('OFFENDER_RELEASED')).toMatchObject({
      scheme: 'VICTIM_CONTACT_SCHEME',
      status: 'OPEN',
      ownerAgency: 'advocacy',
      ownerPerson: 'e2e-prob-isac',
      overdue: false,
    });
    const reviewing = await api(isac, 'care')
      .get(`/api/v1/cases/${caseId}/safety-plans/${planId}`)
      .expect(200);
    expect(reviewing.body).toMatchObject({
      status: 'ACTIVE',
      reviewReason: 'OFFENDER_RELEASED',
      reviewDueAt: onRelease.review.dueAt,
    });
    // The ISAC reviews the plan (it stays active).
    plan = await api(isac, 'care')
      .post(`/api/v1/cases/${caseId}/safety-plans/${planId}/transitions`)
      .set('If-Match', reviewing.headers.etag)
      .send({ to: 'UNDER_REVIEW' })
      .expect(200);
    await api(isac, 'care')
      .post(`/api/v1/cases/${caseId}/safety-plans/${planId}/transitions`)
      .set('If-Match', plan.headers.etag)
      .send({ to: 'ACTIVE' })
      .expect(200);
    // The licence ends: the same again.
    await api(tokens.probation)
      .put(`/api/v1/cases/${caseId}/probation/sentence`)
      .send({ ...sentence, licenceEnd: today })
      .expect(200);
    await eventually(async () => ((await releaseTriggers(caseId)) === 2 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'a second RELEASE trigger from probation.licence.ended.v1',
    });
    await advocacyAfter('LICENCE_ENDED');
    expect(await vcsObligation('LICENCE_ENDED')).toMatchObject({
      scheme: 'VICTIM_CONTACT_SCHEME',
      status: 'OPEN',
      ownerPerson: 'e2e-prob-isac',
    });
    const dates = (await api(tokens.probation).get(`/api/v1/cases/${caseId}/probation`).expect(200)).body
      .sentence;
    expect(dates).toMatchObject({ releasedOn: today, licenceEndedOn: today });
    // The practitioner's worklist no longer shows the release (it happened); a conviction with a consultation is not due either.
    const wl = (await api(tokens.probation).get('/api/v1/worklists/probation?limit=100').expect(200)).body;
    expect(
      wl.items.filter((i: { caseId: string }) => i.caseId === caseId).map((i: { kind: string }) => i.kind),
    ).toEqual([]);
  });

  it('sentence, release and licence dates keep their history: who changed which date when, earlier values retrievable (through the gateway)', async () => {
    const referral = await api(tokens.officer, 'investigation')
      .post('/api/v1/referrals')
      .send(
        syntheticReferral('PROB', {
          advocacyReferral: 'CONSENT_DECLINED',
          offenceClass: 'S2A',
          flags: [],
          victim: { givenName: 'Synthetic', familyName: 'Victim' },
          incidents: [{ occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING'] }],
        }),
      )
      .expect(201);
    const caseId: string = referral.body.caseId;
    await eventually(
      async () =>
        (await api(tokens.probation).get(`/api/v1/cases/${caseId}/probation`)).status === 200
          ? true
          : undefined,
      {
        timeoutMs: 30_000,
        what: 'the supervision check opening probation’s record',
      },
    );
    const first = { custodyStart: '2026-06-01', expectedRelease: '2030-03-01', licenceEnd: '2031-03-01' };
    await api(tokens.probation).put(`/api/v1/cases/${caseId}/probation/sentence`).send(first).expect(200);
    const moved = await api(tokens.probation)
      .put(`/api/v1/cases/${caseId}/probation/sentence`)
      .send({ ...first, expectedRelease: '2030-01-15' })
      .expect(200);
    expect(moved.body).toMatchObject({ expectedRelease: '2030-01-15', version: 2 });
    const own = (await api(tokens.probation).get(`/api/v1/cases/${caseId}/probation`).expect(200)).body
      .sentenceHistory;
    expect(
      own.map(
        (h: { version: number; expectedRelease: string; changedFields: string[]; changedBy: string }) => [
          h.version,
          h.expectedRelease,
          h.changedFields,
          h.changedBy,
        ],
      ),
    ).toEqual([
      [1, '2030-03-01', ['custodyStart', 'expectedRelease', 'licenceEnd'], 'e2e-prob-po'],
      [2, '2030-01-15', ['expectedRelease'], 'e2e-prob-po'],
    ]);
    // The police see the dates' history, not who in probation changed them.
    const police = (await api(tokens.officer).get(`/api/v1/cases/${caseId}/probation`).expect(200)).body
      .sentenceHistory;
    expect(police.map((h: { expectedRelease: string }) => h.expectedRelease)).toEqual([
      '2030-03-01',
      '2030-01-15',
    ]);
    expect(police.some((h: object) => 'changedBy' in h)).toBe(false);
  });

  it('DP-01 canary: no exclusion-zone geography or probation case reference outside probation (answers, events, logs, metrics, audit exports, other services’ databases)', async () => {
    const caseId = walkedCase;
    expect(caseId).toBeDefined();
    const canaries = [ZONE.split(' ')[0], REFERENCE, REFERENCE.replace(/\//g, '')];
    const samples: Sample[] = seenByPolice.map((text, n) => ({ label: `police answer ${n + 1}`, text }));
    // Every other agency reading the case and probation's part of it (none holds victim.location on probation's records).
    for (const [agency, role, purpose] of [
      ['police', 'case-officer', 'safeguarding'],
      ['police', 'risk-assessor', 'risk-management'],
      ['mental-health', 'mh-clinician', 'risk-management'],
      ['advocacy', 'advocate', 'safeguarding'],
    ] as const) {
      const token = await tokenFor(agency, [role], `e2e-prob-canary-${agency}-${role}`);
      for (const path of [`/api/v1/cases/${caseId}`, `/api/v1/cases/${caseId}/probation`]) {
        const r = await api(token, purpose).get(path);
        expect([200, 403, 404]).toContain(r.status);
        samples.push({ label: `${agency} ${role} GET ${path.replace(caseId!, ':caseId')}`, text: r.text });
      }
    }
    for (const service of ['intake', 'risk-assessment', 'advocacy', 'mental-health'] as const) {
      const { stdout } = await promisify(execFile)(
        'pg_dump',
        ['--data-only', stack.env[service].DATABASE_URL],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      expect(stdout.length).toBeGreaterThan(0);
      samples.push({ label: `${service} database`, text: stdout });
    }
    // What left probation: its events (outbox) and its access log (who, what, never data).
    const db = new Client({ connectionString: stack.env.probation.DATABASE_URL });
    await db.connect();
    try {
      const rows = await db.query(
        `SELECT row_to_json(o)::text AS j FROM outbox o UNION ALL SELECT row_to_json(a)::text FROM access_log a`,
      );
      expect(rows.rowCount).toBeGreaterThan(0);
      samples.push(
        ...rows.rows.map((r: { j: string }) => ({ label: 'probation outbox / access log', text: r.j })),
      );
      // Inside probation the zone is sealed and the reference is only a keyed token.
      const inside = await db.query(
        `SELECT row_to_json(t)::text AS j FROM probation_consultation t UNION ALL SELECT row_to_json(c)::text FROM supervision_check c`,
      );
      samples.push(
        ...inside.rows.map((r: { j: string }) => ({
          label: 'probation consultation / check row',
          text: r.j,
        })),
      );
    } finally {
      await db.end();
    }
    const exports = await auditExports(
      stack,
      await Promise.all(
        (['probation', 'police', 'mental-health', 'advocacy'] as const).map(async (agency) => ({
          label: `${agency} DPO`,
          token: await tokenFor(agency, ['dpo'], `e2e-prob-dpo-${agency}`),
        })),
      ),
    );
    // Positive control: probation's own export covers the case.
    expect(exports[0].text).toContain(caseId);
    expect(await canaryLeaks(stack, { canaries, answers: samples, exports })).toEqual([]);
  });
});
