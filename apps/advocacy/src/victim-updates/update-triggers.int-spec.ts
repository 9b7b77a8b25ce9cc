import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ensureDevIssuerKeys } from '@stac/auth';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import {
  AllocateAdvocate,
  CreateSafetyPlan,
  DeliverVictimUpdate,
  RecordConsent,
  SetEnhancedRights,
  TransitionSafetyPlan,
  type CaseReferredV1,
  type InvestigationMilestoneRecordedV1,
  type LicenceEndedV1,
  type OffenderReleasedV1,
  type Operation,
} from '@stac/contracts';
import type { EventContext } from '@stac/messaging';
import { createLogger } from '@stac/observability';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, Clock, domainServiceModule, FixedClock, OperationKernel } from '@stac/runtime';
import { charityContexts } from '../testing/charity-context';
import { createTestDatabase, deleteNamespaceStreams, TEST_NATS_URL, testStreamEnv, type TestDatabase } from '@stac/testing';
import { AdvocacyOffersService } from '../advocacy-offers/advocacy-offers.service';
import { ADVOCACY } from '../advocacy.module';
import { ReleaseTriggersService } from '../release-triggers/release-triggers.service';
import { SafetyPlansService } from '../safety-plans/safety-plans.service';
import { VictimSupportService } from '../victim-support/victim-support.service';
import { AdvocacyWorklistsService } from '../worklists/advocacy-worklists.service';
import { VictimUpdatesService } from './victim-updates.service';

jest.setTimeout(90_000);

/** Friday 8 January 2027, 10:00 GMT: working-day clocks cross a weekend. */
const T0 = new Date('2027-01-08T10:00:00.000Z');

