import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { ensureDevIssuerKeys, type FieldGroup } from '@stac/auth';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import {
  AllocateAdvocate,
  CreateSafetyPlan,
  DeliverVictimUpdate,
  OverrideConsent,
  RecordConsent,
  RecordContact,
  RecordNeeds,
  RecordSituationChange,
  SendCommunication,
  SetContactPreferences,
  SetEnhancedRights,
  SubmitFeedback,
  TransitionSafetyPlan,
  ReviseSafetyPlan,
  ListContacts,
  type CaseReferredV1,
  type CaseStageChangedV1,
  type Operation,
  type OrderEndedV1,
  type RiskLevelChangedV1,
} from '@stac/contracts';
import type { EventContext } from '@stac/messaging';
import { createLogger } from '@stac/observability';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, Clock, domainServiceModule, FixedClock, OperationKernel } from '@stac/runtime';
import { charityContexts } from './testing/charity-context';
import { createTestDatabase, deleteNamespaceStreams, TEST_NATS_URL, testStreamEnv, type TestDatabase } from '@stac/testing';
import { AdvocacyOffersService } from './advocacy-offers/advocacy-offers.service';
import { ADVOCACY } from './advocacy.module';
import { ContactsService } from './contacts/contacts.service';
import { FeedbackService } from './feedback/feedback.service';
import { NeedsService } from './needs/needs.service';
import { SafeContactService } from './safe-contact/safe-contact.service';
import { SafetyPlansService } from './safety-plans/safety-plans.service';
import { VictimSituationService } from './victim-situation/victim-situation.service';
import { VictimSupportService } from './victim-support/victim-support.service';
import { VictimUpdatesService } from './victim-updates/victim-updates.service';
import { AdvocacyWorklistsService } from './worklists/advocacy-worklists.service';

jest.setTimeout(90_000);

/** Wednesday 23 December 2026, 10:00 GMT: Christmas, Boxing Day (substitute) and New Year's Day fall inside a 5-working-day clock. */
const T0 = new Date('2026-12-23T10:00:00.000Z');
const NOTE_CANARY = `CANARY-NOTE-${randomBytes(4).toString('hex')}`;
const EMAIL_CANARY = `canary-${randomBytes(4).toString('hex')}@victim.example`;
const PLACE_CANARY = `CANARY-PLACE-${randomBytes(4).toString('hex')}`;
const FREE_TEXT_CANARY = `CANARY-FEEDBACK-${randomBytes(4).toString('hex')}`;

