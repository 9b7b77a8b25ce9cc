import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import request from 'supertest';
import { eventually } from '@stac/testing';
import { auditExports, logLeaks, metricsLeaks, sampleLeaks, scanStreams } from './canary';
import { startStack, tokenFor, type Stack } from './stack-harness';
import { syntheticReferral } from './builders';

jest.setTimeout(180_000);

/**
 * The victim advocacy pathway through the gateway, the whole stack as real processes (domain.md §3 steps 6
 * and 11, §6.1, §6.3, §6.6): referral with consent -> offer -> allocation -> contact -> needs -> safety plan
 * agreed and active -> an arrest and a bail change in intake open two Victims' Code update obligations ->
 * one delivered in time, one left overdue and escalated to the lead (advocacy's clock moved on through its
 * test-only offset file; the escalation scan announces it) -> an interview recorded as an investigation
 * milestone opens a third -> consent withdrawn -> intake's case view shows it and advocacy is told nothing
 * more. The DP-01 canary scan then looks for the charity's notes, contact preferences and the victim's new
 * address in other agencies' answers, every event, every log, /metrics and the DPOs' audit exports.
 */
let stack: Stack;
let smtp: SMTPServer;
const mail: { to: string; raw: string }[] = [];
const clockFile = join(mkdtempSync(join(tmpdir(), 'advocacy-e2e-')), 'clock-offset');
const DAY = 24 * 3600 * 1000;

const NOTE_CANARY = `Zn${randomBytes(6).toString('hex')}`;
const EMAIL_CANARY = `zm${randomBytes(6).toString('hex')}@victim.example`;
const PLACE_CANARY = `Zp${randomBytes(6).toString('hex')}`;
const THIRD_PARTY_CANARY = `Zt${randomBytes(6).toString('hex')}`;

const tokens: Record<'officer' | 'assessor' | 'advocate' | 'lead', string> = {} as never;

function api(token: string, purpose: string) {
  const base = request(stack.gatewayUrl);
  const auth = <T extends request.Test>(t: T) =>
    t.set('authorization', `Bearer ${token}`).set('x-purpose-of-use', purpose);
  return {
    post: (path: string) => auth(base.post(path)),
    put: (path: string) => auth(base.put(path)),
    get: (path: string) => auth(base.get(path)),
  };
}
const advocate = () => api(tokens.advocate, 'care');
const lead = () => api(tokens.lead, 'care');
const officer = (purpose = 'investigation') => api(tokens.officer, purpose);

/** London wall-clock `HH:MM` of now plus some hours (safe-hours windows are England and Wales local time). */
function londonHourFromNow(hours: number): string {
  const t = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    hourCycle: 'h23',
    hour: '2-digit',
  }).format(new Date(Date.now() + hours * 3600_000));
  return `${t}:00`;
}

async function cjStage(caseId: string, body: Record<string, unknown>) {
  const lc = await officer().get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
  await officer()
    .post(`/api/v1/cases/${caseId}/cj-stage-transitions`)
    .set('If-Match', lc.headers.etag)
    .send(body)
    .expect(200);
}

type Obligation = {
  obligationId: string;
  trigger: string;
  status: string;
  overdue: boolean;
  escalatedAt: string | null;
  inTime: boolean | null;
  version: number;
  ownerPerson: string | null;
};
async function updates(
  caseId: string,
): Promise<{ obligations: Obligation[]; notOpened: { trigger: string; reason: string }[] }> {
  return (await advocate().get(`/api/v1/cases/${caseId}/victim-updates`).expect(200)).body;
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mail.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  writeFileSync(clockFile, '0');
  stack = await startStack({
    logLevel: 'debug',
    overrides: {
      advocacy: {
        SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
        MAIL_FROM: 'isac@charity.example',
        CLOCK_OFFSET_FILE: clockFile,
        UPDATE_ESCALATION_SCAN_SECONDS: '1',
      },
    },
  });
  [tokens.officer, tokens.assessor, tokens.advocate, tokens.lead] = await Promise.all([
    tokenFor('police', ['case-officer'], 'e2e-adv-officer'),
    tokenFor('police', ['risk-assessor'], 'e2e-adv-assessor'),
    tokenFor('advocacy', ['advocate'], 'isac-e2e'),
    tokenFor('advocacy', ['advocacy-lead'], 'isac-lead-e2e'),
  ]);
}, 700_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
}, 60_000);

