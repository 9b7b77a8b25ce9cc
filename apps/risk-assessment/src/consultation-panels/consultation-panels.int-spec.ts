import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AccessLog, CaseAccessGrants, CaseRelationships, decide, type FieldGroup, type Principal } from '@stac/auth';
import type { CaseClosedV1, ConsultationCancelledV1, ConsultationScheduledV1 } from '@stac/contracts';
import type { EventContext } from '@stac/messaging';
import { runMigrations, serviceDataSourceOptions } from '@stac/persistence';
import { allMigrations, FixedClock } from '@stac/runtime';
import { createTestDatabase, type TestDatabase } from '@stac/testing';
import { RiskCaseAccess } from '../case-access/risk-case-access';
import { RISK_ASSESSMENT } from '../risk-assessment.module';
import { ConsultationPanels } from './consultation-panels';

jest.setTimeout(60_000);

const probationOfficer: Principal = { issuer: 'urn:test', subject: 'po-1', agency: 'probation', roles: ['probation-officer'] };
const namedClinician: Principal = { issuer: 'urn:test', subject: 'clin-7', agency: 'mental-health', roles: ['mh-clinician'] };
const otherClinician: Principal = { ...namedClinician, subject: 'clin-8' };
const prosecutor: Principal = { issuer: 'urn:test', subject: 'cps-1', agency: 'cps', roles: ['prosecutor'] };

let db: TestDatabase;
let ds: DataSource;
let panels: ConsultationPanels;
const clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
const relationships = new CaseRelationships();

/** The decision risk-assessment's kernel takes for a caller on a case (its own relationship data, AC-14). */
async function decision(p: Principal, action: string, caseId: string, fieldGroups: FieldGroup[] = []) {
  const d = decide(p, action, await relationships.forPrincipal(ds, caseId, p), fieldGroups, 'risk-management');
  return d.allow ? `allow via ${d.via}` : d.status;
}

/** Delivers one intake event to a handler as the consumer does: in a transaction, with the envelope's occurredAt. */
function deliver<T>(handle: (e: T, ctx: EventContext) => Promise<void>, event: T, caseId: string, occurredAt: Date): Promise<void> {
  return ds.transaction((manager) => {
    const id = randomUUID();
    return handle.call(panels, event, {
      manager,
      envelope: { id, eventType: 'test', version: 1, occurredAt: occurredAt.toISOString(), producer: 'intake', caseId, aggregateVersion: 1, additionalInformation: {} },
      correlationId: `corr-${id}`,
      causationId: id,
    });
  });
}

const at = (iso: string) => new Date(iso);
const scheduled = (consultationId: string, panel?: ConsultationScheduledV1['panel']): ConsultationScheduledV1 => ({
  consultationId,
  scheduledFor: '2026-12-08T10:00:00.000Z',
  agencies: ['police', 'probation', 'mental-health', 'cps'],
  ...(panel ? { panel } : {}),
});
const fullPanel: ConsultationScheduledV1['panel'] = [{ agency: 'police' }, { agency: 'probation' }, { agency: 'mental-health', subject: 'clin-7', issuer: 'urn:test' }, { agency: 'cps' }];
const cancelled = (consultationId: string): ConsultationCancelledV1 => ({ consultationId, reason: 'NO_LONGER_REQUIRED', cancelledAt: '2026-12-02T09:00:00.000Z' });
const closed: CaseClosedV1 = { reason: 'RISK_MANAGED', closedAt: '2026-12-05T09:00:00.000Z' };

beforeAll(async () => {
  db = await createTestDatabase('risk-panels');
  await runMigrations(serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: allMigrations(RISK_ASSESSMENT), applicationName: 'int' }));
  ds = new DataSource(serviceDataSourceOptions({ url: db.url, entities: RISK_ASSESSMENT.entities, migrations: [], applicationName: 'int' }));
  await ds.initialize();
  const accessLog = new AccessLog();
  panels = new ConsultationPanels(relationships, accessLog, new RiskCaseAccess(new CaseAccessGrants(relationships, accessLog)), clock);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

