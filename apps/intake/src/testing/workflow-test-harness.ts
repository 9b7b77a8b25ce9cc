import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessLog, CaseRelationships, CaseRestrictions, FieldGroupGrants, type Principal } from '@stac/auth';
import { ENGLAND_AND_WALES } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock, IdempotencyRecords, type RequestContext } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { testRequestContext } from '@stac/runtime/testing';
import { AdviceService } from '../advice/advice.service';
import { ConsultationsService } from '../consultations/consultations.service';
import { INTAKE } from '../intake.module';
import { OrdersService } from '../orders/orders.service';
import { PartnerAnswersService } from '../partner-answers/partner-answers.service';
import { PartnerInterventions } from '../partner-interventions/partner-interventions.service';
import { PersonalDataCipher } from '../people/personal-data-cipher';
import { ScreeningClocks } from '../screening/screening-clock.service';
import { ScreeningService } from '../screening/screening.service';
import { WorklistsService } from '../worklists/worklists.service';
import { RestrictedRecordsService } from '../case-access/restricted-records.service';
import { FieldGroupGrantsService } from '../case-access/field-group-grants.service';
import { CounterAllegations } from '../people/counter-allegations';
import { CaseWorkflow } from '../lifecycle/case-workflow';
import { LifecycleService } from '../lifecycle/lifecycle.service';

/**
 * Intake's workflow services on a real, freshly migrated Postgres with a FixedClock — for the
 * int tests of the screening clock and the worklists. Authorisation is not under test here (the
 * e2e and the policy matrix cover it): commands run with an allowed police context.
 */
export class WorkflowHarness {
  readonly clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
  readonly relationships = new CaseRelationships();
  readonly restrictions = new CaseRestrictions();
  readonly cipher = PersonalDataCipher.generate();
  readonly idempotency = new IdempotencyRecords(INTAKE.idempotencyTable);
  db!: TestDatabase;
  ds!: DataSource;
  clocks!: ScreeningClocks;
  screening!: ScreeningService;
  advice!: AdviceService;
  lifecycle!: LifecycleService;
  orders!: OrdersService;
  consultations!: ConsultationsService;
  worklists!: WorklistsService;
  restrictedRecords!: RestrictedRecordsService;
  fieldGroupGrants!: FieldGroupGrantsService;
  counterAllegations!: CounterAllegations;

  async start(label: string, targetWorkingDays = 1): Promise<this> {
    this.db = await createTestDatabase(label);
    await runMigrations(serviceDataSourceOptions({ url: this.db.url, entities: INTAKE.entities, migrations: allMigrations(INTAKE), applicationName: 'int' }));
    this.ds = new DataSource(serviceDataSourceOptions({ url: this.db.url, entities: INTAKE.entities, migrations: [], applicationName: 'int' }));
    await this.ds.initialize();
    const outbox = new Outbox('intake');
    const accessLog = new AccessLog();
    const workflow = new CaseWorkflow(outbox);
    this.clocks = new ScreeningClocks(this.clock, { workingDays: targetWorkingDays }, ENGLAND_AND_WALES);
    this.screening = new ScreeningService(this.ds, workflow, this.clocks, outbox, accessLog, this.clock);
    this.advice = new AdviceService(this.ds, workflow, this.clocks, outbox, accessLog, this.clock, ENGLAND_AND_WALES);
    this.orders = new OrdersService(this.ds, outbox, accessLog, this.clock, this.cipher);
    this.lifecycle = new LifecycleService(this.ds, workflow, this.clocks, outbox, accessLog, this.clock, this.relationships, new PartnerInterventions(this.orders));
    this.consultations = new ConsultationsService(this.ds, this.relationships, outbox, accessLog, this.clock);
    this.counterAllegations = new CounterAllegations(accessLog);
    this.worklists = new WorklistsService(this.ds, this.clocks, accessLog, this.clock, new PartnerAnswersService(this.ds), this.counterAllegations);
    this.restrictedRecords = new RestrictedRecordsService(this.ds, this.restrictions, accessLog, outbox, this.clock);
    this.fieldGroupGrants = new FieldGroupGrantsService(this.ds, new FieldGroupGrants(), accessLog, this.clock);
    return this;
  }

  async stop(): Promise<void> {
    await this.ds?.destroy();
    await this.db?.drop();
  }

  principal(subject: string, roles: Principal['roles'] = ['stac-lead']): Principal {
    return { issuer: 'urn:test', subject, agency: 'police', roles };
  }

  ctx(subject = 'lead-1', fieldGroups: RequestContext['fieldGroups'] = []): RequestContext {
    return testRequestContext(this.principal(subject), { fieldGroups, clock: this.clock }, this.idempotency);
  }

  /** A referred case as the referral command leaves it; its screening clock starts like the referral event does. */
  async referredCase(referredAt: Date, o: { flags?: string[]; startClock?: boolean } = {}): Promise<string> {
    const id = randomUUID();
    await this.ds.query(
      `INSERT INTO stalking_case (id, crime_reference, source, offence_class, flags, bcu, case_officer, status, referred_at, version)
       VALUES ($1, $2, 'CRIME_REPORT', 'S4A_FEAR', $3, 'CE', 'PC-1', 'REFERRED', $4, 1)`,
      [id, `CR-INT-${id.slice(0, 8)}`, o.flags ?? [], referredAt],
    );
    await this.relationships.grant(this.ds, { caseId: id, kind: 'OWNING_TEAM', agency: 'police', createdBy: 'test' });
    if (o.startClock !== false) {
      await this.ds.transaction((m) => this.clocks.onCaseReferred({ referredAt: referredAt.toISOString() } as never, this.eventContext(m, id)));
    }
    return id;
  }

  eventContext(manager: import('typeorm').EntityManager, caseId: string, occurredAt = this.clock.now()) {
    const id = randomUUID();
    return {
      manager,
      envelope: { id, eventType: 'test', version: 1, occurredAt: occurredAt.toISOString(), producer: 'intake', caseId, aggregateVersion: 1, additionalInformation: {} },
      correlationId: id,
      causationId: id,
    };
  }

  /** Screening (FOUR test met), triage and advice, as a screener would record them now. */
  async screenAndTriage(caseId: string): Promise<void> {
    const yes = (note: string) => ({ answer: true, note });
    await this.screening.record(
      { caseId, fixated: yes('fixated'), obsessive: yes('obsessive'), unwanted: yes('unwanted'), repeated: yes('repeated'), offenceClass: 'S4A_FEAR' },
      this.ctx('screener-1'),
    );
    await this.screening.triage({ caseId, decision: 'ADVICE_AND_MONITOR', reasons: ['ESCALATING_BEHAVIOUR'] }, this.ctx('screener-1'));
  }

  async outboxSubjects(caseId: string): Promise<string[]> {
    const rows: { subject: string }[] = await this.ds.query(`SELECT subject FROM outbox WHERE envelope->>'caseId' = $1 ORDER BY seq`, [caseId]);
    return rows.map((r) => r.subject);
  }

  async outboxInfo(caseId: string, subject: string): Promise<Record<string, unknown>[]> {
    const rows: { envelope: { additionalInformation: Record<string, unknown> } }[] = await this.ds.query(
      `SELECT envelope FROM outbox WHERE envelope->>'caseId' = $1 AND subject = $2 ORDER BY seq`,
      [caseId, subject],
    );
    return rows.map((r) => r.envelope.additionalInformation);
  }
}