describe('victim advocacy end to end', () => {
  let caseId: string;
  let planId: string;

  it('AC-05: a referral with consent opens the offer in advocacy; the offer is accepted with a scope; a lead allocates an ISAC', async () => {
    const referral = await officer()
      .post('/api/v1/referrals')
      .send(
        syntheticReferral('ADV', {
          flags: ['DOMESTIC'],
          caseOfficer: 'PC-4412',
          victim: { givenName: 'Synthetic', familyName: 'Victim' },
          incidents: [{ occurredAt: '2026-11-01T18:30:00Z', behaviours: ['FOLLOWING', 'LOITERING'] }],
        }),
      )
      .expect(201);
    caseId = referral.body.caseId;
    const offered = await eventually(
      async () => {
        const r = await advocate().get(`/api/v1/cases/${caseId}/advocacy`);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, what: 'the advocacy offer opened by intake.case.referred.v1' },
    );
    expect(offered.body).toMatchObject({
      status: 'PENDING',
      consentState: 'GIVEN',
      consentScope: ['police'],
      advocate: null,
    });

    const engaged = await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/consent`)
      .set('If-Match', offered.headers.etag)
      .send({ change: 'GIVEN', scope: ['police'] })
      .expect(200);
    expect(engaged.body).toMatchObject({ status: 'ENGAGED', consentState: 'GIVEN' });
    // Allocation is the lead's: an advocate is refused.
    await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/allocation`)
      .set('If-Match', engaged.headers.etag)
      .send({ advocate: 'isac-e2e', reason: 'INITIAL' })
      .expect(403);
    const unallocated = await lead().get('/api/v1/advocacy/worklists/lead').expect(200);
    expect(unallocated.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'UNALLOCATED', caseId })]),
    );
    const allocated = await lead()
      .post(`/api/v1/cases/${caseId}/advocacy/allocation`)
      .set('If-Match', engaged.headers.etag)
      .send({ advocate: 'isac-e2e', reason: 'INITIAL' })
      .expect(200);
    expect(allocated.body).toMatchObject({
      advocate: 'isac-e2e',
      allocationHistory: [expect.objectContaining({ reason: 'INITIAL', allocatedBy: 'isac-lead-e2e' })],
    });
  });

  it('the advocate logs a contact (notes sealed), records needs and agrees a safety plan that becomes active', async () => {
    const contact = await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/contacts`)
      .set('Idempotency-Key', `contact-${randomUUID()}`)
      .send({
        contactAt: new Date().toISOString(),
        channel: 'PHONE',
        purposes: ['INITIAL_CONTACT', 'NEEDS_ASSESSMENT'],
        outcome: 'COMPLETED',
        nextContactDue: new Date(Date.now() + 3 * DAY).toISOString(),
        notes: `Victim mentioned ${NOTE_CANARY}`,
      })
      .expect(201);
    expect(contact.body).toMatchObject({ hasNotes: true });
    const listed = await advocate().get(`/api/v1/cases/${caseId}/advocacy/contacts`).expect(200);
    expect(listed.body[0]).not.toHaveProperty('notes');
    expect(
      (await advocate().get(`/api/v1/cases/${caseId}/advocacy/contacts?include=advocacy.notes`).expect(200))
        .body[0].notes,
    ).toContain(NOTE_CANARY);

    await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/needs-assessments`)
      .set('Idempotency-Key', `needs-${randomUUID()}`)
      .send({
        needs: [
          { area: 'TECHNOLOGY', level: 'HIGH', responses: ['DIGITAL_SAFETY_CHECK'] },
          { area: 'HOUSING', level: 'MEDIUM', responses: ['REFERRED_HOUSING'] },
        ],
      })
      .expect(201);

    const draft = await advocate()
      .post(`/api/v1/cases/${caseId}/safety-plans`)
      .set('Idempotency-Key', `plan-${randomUUID()}`)
      .send({
        measures: [
          { measure: 'SOCIAL_MEDIA_SETTINGS', owner: 'VICTIM' },
          { measure: 'PERSONAL_ALARM', owner: 'POLICE' },
        ],
        reviewDate: new Date(Date.now() + 28 * DAY).toISOString(),
      })
      .expect(201);
    planId = draft.body.planId;
    const agreed = await advocate()
      .post(`/api/v1/cases/${caseId}/safety-plans/${planId}/transitions`)
      .set('If-Match', draft.headers.etag)
      .send({ to: 'AGREED' })
      .expect(200);
    const active = await advocate()
      .post(`/api/v1/cases/${caseId}/safety-plans/${planId}/transitions`)
      .set('If-Match', agreed.headers.etag)
      .send({ to: 'ACTIVE' })
      .expect(200);
    expect(active.body).toMatchObject({ status: 'ACTIVE', planVersion: 3 });
    expect(
      (await advocate().get(`/api/v1/cases/${caseId}/safety-plans/${planId}?version=1`).expect(200)).body,
    ).toMatchObject({ status: 'DRAFT', planVersion: 1 });
  });

  it("§6.3: an arrest and a bail change in intake open two Victims' Code obligations; one is delivered in time, the other becomes overdue and escalates to the lead", async () => {
    await cjStage(caseId, { to: 'ARRESTED' });
    await cjStage(caseId, { to: 'BAILED', bailReturnAt: new Date(Date.now() + 20 * DAY).toISOString() });
    const opened = await eventually(
      async () => {
        const u = await updates(caseId);
        return u.obligations.length === 2 ? u : undefined;
      },
      { timeoutMs: 30_000, what: 'two update obligations from intake.case.stage-changed.v1' },
    );
    expect(opened.obligations.map((o) => o.trigger).sort()).toEqual(['ARREST', 'BAIL_OR_RUI']);
    expect(
      opened.obligations.every((o) => o.status === 'OPEN' && o.ownerPerson === 'isac-e2e' && !o.overdue),
    ).toBe(true);
    const mine = await advocate().get('/api/v1/advocacy/worklists/mine?limit=10').expect(200);
    expect(
      mine.body.items.filter(
        (i: { kind: string; caseId: string }) => i.caseId === caseId && i.kind === 'UPDATE_OWED',
      ),
    ).toHaveLength(2);

    const arrest = opened.obligations.find((o) => o.trigger === 'ARREST')!;
    const delivered = await advocate()
      .post(`/api/v1/cases/${caseId}/victim-updates/${arrest.obligationId}/delivery`)
      .set('If-Match', `"${arrest.version}"`)
      .send({ deliveredAt: new Date().toISOString(), method: 'PHONE' })
      .expect(200);
    expect(delivered.body).toMatchObject({ status: 'DELIVERED', inTime: true, deliveredBy: 'isac-e2e' });

    // Twelve days later (advocacy's clock, moved on through its test-only offset file): the bail update is overdue.
    writeFileSync(clockFile, String(12 * DAY));
    const after = await updates(caseId);
    expect(after.obligations.find((o) => o.trigger === 'BAIL_OR_RUI')).toMatchObject({
      status: 'OPEN',
      overdue: true,
    });
    expect(after.obligations.find((o) => o.trigger === 'ARREST')).toMatchObject({
      status: 'DELIVERED',
      overdue: false,
      inTime: true,
    });
    const escalated = await lead().get('/api/v1/advocacy/worklists/lead').expect(200);
    const overdue = escalated.body.items.filter(
      (i: { kind: string; caseId: string }) => i.kind === 'UPDATE_OVERDUE' && i.caseId === caseId,
    );
    expect(overdue).toEqual([
      expect.objectContaining({ code: 'BAIL_OR_RUI', overdue: true, advocate: 'isac-e2e' }),
    ]);
    // The escalation scan (every second here) announces it once: escalatedAt set, update-overdue on the stream.
    const bail = await eventually(
      async () =>
        (await updates(caseId)).obligations.find((o) => o.trigger === 'BAIL_OR_RUI' && o.escalatedAt),
      { timeoutMs: 30_000, what: 'the escalation scan marking the overdue bail update' },
    );
    expect(bail).toMatchObject({ status: 'OPEN', overdue: true });
    const announced = await eventually(
      async () => (await scanStreams(stack, [])).scanned.get('advocacy.victim.update-overdue.v1'),
      { timeoutMs: 30_000, what: 'advocacy.victim.update-overdue.v1 on the ADVOCACY stream' },
    );
    expect(announced).toBe(1);
    const month = new Date().toISOString().slice(0, 7);
    const compliance = await lead()
      .get(`/api/v1/advocacy/victims-code/compliance?month=${month}`)
      .expect(200);
    expect(compliance.body.due).toBeGreaterThanOrEqual(1);
    writeFileSync(clockFile, '0');
  });

  it("§6.3: an interview recorded by the officer as an investigation milestone (no stage change) opens a Victims' Code obligation", async () => {
    await officer()
      .post(`/api/v1/cases/${caseId}/investigation-milestones`)
      .set('Idempotency-Key', `milestone-${randomUUID()}`)
      .send({ milestone: 'SUSPECT_INTERVIEWED', occurredAt: new Date(Date.now() - 3600_000).toISOString() })
      .expect(201);
    const lc = await officer().get(`/api/v1/cases/${caseId}/lifecycle`).expect(200);
    expect(lc.body.cjStage).toBe('BAILED');
    const interview = await eventually(
      async () => (await updates(caseId)).obligations.find((o) => o.trigger === 'INTERVIEW'),
      {
        timeoutMs: 30_000,
        what: 'the INTERVIEW obligation from intake.investigation.milestone-recorded.v1',
      },
    );
    expect(interview).toMatchObject({ status: 'OPEN', ownerPerson: 'isac-e2e', overdue: false });
  });

  it('§6.1: the one outbound path refuses a never-use channel and a message outside safe hours (both recorded), and delivers a permitted email over SMTP', async () => {
    const prefs = {
      safeChannels: ['EMAIL'],
      neverUse: ['SMS', 'LETTER'],
      safeHours: [{ from: londonHourFromNow(2), to: londonHourFromNow(3) }],
      addressConfidential: true,
      email: EMAIL_CANARY,
      safeThirdParty: { name: THIRD_PARTY_CANARY, relationship: 'Sister' },
    };
    await advocate().put(`/api/v1/cases/${caseId}/advocacy/contact-preferences`).send(prefs).expect(200);
    const message = {
      purpose: 'CHECK_IN',
      subject: 'Your advocate',
      body: 'Please call your advocate when it is safe.',
    };
    const never = await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/communications`)
      .send({ ...message, channel: 'SMS' })
      .expect(422);
    expect(never.body).toMatchObject({
      code: 'contact-refused',
      detail: expect.stringMatching(/^NEVER_USE_CHANNEL/),
    });
    const late = await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/communications`)
      .send({ ...message, channel: 'EMAIL' })
      .expect(422);
    expect(late.body.detail).toMatch(/^OUTSIDE_SAFE_HOURS/);
    expect(mail).toEqual([]);

    await advocate()
      .put(`/api/v1/cases/${caseId}/advocacy/contact-preferences`)
      .send({ ...prefs, safeHours: [{ from: londonHourFromNow(-1), to: londonHourFromNow(2) }] })
      .expect(200);
    const sent = await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/communications`)
      .send({ ...message, channel: 'EMAIL' })
      .expect(201);
    expect(sent.body).toMatchObject({ status: 'SENT', channel: 'EMAIL' });
    await eventually(async () => (mail.length ? mail : undefined), {
      timeoutMs: 10_000,
      what: 'the email at the SMTP server',
    });
    expect(mail).toEqual([expect.objectContaining({ to: EMAIL_CANARY })]);
    expect(mail[0].raw).toContain('Please call your advocate when it is safe.');
    const log = await advocate().get(`/api/v1/cases/${caseId}/advocacy/communications`).expect(200);
    expect(
      log.body.map((c: { channel: string; status: string; refusal: string | null }) => [
        c.channel,
        c.status,
        c.refusal,
      ]),
    ).toEqual([
      ['SMS', 'REFUSED', 'NEVER_USE_CHANNEL'],
      ['EMAIL', 'REFUSED', 'OUTSIDE_SAFE_HOURS'],
      ['EMAIL', 'SENT', null],
    ]);
  });

  it('AC-03: police see consent state, allocation and plan status; never notes, needs or contact preferences (canaries), and cannot call the charity’s operations', async () => {
    const view = await officer('safeguarding').get(`/api/v1/cases/${caseId}`).expect(200);
    expect(view.body.advocacy).toMatchObject({
      status: 'available',
      data: {
        status: 'ENGAGED',
        consentState: 'GIVEN',
        allocation: { allocated: true },
        safetyPlan: { status: 'ACTIVE' },
      },
    });
    expect(view.body.advocacy.data.allocation).not.toHaveProperty('advocate');
    const text = JSON.stringify(view.body);
    for (const canary of [
      NOTE_CANARY,
      EMAIL_CANARY,
      THIRD_PARTY_CANARY,
      'DIGITAL_SAFETY_CHECK',
      'SOCIAL_MEDIA_SETTINGS',
    ])
      expect(text).not.toContain(canary);
    for (const path of [
      'advocacy/contacts',
      'advocacy/needs-assessments',
      'advocacy/contact-preferences',
      'safety-plans',
      'advocacy',
    ]) {
      await officer('safeguarding').get(`/api/v1/cases/${caseId}/${path}`).expect(403);
    }
  });

  it('§4: a victim situation change stays sealed in advocacy and opens a VICTIM_MOVED re-assessment task in risk-assessment', async () => {
    await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/situation-changes`)
      .set('Idempotency-Key', `moved-${randomUUID()}`)
      .send({
        change: 'MOVED',
        effectiveFrom: new Date().toISOString(),
        details: `Now living at ${PLACE_CANARY}`,
      })
      .expect(201);
    const task = await eventually(
      async () => {
        const tasks = (
          await api(tokens.assessor, 'safeguarding').get(`/api/v1/cases/${caseId}/risk-tasks`).expect(200)
        ).body as { reason: string; status: string; triggers: { reason: string }[] }[];
        return tasks.find(
          (t) =>
            t.status === 'OPEN' &&
            (t.reason === 'VICTIM_MOVED' || t.triggers.some((x) => x.reason === 'VICTIM_MOVED')),
        );
      },
      { timeoutMs: 30_000, what: 'a VICTIM_MOVED task from advocacy.victim.situation-changed.v1' },
    );
    expect(task).toBeDefined();
  });

  it('§6.6: consent withdrawn — intake’s case view shows it, and advocacy is told nothing more (the next CJ event opens no obligation)', async () => {
    const record = await advocate().get(`/api/v1/cases/${caseId}/advocacy`).expect(200);
    await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/consent`)
      .set('If-Match', record.headers.etag)
      .send({ change: 'WITHDRAWN' })
      .expect(200);
    const intake = await eventually(
      async () => {
        const v = (await officer().get(`/api/v1/cases/${caseId}`).expect(200)).body;
        return v.intake.advocacyConsent?.state === 'WITHDRAWN' ? v : undefined;
      },
      { timeoutMs: 30_000, what: "intake's case view showing the withdrawal" },
    );
    expect(intake.intake.advocacyConsent).toMatchObject({ state: 'WITHDRAWN', scope: [] });
    // Police no longer see allocation or plan status, only that consent was withdrawn.
    const police = await officer('safeguarding').get(`/api/v1/cases/${caseId}`).expect(200);
    expect(police.body.advocacy.data).toEqual(expect.objectContaining({ consentState: 'WITHDRAWN' }));
    expect(police.body.advocacy.data).not.toHaveProperty('allocation');

    await cjStage(caseId, { to: 'NFA', reason: 'Insufficient evidence to proceed.' });
    // The positive signal: advocacy handled the event and recorded why it opened nothing.
    const after = await eventually(
      async () => {
        const u = await updates(caseId);
        return u.notOpened.length ? u : undefined;
      },
      { timeoutMs: 30_000, what: 'the NFA event handled by advocacy' },
    );
    expect(after.notOpened).toEqual([
      expect.objectContaining({ trigger: 'RELEASE_WITHOUT_CHARGE', reason: 'CONSENT_WITHDRAWN' }),
    ]);
    expect(after.obligations).toHaveLength(3);
    await advocate()
      .post(`/api/v1/cases/${caseId}/advocacy/communications`)
      .send({ purpose: 'CHECK_IN', subject: 'Hello', body: 'Checking in.', channel: 'EMAIL' })
      .expect(422);
    expect(mail).toHaveLength(1);
  });

  it("DP-01: no advocacy note, need, contact preference or place reaches another agency's answer, an event, a log line, a metric or a DPO's audit export", async () => {
    const canaries = [NOTE_CANARY, EMAIL_CANARY, PLACE_CANARY, THIRD_PARTY_CANARY];
    // Needs are coded (no free text): their codes are the needs detail that must stay in the charity.
    const needsDetail = ['DIGITAL_SAFETY_CHECK', 'REFERRED_HOUSING', 'SOCIAL_MEDIA_SETTINGS'];
    // Positive control: the charity itself holds them.
    expect(
      (await advocate().get(`/api/v1/cases/${caseId}/advocacy/contacts?include=advocacy.notes`).expect(200))
        .body[0].notes,
    ).toContain(NOTE_CANARY);
    const leaks: string[] = [];
    // Other agencies' answers: the police reading the case view (its advocacy part) and the risk assessor.
    for (const [who, token] of [
      ['police officer', tokens.officer],
      ['police risk assessor', tokens.assessor],
    ] as const) {
      const view = await api(token, 'safeguarding').get(`/api/v1/cases/${caseId}`).expect(200);
      expect(view.body.advocacy.status).toBe('available');
      if ([...canaries, ...needsDetail].some((c) => JSON.stringify(view.body).includes(c)))
        leaks.push(`case view for ${who}`);
    }
    leaks.push(...logLeaks(stack, canaries), ...(await metricsLeaks(stack, canaries)));
    const events = await scanStreams(stack, [...canaries, ...needsDetail]);
    leaks.push(...events.leaks);
    for (const [agency, subject] of [
      ['police', 'e2e-adv-dpo-police'],
      ['advocacy', 'e2e-adv-dpo-charity'],
    ] as const) {
      leaks.push(
        ...sampleLeaks(
          await auditExports(stack, [{ label: agency, token: await tokenFor(agency, ['dpo'], subject) }], {
            recordId: caseId,
          }),
          canaries,
        ).map((l) => `${l} (${agency})`),
      );
    }
    // Positive control: the charity's events were published and scanned.
    const advocacyEvents = [...events.scanned]
      .filter(([subject]) => subject.startsWith('advocacy.'))
      .reduce((n, [, count]) => n + count, 0);
    expect(advocacyEvents).toBeGreaterThanOrEqual(8);
    expect(leaks).toEqual([]);
  });
});