describe("advocacy update triggers: investigation milestones, release and licence end, overdue escalation (real Postgres, FixedClock)", () => {
  let db: TestDatabase;
  const streams = testStreamEnv();
  let app: TestingModule;
  let ds: DataSource;
  let kernel: OperationKernel;
  const clock = new FixedClock(T0);
  const env = { ...process.env };

  const ctxFor = charityContexts({ app: () => app, kernel: () => kernel, clock });
  const advocate = (op: Operation) => ctxFor(op, 'isac-7', 'advocate');
  const lead = (op: Operation) => ctxFor(op, 'lead-7', 'advocacy-lead');

  const inEvent = <T>(eventType: string, caseId: string, fn: (ctx: EventContext) => Promise<T>, eventId: string = randomUUID()) =>
    ds.transaction((manager) =>
      fn({
        manager,
        envelope: { id: eventId, eventType, version: 1, occurredAt: clock.now().toISOString(), producer: 'test', caseId, aggregateVersion: 1, additionalInformation: {} },
        correlationId: 'corr-event',
        causationId: eventId,
      }),
    );
  const outbox = async (subject: string, caseId: string): Promise<Record<string, unknown>[]> =>
    (await ds.query(`SELECT envelope FROM outbox WHERE subject = $1 AND envelope->>'caseId' = $2 ORDER BY created_at, id`, [subject, caseId])).map(
      (r: { envelope: { additionalInformation: Record<string, unknown> } }) => r.envelope.additionalInformation,
    );
  const version = async (caseId: string) => (await ds.query(`SELECT version FROM advocacy_offer WHERE case_id = $1`, [caseId]))[0].version as number;

  /** A case referred with consent, allocated to isac-7. */
  async function supportedCase(): Promise<string> {
    const caseId = randomUUID();
    await inEvent('intake.case.referred', caseId, (ctx) =>
      app.get(AdvocacyOffersService).onCaseReferred(
        { source: 'CRIME_REPORT', offenceClass: 'S4A_FEAR', flags: [], victimId: randomUUID(), incidentCount: 1, referredAt: clock.now().toISOString(), advocacyReferralBasis: 'CONSENT' } as CaseReferredV1,
        ctx,
      ),
    );
    await app.get(VictimSupportService).allocate({ caseId, expectedVersion: await version(caseId), advocate: 'isac-7', reason: 'INITIAL' }, lead(AllocateAdvocate));
    return caseId;
  }
  const milestone = (caseId: string, m: InvestigationMilestoneRecordedV1['milestone'], eventId?: string) =>
    inEvent(
      'intake.investigation.milestone-recorded',
      caseId,
      (ctx) => app.get(VictimUpdatesService).onMilestoneRecorded({ milestoneId: randomUUID(), milestone: m, occurredAt: '2027-01-08T09:00:00.000Z' }, ctx),
      eventId,
    );
  const released = (caseId: string, eventId?: string) =>
    inEvent('probation.offender.released', caseId, (ctx) => app.get(ReleaseTriggersService).onOffenderReleased({ releaseDate: '2027-01-08' } as OffenderReleasedV1, ctx), eventId);
  const licenceEnded = (caseId: string) =>
    inEvent('probation.licence.ended', caseId, (ctx) => app.get(ReleaseTriggersService).onLicenceEnded({ licenceEndDate: '2027-01-08' } as LicenceEndedV1, ctx));

  beforeAll(async () => {
    process.env.ADVOCACY_DATA_KEYS = `k1:${randomBytes(32).toString('base64')}`;
    process.env.SMTP_URL = '';
    // The plan review deadline is a setting: 3 working days here (default 2), the VCS contact 1.
    process.env.RELEASE_REVIEW_WORKING_DAYS = '3';
    process.env.RELEASE_CONTACT_WORKING_DAYS = '1';
    process.env.UPDATE_ESCALATION_SCAN_SECONDS = '0';
    db = await createTestDatabase('advocacy_triggers');
    const issuerDir = mkdtempSync(join(tmpdir(), 'advocacy-triggers-int-'));
    await ensureDevIssuerKeys(issuerDir);
    await runMigrations(serviceDataSourceOptions({ url: db.url, entities: ADVOCACY.entities, migrations: allMigrations(ADVOCACY), applicationName: 'advocacy-int-migrate' }));
    const config = loadConfig(SERVICE_ENV.advocacy, { DATABASE_URL: db.url, NATS_URL: TEST_NATS_URL, ...streams, AUTH_DEV_ISSUER_DIR: issuerDir, NODE_ENV: 'test', OUTBOX_POLL_MS: '60000' });
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
    process.env = env;
  });

  beforeEach(() => clock.set(T0));

  it("§6.3: interview, bail conditions changed and a decision not to investigate open Victims' Code obligations (5 working days, 1 with enhanced rights); a redelivery opens nothing more", async () => {
    const updates = app.get(VictimUpdatesService);
    const caseId = await supportedCase();
    const redelivered = randomUUID();
    await milestone(caseId, 'SUSPECT_INTERVIEWED', redelivered);
    await milestone(caseId, 'SUSPECT_INTERVIEWED', redelivered);
    await milestone(caseId, 'DECISION_NOT_TO_INVESTIGATE');
    await app.get(VictimSupportService).setEnhancedRights({ caseId, expectedVersion: await version(caseId), enhancedRights: true }, advocate(SetEnhancedRights));
    await milestone(caseId, 'BAIL_CONDITIONS_CHANGED');
    const list = await updates.list(caseId);
    // Fri 8 Jan 09:00 + 5 working days = Fri 15 Jan; + 1 (enhanced) = Mon 11 Jan.
    expect(list.obligations.map((o) => [o.trigger, o.scheme, o.dueAt, o.ownerPerson, o.enhancedRights])).toEqual([
      ['INTERVIEW', 'VICTIMS_CODE', '2027-01-15T09:00:00.000Z', 'isac-7', false],
      ['DECISION_NOT_TO_INVESTIGATE', 'VICTIMS_CODE', '2027-01-15T09:00:00.000Z', 'isac-7', false],
      ['BAIL_CONDITIONS_CHANGED', 'VICTIMS_CODE', '2027-01-11T09:00:00.000Z', 'isac-7', true],
    ]);
    expect((await outbox('advocacy.victim.update-due.v1', caseId)).map((e) => e.trigger)).toEqual(['INTERVIEW', 'DECISION_NOT_TO_INVESTIGATE', 'BAIL_CONDITIONS_CHANGED']);
  });

  it("§6.3: the escalation scan on the injectable clock announces each overdue obligation once (update-overdue) and the lead's worklist shows it until delivered", async () => {
    const updates = app.get(VictimUpdatesService);
    const worklists = app.get(AdvocacyWorklistsService);
    const caseId = await supportedCase();
    await milestone(caseId, 'SUSPECT_INTERVIEWED');
    await milestone(caseId, 'DECISION_NOT_TO_INVESTIGATE');
    const [interview, decision] = (await updates.list(caseId)).obligations;

    // Due Fri 15 Jan 09:00: one minute before, nothing is overdue.
    clock.set(new Date('2027-01-15T08:59:00.000Z'));
    await updates.escalateOverdue({ correlationId: 'scan-1' });
    expect(await outbox('advocacy.victim.update-overdue.v1', caseId)).toEqual([]);
    expect((await worklists.lead({})).items.filter((i) => i.caseId === caseId)).toEqual([]);

    // One delivered in time, the other left.
    await updates.deliver({ caseId, obligationId: interview.obligationId, expectedVersion: interview.version, deliveredAt: '2027-01-14T10:00:00.000Z', method: 'PHONE' }, advocate(DeliverVictimUpdate));
    clock.set(new Date('2027-01-15T09:01:00.000Z'));
    await updates.escalateOverdue({ correlationId: 'scan-2' });
    await updates.escalateOverdue({ correlationId: 'scan-3' }); // a second scan announces nothing again
    expect(await outbox('advocacy.victim.update-overdue.v1', caseId)).toEqual([
      { obligationId: decision.obligationId, trigger: 'DECISION_NOT_TO_INVESTIGATE', scheme: 'VICTIMS_CODE', dueAt: '2027-01-15T09:00:00.000Z', escalatedAt: '2027-01-15T09:01:00.000Z' },
    ]);
    const escalated = (await worklists.lead({})).items.filter((i) => i.caseId === caseId);
    expect(escalated).toEqual([expect.objectContaining({ kind: 'UPDATE_OVERDUE', itemId: decision.obligationId, code: 'DECISION_NOT_TO_INVESTIGATE', overdue: true, advocate: 'isac-7' })]);
    expect((await updates.list(caseId)).obligations.find((o) => o.obligationId === decision.obligationId)).toMatchObject({ overdue: true, escalatedAt: '2027-01-15T09:01:00.000Z' });

    // Delivered late: off the lead's worklist, counted late.
    const open = (await updates.list(caseId)).obligations.find((o) => o.obligationId === decision.obligationId)!;
    await updates.deliver({ caseId, obligationId: open.obligationId, expectedVersion: open.version, deliveredAt: '2027-01-15T09:00:30.000Z', method: 'EMAIL' }, advocate(DeliverVictimUpdate));
    expect((await worklists.lead({})).items.filter((i) => i.caseId === caseId)).toEqual([]);
  });

  it('release and licence end: the safety plan in force falls due for review by the setting deadline and a victim contact scheme obligation is owed by the advocate; redelivery changes nothing', async () => {
    const updates = app.get(VictimUpdatesService);
    const plans = app.get(SafetyPlansService);
    const worklists = app.get(AdvocacyWorklistsService);
    const caseId = await supportedCase();
    const victimsCodeDue = (await updates.compliance('2027-01')).due;
    let p = await plans.create({ caseId, measures: [{ measure: 'PERSONAL_ALARM', owner: 'POLICE' }], reviewDate: '2027-03-01T10:00:00.000Z' }, advocate(CreateSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'AGREED' }, advocate(TransitionSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan));

    const eventId = randomUUID();
    await released(caseId, eventId);
    const planVersion = (await plans.get({ caseId, planId: p.planId })).version;
    clock.set(new Date('2027-01-09T12:00:00.000Z')); // redelivered the next day (Saturday): same deadlines, nothing new
    await released(caseId, eventId);
    // Fri 8 Jan 10:00 + 3 working days = Wed 13 Jan (review); + 1 = Mon 11 Jan (VCS contact).
    expect(await plans.get({ caseId, planId: p.planId })).toMatchObject({ status: 'ACTIVE', reviewDueAt: '2027-01-13T10:00:00.000Z', reviewReason: 'OFFENDER_RELEASED', version: planVersion });
    let list = await updates.list(caseId);
    expect(list.obligations.map((o) => [o.trigger, o.scheme, o.dueAt, o.ownerAgency, o.ownerPerson, o.status])).toEqual([
      ['OFFENDER_RELEASED', 'VICTIM_CONTACT_SCHEME', '2027-01-11T10:00:00.000Z', 'advocacy', 'isac-7', 'OPEN'],
    ]);
    const mine = (await worklists.advocate('isac-7', {})).items.filter((i) => i.caseId === caseId);
    expect(mine.map((i) => [i.kind, i.code, i.dueAt])).toEqual([
      ['UPDATE_OWED', 'OFFENDER_RELEASED', '2027-01-11T10:00:00.000Z'],
      ['PLAN_REVIEW_DUE', 'OFFENDER_RELEASED', '2027-01-13T10:00:00.000Z'],
    ]);
    expect(await outbox('advocacy.safety-plan.updated.v1', caseId)).toContainEqual(expect.objectContaining({ planId: p.planId, reviewDueAt: '2027-01-13T10:00:00.000Z' }));

    // Delivered with evidence like any update; not counted in the Victims' Code compliance figure.
    const vcs = list.obligations[0];
    clock.set(new Date('2027-01-11T09:00:00.000Z'));
    expect(
      await updates.deliver({ caseId, obligationId: vcs.obligationId, expectedVersion: vcs.version, deliveredAt: '2027-01-11T08:30:00.000Z', method: 'IN_PERSON' }, advocate(DeliverVictimUpdate)),
    ).toMatchObject({ status: 'DELIVERED', deliveredBy: 'isac-7', deliveryMethod: 'IN_PERSON', inTime: true });
    expect((await updates.compliance('2027-01')).due).toBe(victimsCodeDue);

    // The plan is reviewed; the licence ends later: the same again.
    p = await plans.get({ caseId, planId: p.planId });
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'UNDER_REVIEW' }, advocate(TransitionSafetyPlan));
    p = await plans.transition({ caseId, planId: p.planId, expectedVersion: p.version, to: 'ACTIVE' }, advocate(TransitionSafetyPlan));
    expect(p.reviewDueAt).toBeNull();
    clock.set(new Date('2027-06-01T10:00:00.000Z'));
    await licenceEnded(caseId);
    expect(await plans.get({ caseId, planId: p.planId })).toMatchObject({ reviewDueAt: '2027-06-04T10:00:00.000Z', reviewReason: 'LICENCE_ENDED' });
    list = await updates.list(caseId);
    expect(list.obligations.map((o) => [o.trigger, o.dueAt, o.status])).toEqual([
      ['OFFENDER_RELEASED', '2027-01-11T10:00:00.000Z', 'DELIVERED'],
      ['LICENCE_ENDED', '2027-06-02T10:00:00.000Z', 'OPEN'],
    ]);
  });

  it('release on a case with no plan still owes the VCS update; with consent withdrawn, or never referred to the charity, it is recorded as not opened with why', async () => {
    const updates = app.get(VictimUpdatesService);
    const noPlan = await supportedCase();
    await released(noPlan);
    expect((await updates.list(noPlan)).obligations).toEqual([expect.objectContaining({ trigger: 'OFFENDER_RELEASED', ownerPerson: 'isac-7', status: 'OPEN' })]);

    const withdrawn = await supportedCase();
    await app.get(VictimSupportService).recordConsent({ caseId: withdrawn, expectedVersion: await version(withdrawn), change: 'WITHDRAWN' }, advocate(RecordConsent));
    await released(withdrawn);
    expect(await updates.list(withdrawn)).toMatchObject({ obligations: [], notOpened: [{ trigger: 'OFFENDER_RELEASED', reason: 'CONSENT_WITHDRAWN' }] });

    const notReferred = randomUUID();
    await released(notReferred);
    expect(await updates.list(notReferred)).toMatchObject({ obligations: [], notOpened: [{ trigger: 'OFFENDER_RELEASED', reason: 'NO_ADVOCACY_OFFER' }] });
    expect(await outbox('advocacy.victim.update-due.v1', notReferred)).toEqual([]);
    // A Victims' Code event on a case never referred still leaves nothing at all (the charity learns nothing more).
    await milestone(notReferred, 'SUSPECT_INTERVIEWED');
    expect((await updates.list(notReferred)).notOpened).toHaveLength(1);
  });
});