describe('advocacy service (Nest TestingModule, real Postgres, FixedClock, real SMTP server)', () => {
  let db: TestDatabase;
  // Its own event streams (deleted at the end), so runs never share durable consumers.
  const streams = testStreamEnv();
  let app: TestingModule;
  let ds: DataSource;
  let kernel: OperationKernel;
  let smtp: SMTPServer;
  const mail: { to: string; raw: string }[] = [];
  const clock = new FixedClock(T0);
  const caseId: string = randomUUID();
  const env = { ...process.env };

  const ctxFor = charityContexts({ app: () => app, kernel: () => kernel, clock });
  const advocate = (op: Operation, fg: FieldGroup[] = []) => ctxFor(op, 'isac-1', 'advocate', fg);
  const lead = (op: Operation) => ctxFor(op, 'lead-1', 'advocacy-lead');

  const inEvent = <T>(eventType: string, fn: (ctx: EventContext) => Promise<T>, forCase = caseId, eventId = randomUUID()) =>
    ds.transaction((manager) =>
      fn({
        manager,
        envelope: { id: eventId, eventType, version: 1, occurredAt: clock.now().toISOString(), producer: 'intake', caseId: forCase, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-event',
        causationId: eventId,
      }),
    );
  const outbox = async (subject: string) =>
    (await ds.query(`SELECT envelope FROM outbox WHERE subject = $1 ORDER BY created_at, id`, [subject])).map((r: { envelope: unknown }) =>
      typeof r.envelope === 'string' ? JSON.parse(r.envelope as string) : r.envelope,
    );
  const refer = (id: string, basis: 'CONSENT' | 'LAWFUL_OVERRIDE' = 'CONSENT') =>
    inEvent(
      'intake.case.referred',
      (ctx) =>
        app.get(AdvocacyOffersService).onCaseReferred(
          { source: 'CRIME_REPORT', offenceClass: 'S4A_FEAR', flags: [], victimId: randomUUID(), incidentCount: 1, referredAt: clock.now().toISOString(), advocacyReferralBasis: basis } as CaseReferredV1,
          ctx,
        ),
      id,
    );
  const stage = (to: string, forCase = caseId) =>
    inEvent('intake.case.stage-changed', (ctx) =>
      app.get(VictimUpdatesService).onCaseStageChanged({ machine: 'CJ_STAGE', from: 'PRE_ARREST', to, changedAt: clock.now().toISOString() } as CaseStageChangedV1, ctx),
      forCase,
    );
  const support = () => app.get(VictimSupportService);
  const version = async (id = caseId) => (await ds.query(`SELECT version FROM advocacy_offer WHERE case_id = $1`, [id]))[0].version as number;

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
    const port = (smtp.server.address() as AddressInfo).port;
    process.env.ADVOCACY_DATA_KEYS = `k1:${randomBytes(32).toString('base64')}`;
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
    process.env.MAIL_FROM = 'isac@charity.example';

    db = await createTestDatabase('advocacy');
    const issuerDir = mkdtempSync(join(tmpdir(), 'advocacy-int-'));
    await ensureDevIssuerKeys(issuerDir);
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: ADVOCACY.entities, migrations: allMigrations(ADVOCACY), applicationName: 'advocacy-int-migrate' }));
    const config = loadConfig(SERVICE_ENV.advocacy, {
      DATABASE_URL: db.url,
      NATS_URL: TEST_NATS_URL,
      ...streams,
      AUTH_DEV_ISSUER_DIR: issuerDir,
      NODE_ENV: 'test',
      OUTBOX_POLL_MS: '60000',
    });
    app = await Test.createTestingModule({ imports: [domainServiceModule(ADVOCACY, config, createLogger('advocacy', 'silent'))] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    await app.init();
    ds = app.get(DataSource);
    kernel = app.get(OperationKernel);
  });

  afterAll(async () => {
    await app?.close();

    await deleteNamespaceStreams(TEST_NATS_URL, streams.NATS_NAMESPACE);
    await db?.drop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    process.env = env;
  });

  it('AC-05: a referral with consent opens a PENDING offer whose consent history starts with what intake recorded; consent-changed is published', async () => {
    await refer(caseId);
    await refer(caseId); // redelivery: nothing new
    const view = await support().recordViewFor(caseId);
    expect(view).toMatchObject({ status: 'PENDING', consentState: 'GIVEN', consentScope: ['police'], version: 2 });
    expect(view.consentHistory).toEqual([expect.objectContaining({ sequence: 1, change: 'GIVEN', decidedBy: 'police:referral' })]);
    const [changed] = await outbox('advocacy.victim.consent-changed.v1');
    expect(changed).toMatchObject({ caseId, additionalInformation: { change: 'GIVEN', state: 'GIVEN', scope: ['police'], sequence: 1 } });
    expect(await outbox('advocacy.offer.engaged.v1')).toEqual([]);
  });

  it('§6.6: the offer is accepted with a scope (engaged), narrowed, withdrawn and re-engaged; illegal changes are refused; each change is history', async () => {
    let v = await support().recordConsent({ caseId, expectedVersion: await version(), change: 'GIVEN', scope: ['police', 'mental-health'] }, advocate(RecordConsent));
    expect(v).toMatchObject({ status: 'ENGAGED', consentState: 'GIVEN', consentScope: ['police', 'mental-health'] });
    expect(await outbox('advocacy.offer.engaged.v1')).toEqual([expect.objectContaining({ additionalInformation: expect.objectContaining({ reEngaged: false }) })]);
    await expect(support().recordConsent({ caseId, expectedVersion: v.version, change: 'NARROWED', scope: ['police', 'cps'] }, advocate(RecordConsent))).rejects.toMatchObject({
      problem: { status: 422, code: 'not-narrower' },
    });
    await expect(support().recordConsent({ caseId, expectedVersion: v.version - 1, change: 'WITHDRAWN' }, advocate(RecordConsent))).rejects.toMatchObject({ problem: { status: 412 } });
    v = await support().recordConsent({ caseId, expectedVersion: v.version, change: 'NARROWED', scope: ['police'] }, advocate(RecordConsent));
    expect(v.consentScope).toEqual(['police']);
    v = await support().recordConsent({ caseId, expectedVersion: v.version, change: 'WITHDRAWN' }, advocate(RecordConsent));
    expect(v).toMatchObject({ status: 'WITHDRAWN', consentState: 'WITHDRAWN', consentScope: [] });
    await expect(support().recordConsent({ caseId, expectedVersion: v.version, change: 'NARROWED', scope: [] }, advocate(RecordConsent))).rejects.toMatchObject({
      problem: { status: 409, code: 'illegal-consent-change' },
    });
    v = await support().recordConsent({ caseId, expectedVersion: v.version, change: 'RE_ENGAGED', scope: ['police'] }, advocate(RecordConsent));
    expect(v).toMatchObject({ status: 'ENGAGED', consentState: 'GIVEN' });
    expect(v.consentHistory.map((c) => c.change)).toEqual(['GIVEN', 'GIVEN', 'NARROWED', 'WITHDRAWN', 'RE_ENGAGED']);
    expect((await outbox('advocacy.offer.engaged.v1')).map((e: { additionalInformation: { reEngaged: boolean } }) => e.additionalInformation.reEngaged)).toEqual([false, true]);
    const audit = await ds.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'advocacy.support.manage' AND $1 = ANY(record_ids)`, [caseId]);
    expect(audit[0].n).toBe(4);
  });

  it('AC-05: a decline needs its coded reason; lawful sharing without consent records the basis and the lead who decided', async () => {
    const other: string = randomUUID();
    await refer(other);
    await expect(support().recordConsent({ caseId: other, expectedVersion: await version(other), change: 'DECLINED' }, advocate(RecordConsent))).rejects.toMatchObject({
      problem: { status: 400 },
    });
    let v = await support().recordConsent({ caseId: other, expectedVersion: await version(other), change: 'DECLINED', declineReason: 'FEARS_ESCALATION' }, advocate(RecordConsent));
    expect(v).toMatchObject({ status: 'DECLINED', consentState: 'DECLINED' });
    expect(await outbox('advocacy.offer.declined.v1')).toEqual([expect.objectContaining({ caseId: other, additionalInformation: expect.objectContaining({ reason: 'FEARS_ESCALATION' }) })]);
    v = await support().overrideConsent(
      { caseId: other, expectedVersion: v.version, legalBasis: 'VITAL_INTERESTS', justification: 'Credible threat to life reported by the police.' },
      lead(OverrideConsent),
    );
    expect(v.consentHistory.at(-1)).toMatchObject({ change: 'LAWFUL_OVERRIDE', state: 'LAWFUL_OVERRIDE', legalBasis: 'VITAL_INTERESTS', decidedBy: 'lead-1' });
    const [row] = await ds.query(`SELECT justification_enc FROM consent_record WHERE offer_id = $1 AND change = 'LAWFUL_OVERRIDE'`, [v.offerId]);
    expect(row.justification_enc.toString('utf8')).not.toContain('threat to life');
    const [logged] = await ds.query(`SELECT legal_basis FROM access_log WHERE action = 'advocacy.consent.override' AND $1 = ANY(record_ids)`, [other]);
    expect(logged.legal_basis).toBe('VITAL_INTERESTS');
  });

  it('allocation by a lead, re-allocation only with a reason; caseloads per advocate and per lead; the unallocated count', async () => {
    await expect(support().allocate({ caseId, expectedVersion: await version(), advocate: 'isac-1', reason: 'CASELOAD_BALANCE' }, lead(AllocateAdvocate))).rejects.toMatchObject({
      problem: { status: 400 },
    });
    let v = await support().allocate({ caseId, expectedVersion: await version(), advocate: 'isac-2', reason: 'INITIAL' }, lead(AllocateAdvocate));
    v = await support().allocate({ caseId, expectedVersion: v.version, advocate: 'isac-1', reason: 'ADVOCATE_UNAVAILABLE' }, lead(AllocateAdvocate));
    expect(v).toMatchObject({ advocate: 'isac-1' });
    expect(v.allocationHistory.map((a) => [a.advocate, a.reason, a.allocatedBy])).toEqual([
      ['isac-2', 'INITIAL', 'lead-1'],
      ['isac-1', 'ADVOCATE_UNAVAILABLE', 'lead-1'],
    ]);
    const loads = await support().caseloads();
    expect(loads.advocates).toEqual([expect.objectContaining({ subject: 'isac-1', openCases: 1 })]);
    expect(loads.leads).toEqual([expect.objectContaining({ subject: 'lead-1', openCases: 1 })]);
    expect(loads.unallocated).toBe(0);
  });

  it('AC-03/DP-02: contact notes are sealed with the charity key, shown only with advocacy.notes, never in an event', async () => {
    const contacts = app.get(ContactsService);
    const c = await contacts.record(
      { caseId, contactAt: T0.toISOString(), channel: 'PHONE', purposes: ['INITIAL_CONTACT', 'SAFETY_PLANNING'], outcome: 'COMPLETED', nextContactDue: '2026-12-30T10:00:00.000Z', notes: `Victim said ${NOTE_CANARY}` },
      advocate(RecordContact, ['advocacy.notes']),
    );
    expect(c).toMatchObject({ hasNotes: true, notes: `Victim said ${NOTE_CANARY}` });
    const [row] = await ds.query(`SELECT notes_enc FROM advocacy_contact WHERE id = $1`, [c.contactId]);
    expect(Buffer.from(row.notes_enc).toString('utf8')).not.toContain(NOTE_CANARY);
    const withoutGroup = await contacts.list(caseId, advocate(ListContacts));
    expect(withoutGroup[0]).not.toHaveProperty('notes');
    expect((await contacts.list(caseId, advocate(ListContacts, ['advocacy.notes'])))[0].notes).toContain(NOTE_CANARY);
    const everything = JSON.stringify(await ds.query(`SELECT envelope FROM outbox`)) + JSON.stringify(await ds.query(`SELECT * FROM access_log`));
    expect(everything).not.toContain(NOTE_CANARY);
  });

  it('needs: coded areas with agreed responses; an area twice is refused; assessments are kept', async () => {
    const needs = app.get(NeedsService);
    await expect(
      needs.record({ caseId, needs: [{ area: 'SAFETY', level: 'HIGH', responses: ['SAFETY_PLAN_MEASURE'] }, { area: 'SAFETY', level: 'LOW', responses: ['NO_ACTION'] }] }, advocate(RecordNeeds)),
    ).rejects.toMatchObject({ problem: { status: 400 } });
    await needs.record({ caseId, needs: [{ area: 'SAFETY', level: 'HIGH', responses: ['SAFETY_PLAN_MEASURE'] }, { area: 'TECHNOLOGY', level: 'MEDIUM', responses: ['DIGITAL_SAFETY_CHECK'] }] }, advocate(RecordNeeds));
    await needs.record({ caseId, needs: [{ area: 'HOUSING', level: 'MEDIUM', responses: ['REFERRED_HOUSING'] }] }, advocate(RecordNeeds));
    const list = await needs.list(caseId);
    expect(list.map((n) => n.sequence)).toEqual([2, 1]);
    expect(list[1].needs).toEqual([
      { area: 'SAFETY', level: 'HIGH', responses: ['SAFETY_PLAN_MEASURE'] },
      { area: 'TECHNOLOGY', level: 'MEDIUM', responses: ['DIGITAL_SAFETY_CHECK'] },
    ]);
  });

  it('safety plans: DRAFT -> AGREED -> ACTIVE; review due when risk rises and when an order ends; revised under review as a new version; past versions retrievable', async () => {
    const plans = app.get(SafetyPlansService);
    let p = await plans.create(
      { caseId, measures: [{ measure: 'PERSONAL_ALARM', owner: 'POLICE' }, { measure: 'SOCIAL_MEDIA_SETTINGS', owner: 'VICTIM' }], reviewDate: '2027-01-20T10:00:00.000Z' },
      advocate(CreateSafetyPlan),
    );
    expect(p).toMatchObject({ status: 'DRAFT', planVersion: 1 });
    await expect(plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan))).rejects.toMatchObject({ problem: { status: 409 } });
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'AGREED' }, advocate(TransitionSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan));
    expect(p).toMatchObject({ status: 'ACTIVE', planVersion: 3, reviewDueAt: null });
    await expect(plans.revise({ caseId, planId: p.planId, expectedVersion: p.version, measures: [{ measure: 'SAFE_PHONE', owner: 'ADVOCACY' }], reviewDate: '2027-02-01T10:00:00.000Z' }, advocate(ReviseSafetyPlan))).rejects.toMatchObject({
      problem: { status: 409 },
    });

    const level = (info: Partial<RiskLevelChangedV1>) =>
      inEvent('risk.level.changed', (ctx) => app.get(AdvocacyOffersService).onRiskLevelChanged({ assessmentId: randomUUID(), ...info } as RiskLevelChangedV1, ctx));
    await level({ level: 'STANDARD', changedAt: '2026-12-23T09:00:00.000Z' });
    expect((await plans.get({ caseId, planId: p.planId })).reviewDueAt).toBeNull();
    await level({ previousLevel: 'STANDARD', level: 'HIGH', changedAt: '2026-12-23T09:30:00.000Z' });
    expect(await plans.get({ caseId, planId: p.planId })).toMatchObject({ reviewDueAt: T0.toISOString(), reviewReason: 'RISK_INCREASED' });
    expect((await outbox('advocacy.safety-plan.updated.v1')).at(-1)).toMatchObject({ additionalInformation: { planId: p.planId, status: 'ACTIVE', reviewDueAt: T0.toISOString() } });

    p = await plans.get({ caseId, planId: p.planId });
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'UNDER_REVIEW' }, advocate(TransitionSafetyPlan));
    p = await plans.revise({ caseId, planId: p.planId, expectedVersion: p.version, measures: [{ measure: 'SAFE_PHONE', owner: 'ADVOCACY' }], reviewDate: '2027-02-01T10:00:00.000Z' }, advocate(ReviseSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'AGREED' }, advocate(TransitionSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan));
    expect(p).toMatchObject({ status: 'ACTIVE', planVersion: 7, reviewDueAt: null, measures: [{ measure: 'SAFE_PHONE', owner: 'ADVOCACY' }] });
    expect(await plans.get({ caseId, planId: p.planId, planVersion: 1 })).toMatchObject({ status: 'DRAFT', planVersion: 1, latestVersion: 7, measures: [expect.objectContaining({ measure: 'PERSONAL_ALARM' }), expect.anything()] });

    await inEvent('intake.order.ended', (ctx) => plans.onOrderEnded({ orderId: randomUUID(), orderType: 'BAIL_CONDITIONS', outcome: 'EXPIRED', endedAt: T0.toISOString() } as OrderEndedV1, ctx));
    expect(await plans.get({ caseId, planId: p.planId })).toMatchObject({ reviewReason: 'ORDER_ENDED', reviewDueAt: T0.toISOString() });
  });

  it("§6.3: CJ events open Victims' Code obligations due in 5 England and Wales working days (1 with enhanced rights), owned by the allocated advocate; delivery is recorded with evidence; overdue shows on the lead's worklist; monthly compliance", async () => {
    const updates = app.get(VictimUpdatesService);
    await stage('ARRESTED');
    await stage('SENTENCED'); // a court outcome also owes an update
    await stage('CHARGE_REQUESTED'); // not a Victims' Code trigger
    let list = await updates.list(caseId);
    expect(list.obligations.map((o) => [o.trigger, o.dueAt, o.ownerPerson, o.enhancedRights]).sort()).toEqual([
      // Wed 23 Dec + 5 working days skipping Christmas, Boxing Day (substitute Mon 28) and New Year's Day.
      ['ARREST', '2027-01-04T10:00:00.000Z', 'isac-1', false],
      ['COURT_OUTCOME', '2027-01-04T10:00:00.000Z', 'isac-1', false],
    ]);
    expect(await outbox('advocacy.victim.update-due.v1')).toHaveLength(2);
    const v = await support().setEnhancedRights({ caseId, expectedVersion: await version(), enhancedRights: true }, advocate(SetEnhancedRights));
    expect(v.enhancedRights).toBe(true);
    await stage('BAILED');
    list = await updates.list(caseId);
    expect(list.obligations.find((o) => o.trigger === 'BAIL_OR_RUI')).toMatchObject({ enhancedRights: true, dueAt: '2026-12-24T10:00:00.000Z' });

    const arrest = list.obligations.find((o) => o.trigger === 'ARREST')!;
    await expect(
      updates.deliver({ caseId, obligationId: arrest.obligationId, expectedVersion: arrest.version, deliveredAt: '2027-01-01T10:00:00.000Z', method: 'PHONE' }, advocate(DeliverVictimUpdate)),
    ).rejects.toMatchObject({ problem: { status: 400 } }); // in the future
    const delivered = await updates.deliver({ caseId, obligationId: arrest.obligationId, expectedVersion: arrest.version, deliveredAt: T0.toISOString(), method: 'PHONE' }, advocate(DeliverVictimUpdate));
    expect(delivered).toMatchObject({ status: 'DELIVERED', deliveredBy: 'isac-1', deliveryMethod: 'PHONE', inTime: true, overdue: false });
    expect(await outbox('advocacy.victim.update-delivered.v1')).toEqual([expect.objectContaining({ additionalInformation: expect.objectContaining({ obligationId: arrest.obligationId, inTime: true }) })]);

    clock.set(new Date('2026-12-29T12:00:00.000Z'));
    const worklists = app.get(AdvocacyWorklistsService);
    const leads = await worklists.lead({});
    expect(leads.items.filter((i) => i.kind === 'UPDATE_OVERDUE').map((i) => i.code)).toEqual(['BAIL_OR_RUI']);
    const mine = await worklists.advocate('isac-1', {});
    expect(mine.items.map((i) => i.kind).sort()).toEqual(['CONTACT_DUE', 'PLAN_REVIEW_DUE', 'UPDATE_OWED', 'UPDATE_OWED']);
    // Paging: one at a time, in due order, with no repeats.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await worklists.advocate('isac-1', { limit: 1, cursor });
      seen.push(...page.items.map((i) => i.itemId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(mine.items.map((i) => i.itemId));

    expect(await updates.compliance('2026-12')).toMatchObject({ due: 1, overdue: 1, deliveredInTime: 0, compliancePercent: 0 });
    expect(await updates.compliance('2027-01')).toMatchObject({ due: 2, deliveredInTime: 1, pending: 1, compliancePercent: 100 });
  });

  it('DP-01/§6.1: the one outbound path refuses a never-use channel and a message outside safe hours (recorded), and delivers a permitted email over SMTP', async () => {
    const safe = app.get(SafeContactService);
    await safe.setPreferences(
      { caseId, safeChannels: ['EMAIL', 'LETTER'], neverUse: ['SMS', 'PHONE'], safeHours: [{ from: '10:00', to: '16:00' }], addressConfidential: true, email: EMAIL_CANARY },
      advocate(SetContactPreferences, ['victim.contact']),
    );
    const [row] = await ds.query(`SELECT prefs_enc FROM contact_preferences WHERE case_id = $1`, [caseId]);
    expect(Buffer.from(row.prefs_enc).toString('utf8')).not.toContain(EMAIL_CANARY);
    const send = (channel: 'SMS' | 'EMAIL' | 'LETTER', obligationId?: string) =>
      safe.send({ caseId, channel, purpose: 'CJ_UPDATE', subject: 'An update on your case', body: 'Please call your advocate.', ...(obligationId ? { obligationId } : {}) }, advocate(SendCommunication, ['victim.contact']));
    clock.set(new Date('2026-12-29T08:30:00.000Z'));
    await expect(send('SMS')).rejects.toMatchObject({ problem: { status: 422, code: 'contact-refused', detail: expect.stringMatching(/^NEVER_USE_CHANNEL/) } });
    await expect(send('EMAIL')).rejects.toMatchObject({ problem: { status: 422, detail: expect.stringMatching(/^OUTSIDE_SAFE_HOURS/) } });
    await expect(send('LETTER')).rejects.toMatchObject({ problem: { status: 422, detail: expect.stringMatching(/^CONFIDENTIAL_ADDRESS/) } });
    expect(mail).toEqual([]);
    clock.set(new Date('2026-12-29T11:00:00.000Z'));
    const bail = (await app.get(VictimUpdatesService).list(caseId)).obligations.find((o) => o.trigger === 'BAIL_OR_RUI')!;
    const sent = await send('EMAIL', bail.obligationId);
    expect(sent).toMatchObject({ status: 'SENT', channel: 'EMAIL', refusal: null });
    expect(mail).toEqual([expect.objectContaining({ to: EMAIL_CANARY })]);
    expect(mail[0].raw).toContain('Please call your advocate.');
    const log = await safe.list(caseId);
    expect(log.map((c) => [c.channel, c.status, c.refusal])).toEqual([
      ['SMS', 'REFUSED', 'NEVER_USE_CHANNEL'],
      ['EMAIL', 'REFUSED', 'OUTSIDE_SAFE_HOURS'],
      ['LETTER', 'REFUSED', 'CONFIDENTIAL_ADDRESS'],
      ['EMAIL', 'SENT', null],
    ]);
    // The email delivered the (late) Victims' Code update: recorded with its evidence.
    expect((await app.get(VictimUpdatesService).list(caseId)).obligations.find((o) => o.obligationId === bail.obligationId)).toMatchObject({
      status: 'DELIVERED',
      deliveryMethod: 'EMAIL',
      inTime: false,
    });
    const everything = JSON.stringify(await ds.query(`SELECT * FROM outbound_communication`)) + JSON.stringify(await ds.query(`SELECT envelope FROM outbox`));
    expect(everything).not.toContain(EMAIL_CANARY);
    expect(everything).not.toContain('Please call your advocate.');
  });

  it('§6.1: a victim situation change is sealed as victim.location; only a thin situation-changed event leaves, and the plan falls due for review', async () => {
    // Answer the review the order ending asked for, so the move's own review shows.
    const plans = app.get(SafetyPlansService);
    let [p] = await plans.list(caseId);
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'UNDER_REVIEW' }, advocate(TransitionSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan));
    expect(p.reviewDueAt).toBeNull();
    const r = await app.get(VictimSituationService).record({ caseId, change: 'MOVED', effectiveFrom: '2026-12-28T00:00:00.000Z', details: `Moved to ${PLACE_CANARY}` }, advocate(RecordSituationChange, ['victim.location']));
    const [event] = await outbox('advocacy.victim.situation-changed.v1');
    expect(event).toMatchObject({ caseId, additionalInformation: { changeId: r.changeId, change: 'MOVED' } });
    const everything = JSON.stringify(await ds.query(`SELECT envelope FROM outbox`)) + JSON.stringify(await ds.query(`SELECT encode(details_enc, 'escape') FROM victim_situation_change`));
    expect(everything).not.toContain(PLACE_CANARY);
    expect((await plans.list(caseId))[0]).toMatchObject({ reviewReason: 'VICTIM_SITUATION_CHANGED' });
  });

  it('feedback is stored apart from identity (no case id), summarised without free text', async () => {
    const feedback = app.get(FeedbackService);
    await feedback.submit({ caseId, milestone: 'FIRST_CONTACT', respondent: 'VICTIM', answers: [{ question: 'FELT_SAFER', score: 4 }, { question: 'KEPT_INFORMED', score: 2 }], freeText: FREE_TEXT_CANARY }, advocate(SubmitFeedback));
    await feedback.submit({ caseId, milestone: 'FIRST_CONTACT', respondent: 'REFERRER', answers: [{ question: 'FELT_SAFER', score: 5 }] }, advocate(SubmitFeedback));
    const summary = await feedback.summary({ milestone: 'FIRST_CONTACT' });
    expect(summary).toEqual({ responses: 2, questions: [{ question: 'FELT_SAFER', answers: 2, meanScore: 4.5 }, { question: 'KEPT_INFORMED', answers: 1, meanScore: 2 }] });
    const rows = JSON.stringify(await ds.query(`SELECT id, milestone, respondent, answers, submitted_month, encode(free_text_enc, 'escape') AS t FROM feedback_response`));
    expect(rows).not.toContain(caseId);
    expect(rows).not.toContain(FREE_TEXT_CANARY);
    expect(JSON.stringify(summary)).not.toContain(FREE_TEXT_CANARY);
  });

  it('consent withdrawn: the next criminal-justice event opens no obligation (recorded as not opened, with why) and nothing is sent', async () => {
    await support().recordConsent({ caseId, expectedVersion: await version(), change: 'WITHDRAWN' }, advocate(RecordConsent));
    const before = (await app.get(VictimUpdatesService).list(caseId)).obligations.length;
    await stage('NFA');
    const list = await app.get(VictimUpdatesService).list(caseId);
    expect(list.obligations).toHaveLength(before);
    expect(list.notOpened).toEqual([expect.objectContaining({ trigger: 'RELEASE_WITHOUT_CHARGE', reason: 'CONSENT_WITHDRAWN' })]);
    await expect(
      app.get(SafeContactService).send({ caseId, channel: 'EMAIL', purpose: 'CHECK_IN', subject: 'Hello', body: 'Checking in.' }, advocate(SendCommunication, ['victim.contact'])),
    ).rejects.toMatchObject({ problem: { status: 422, detail: expect.stringMatching(/^CONSENT_NOT_IN_FORCE/) } });
    expect(mail).toHaveLength(1);
  });

  it('the police see consent state, allocation and plan status in the case part while consent covers them; never notes, needs or preferences', async () => {
    const offers = app.get(AdvocacyOffersService);
    const withdrawn = await offers.casePart(caseId, { owning: false, agency: 'police' });
    expect(withdrawn).toEqual({ offerId: expect.any(String), status: 'WITHDRAWN', openedAt: expect.any(String), priority: 'URGENT', consentState: 'WITHDRAWN' });
    await support().recordConsent({ caseId, expectedVersion: await version(), change: 'RE_ENGAGED', scope: ['police'] }, advocate(RecordConsent));
    const police = await offers.casePart(caseId, { owning: false, agency: 'police' });
    expect(police).toMatchObject({ consentState: 'GIVEN', allocation: { allocated: true }, safetyPlan: { status: 'ACTIVE' } });
    expect(police!.allocation).not.toHaveProperty('advocate');
    expect(await offers.casePart(caseId, { owning: false, agency: 'probation' })).not.toHaveProperty('allocation');
    const text = JSON.stringify(police);
    for (const canary of [NOTE_CANARY, EMAIL_CANARY, PLACE_CANARY, 'TECHNOLOGY', 'SOCIAL_MEDIA_SETTINGS']) expect(text).not.toContain(canary);
  });
});