describe('consultation panels reach risk-assessment (intake.consultation.* events)', () => {
  it('AC-02: each seat opens the case for its holder: a probation officer and the named clinician may record a judgement, another clinician may not', async () => {
    const caseId = randomUUID();
    const consultationId = randomUUID();
    await deliver(panels.onScheduled, scheduled(consultationId, fullPanel), caseId, at('2026-12-01T09:00:00Z'));
    // The case is opened as the referral would (summary shares), and the seats sit beside it.
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe('allow via CONSULTATION_PANEL');
    expect(await decision(namedClinician, 'risk.assess', caseId)).toBe('allow via CONSULTATION_PANEL');
    // Another clinician of the trust sees the case through the summary share only: 403 (AC-09).
    expect(await decision(otherClinician, 'risk.assess', caseId)).toBe(403);
    expect(await decision(otherClinician, 'risk.summary.read', caseId)).toBe('allow via AGENCY_SHARE');
    // The seat opens the agency's own rationale (AC-03); the prosecutor's seat opens the summary only.
    expect(await decision(probationOfficer, 'risk.assessment.read', caseId, ['risk.rationale'])).toBe('allow via CONSULTATION_PANEL');
    expect(await decision(prosecutor, 'risk.summary.read', caseId)).toBe('allow via CONSULTATION_PANEL');
    expect(await decision(prosecutor, 'risk.assess', caseId)).toBe(403);
    const log = await ds.query(`SELECT operation, recipients FROM access_log WHERE action = 'case.relationship.grant' AND $1 = ANY(record_ids)`, [consultationId]);
    expect(log).toEqual([{ operation: 'alteration', recipients: ['police', 'probation', 'mental-health', 'cps'] }]);

    // A replay of the same scheduling seats nobody twice.
    await deliver(panels.onScheduled, scheduled(consultationId, fullPanel), caseId, at('2026-12-01T09:00:00Z'));
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM case_relationship WHERE case_id = $1 AND kind = 'CONSULTATION_PANEL'`, [caseId]);
    expect(n).toBe(4);
  });

  it('AC-12: a cancellation ends the seats at once (logged); the next request is refused', async () => {
    const caseId = randomUUID();
    const consultationId = randomUUID();
    await deliver(panels.onScheduled, scheduled(consultationId, fullPanel), caseId, at('2026-12-01T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe('allow via CONSULTATION_PANEL');
    await deliver(panels.onCancelled, cancelled(consultationId), caseId, at('2026-12-02T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe(403);
    expect(await decision(namedClinician, 'risk.assess', caseId)).toBe(403);
    expect(await decision(prosecutor, 'risk.summary.read', caseId)).toBe(404);
    const [row] = await ds.query(`SELECT status, ended_reason FROM consultation_panel WHERE consultation_id = $1`, [consultationId]);
    expect(row).toEqual({ status: 'ENDED', ended_reason: 'CANCELLED' });
    const log = await ds.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'case.relationship.end' AND $1 = ANY(record_ids)`, [consultationId]);
    expect(log).toEqual([{ n: 1 }]);
  });

  it('REL-04: a cancellation delivered before its scheduling leaves nobody seated', async () => {
    const caseId = randomUUID();
    const consultationId = randomUUID();
    await deliver(panels.onCancelled, cancelled(consultationId), caseId, at('2026-12-02T09:00:00Z'));
    await deliver(panels.onScheduled, scheduled(consultationId, fullPanel), caseId, at('2026-12-01T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe(403);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM case_relationship WHERE case_id = $1 AND kind = 'CONSULTATION_PANEL'`, [caseId]);
    expect(n).toBe(0);
  });

  it('closing the case ends the seats of consultations scheduled before it; a consultation after the case re-opened keeps its seats, whatever the delivery order', async () => {
    const caseId = randomUUID();
    const before = randomUUID();
    const afterReopening = randomUUID();
    const lateBefore = randomUUID();
    await deliver(panels.onScheduled, scheduled(before, [{ agency: 'police' }, { agency: 'probation' }]), caseId, at('2026-12-01T09:00:00Z'));
    // The consultation after the re-opening is delivered before the closing (a redelivery held the closing back).
    await deliver(panels.onScheduled, scheduled(afterReopening, [{ agency: 'police' }, { agency: 'mental-health', subject: 'clin-7', issuer: 'urn:test' }]), caseId, at('2026-12-10T09:00:00Z'));
    await deliver(panels.onCaseClosed, closed, caseId, at('2026-12-05T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe(403);
    expect(await decision(namedClinician, 'risk.assess', caseId)).toBe('allow via CONSULTATION_PANEL');
    // A scheduling from before the closing, delivered after it, seats nobody.
    await deliver(panels.onScheduled, scheduled(lateBefore, [{ agency: 'police' }, { agency: 'probation' }]), caseId, at('2026-12-02T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe(403);
    const rows = await ds.query(`SELECT consultation_id, status, ended_reason FROM consultation_panel WHERE case_id = $1 ORDER BY scheduled_at`, [caseId]);
    expect(rows).toEqual([
      { consultation_id: before, status: 'ENDED', ended_reason: 'CASE_CLOSED' },
      { consultation_id: lateBefore, status: 'ENDED', ended_reason: 'CASE_CLOSED' },
      { consultation_id: afterReopening, status: 'SEATED', ended_reason: null },
    ]);
  });

  it('a scheduling from before seats travelled (agencies only) seats nobody rather than a whole team where one person was named', async () => {
    const caseId = randomUUID();
    await deliver(panels.onScheduled, scheduled(randomUUID()), caseId, at('2026-12-01T09:00:00Z'));
    expect(await decision(probationOfficer, 'risk.assess', caseId)).toBe(403);
    expect(await decision(otherClinician, 'risk.assess', caseId)).toBe(403);
  });
});
