import type { Authorized, Principal } from '@stac/auth';
import { problemOf } from '@stac/testing';
import { ConsultationHistory1796241000000 } from '../migrations/1796241000000-consultation-history';
import { WorkflowHarness } from '../testing/workflow-test-harness';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
const probation: Principal = { issuer: 'urn:test', subject: 'po-1', agency: 'probation', roles: ['probation-officer'] };
const clinician: Principal = { issuer: 'urn:test', subject: 'clin-7', agency: 'mental-health', roles: ['mh-clinician'] };
const otherClinician: Principal = { ...clinician, subject: 'clin-8' };

const panelKinds = async (caseId: string, p: Principal) => (await h.relationships.forPrincipal(h.ds, caseId, p)).relationships.map((r) => r.kind).filter((k) => k === 'CONSULTATION_PANEL');
const lead: Authorized = { principal: { issuer: 'urn:test', subject: 'lead-1', agency: 'police', roles: ['stac-lead'] }, decision: { allow: true, rule: 'worklist', status: 200 }, purpose: 'investigation', fieldGroups: [] };

/** A case triaged CONSULTATION (as the lead worklist expects one to be scheduled for). */
async function caseForConsultation(): Promise<string> {
  const caseId = await h.referredCase(h.clock.now());
  const yes = (note: string) => ({ answer: true, note });
  await h.screening.record({ caseId, fixated: yes('f'), obsessive: yes('o'), unwanted: yes('u'), repeated: yes('r'), offenceClass: 'S4A_FEAR' }, h.ctx('screener-1'));
  await h.screening.triage({ caseId, decision: 'CONSULTATION', reasons: ['COMPLEX_CASE'] }, h.ctx('screener-1'));
  return caseId;
}

const schedule = (caseId: string, scheduledFor = '2026-12-08T10:00:00Z') =>
  h.consultations.schedule(
    { caseId, scheduledFor, panel: [{ agency: 'police' }, { agency: 'probation' }, { agency: 'mental-health', subject: 'clin-7', issuer: 'urn:test' }] },
    h.ctx('lead-1'),
  );

beforeAll(() => h.start('consultations'));
afterAll(() => h.stop());

describe('consultations: schedule, reschedule and cancel with coded reasons', () => {
  it('the scheduled event carries the seats (agency teams and named attendees) so risk-assessment can seat the same panel', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const c = await schedule(caseId);
    expect(await h.outboxInfo(caseId, 'intake.consultation.scheduled.v1')).toEqual([
      {
        consultationId: c.consultationId,
        scheduledFor: '2026-12-08T10:00:00.000Z',
        agencies: ['police', 'probation', 'mental-health'],
        panel: [{ agency: 'police' }, { agency: 'probation' }, { agency: 'mental-health', subject: 'clin-7', issuer: 'urn:test' }],
      },
    ]);
    expect(c.history).toEqual([expect.objectContaining({ change: 'SCHEDULED', from: null, to: 'SCHEDULED', scheduledFor: '2026-12-08T10:00:00.000Z', reason: null })]);
    // The named attendee holds the seat; another clinician of the same trust does not.
    expect(await panelKinds(caseId, clinician)).toEqual(['CONSULTATION_PANEL']);
    expect(await panelKinds(caseId, otherClinician)).toEqual([]);
  });

  it('reschedule: a new date with a coded reason (If-Match), kept in the history, announced without the note; the panel keeps its seats', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const c = await schedule(caseId);
    h.clock.advance(60_000);
    expect(await problemOf(h.consultations.reschedule({ caseId, consultationId: c.consultationId, expectedVersion: c.version + 1, scheduledFor: '2026-12-09T10:00:00Z', reason: 'QUORUM_NOT_MET' }, h.ctx('lead-1')))).toMatchObject({ status: 412 });
    expect(await problemOf(h.consultations.reschedule({ caseId, consultationId: c.consultationId, expectedVersion: c.version, scheduledFor: '2026-12-08T10:00:00.000Z', reason: 'QUORUM_NOT_MET' }, h.ctx('lead-1')))).toMatchObject({
      status: 400,
      errors: [{ field: 'scheduledFor', message: expect.any(String) }],
    });

    const moved = await h.consultations.reschedule(
      { caseId, consultationId: c.consultationId, expectedVersion: c.version, scheduledFor: '2026-12-10T14:00:00Z', reason: 'OTHER', note: 'Panel room flooded' },
      h.ctx('lead-1'),
    );
    expect(moved).toMatchObject({ status: 'SCHEDULED', scheduledFor: '2026-12-10T14:00:00.000Z', version: c.version + 1 });
    expect(moved.history.map((x) => x.change)).toEqual(['SCHEDULED', 'RESCHEDULED']);
    expect(moved.history[1]).toEqual({
      change: 'RESCHEDULED',
      from: 'SCHEDULED',
      to: 'SCHEDULED',
      scheduledFor: '2026-12-10T14:00:00.000Z',
      previousScheduledFor: '2026-12-08T10:00:00.000Z',
      reason: 'OTHER',
      note: 'Panel room flooded',
      at: '2026-12-01T09:01:00.000Z',
    });
    // Thin: ids, codes and dates; the note stays in intake (DP-01).
    expect(await h.outboxInfo(caseId, 'intake.consultation.rescheduled.v1')).toEqual([
      { consultationId: c.consultationId, scheduledFor: '2026-12-10T14:00:00.000Z', previousScheduledFor: '2026-12-08T10:00:00.000Z', reason: 'OTHER' },
    ]);
    expect(await panelKinds(caseId, probation)).toEqual(['CONSULTATION_PANEL']);
    const [{ n }] = await h.ds.query(`SELECT count(*)::int AS n FROM access_log WHERE action = 'consultation.manage' AND operation = 'alteration' AND $1 = ANY(record_ids)`, [c.consultationId]);
    expect(n).toBe(1);
  });

  it('cancel: SCHEDULED -> CANCELLED with a coded reason ends this consultation’s seats at once (another consultation’s stay), and the case waits to be scheduled again', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const first = await h.consultations.schedule({ caseId, scheduledFor: '2026-12-04T10:00:00Z', panel: [{ agency: 'police' }, { agency: 'probation' }] }, h.ctx('lead-1'));
    const second = await schedule(caseId);
    expect(await panelKinds(caseId, probation)).toEqual(['CONSULTATION_PANEL', 'CONSULTATION_PANEL']);
    const toSchedule = async () => (await h.worklists.leads(lead, 'w')).consultationsToSchedule.some((x) => x.caseId === caseId);
    expect(await toSchedule()).toBe(false);

    h.clock.advance(60_000);
    const cancelled = await h.consultations.cancel({ caseId, consultationId: second.consultationId, expectedVersion: second.version, reason: 'MANAGED_IN_ANOTHER_FORUM' }, h.ctx('lead-1'));
    expect(cancelled).toMatchObject({ status: 'CANCELLED', version: second.version + 1 });
    expect(cancelled.history.at(-1)).toMatchObject({ change: 'CANCELLED', from: 'SCHEDULED', to: 'CANCELLED', reason: 'MANAGED_IN_ANOTHER_FORUM', note: null });
    // The named clinician's seat (only on the cancelled one) is gone; probation keeps the first consultation's seat (AC-12).
    expect(await panelKinds(caseId, clinician)).toEqual([]);
    expect(await panelKinds(caseId, probation)).toEqual(['CONSULTATION_PANEL']);
    const ended = await h.ds.query(
      `SELECT count(*)::int AS n FROM access_log WHERE action = 'case.relationship.end' AND $1 = ANY(record_ids)`,
      [second.consultationId],
    );
    expect(ended).toEqual([{ n: 1 }]);
    expect(await h.outboxInfo(caseId, 'intake.consultation.cancelled.v1')).toEqual([
      { consultationId: second.consultationId, reason: 'MANAGED_IN_ANOTHER_FORUM', cancelledAt: '2026-12-01T09:01:00.000Z' },
    ]);

    // With the first one cancelled too, nothing is scheduled: the lead is asked to schedule again.
    await h.consultations.cancel({ caseId, consultationId: first.consultationId, expectedVersion: first.version, reason: 'SCHEDULED_IN_ERROR' }, h.ctx('lead-1'));
    expect(await panelKinds(caseId, probation)).toEqual([]);
    expect(await toSchedule()).toBe(true);
  });

  it('409 naming both states: a held or cancelled consultation is neither cancelled nor rescheduled; a cancelled one is never held; nothing changes', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const held = await schedule(caseId);
    const afterDecision = await h.consultations.recordDecision({ caseId, consultationId: held.consultationId, code: 'FORMULATION_AGREED' }, h.ctx('lead-1'));
    expect(afterDecision.history.map((x) => `${x.from}->${x.to}`)).toEqual(['null->SCHEDULED', 'SCHEDULED->HELD']);
    const cancelHeld = await problemOf(h.consultations.cancel({ caseId, consultationId: held.consultationId, expectedVersion: afterDecision.version, reason: 'NO_LONGER_REQUIRED' }, h.ctx('lead-1')));
    expect(cancelHeld).toMatchObject({ status: 409, code: 'illegal-transition' });
    expect(cancelHeld.title).toContain('HELD');
    expect(cancelHeld.title).toContain('CANCELLED');
    const moveHeld = await problemOf(
      h.consultations.reschedule({ caseId, consultationId: held.consultationId, expectedVersion: afterDecision.version, scheduledFor: '2026-12-20T10:00:00Z', reason: 'ATTENDEE_UNAVAILABLE' }, h.ctx('lead-1')),
    );
    expect(moveHeld).toMatchObject({ status: 409, code: 'illegal-transition', title: 'Cannot move the consultation from HELD to SCHEDULED' });
    // The held consultation's seats stay (they end when the case closes).
    expect(await panelKinds(caseId, probation)).toEqual(['CONSULTATION_PANEL']);

    const other = await schedule(caseId, '2026-12-15T10:00:00Z');
    const cancelled = await h.consultations.cancel({ caseId, consultationId: other.consultationId, expectedVersion: other.version, reason: 'DUPLICATE' }, h.ctx('lead-1'));
    const again = await problemOf(h.consultations.cancel({ caseId, consultationId: other.consultationId, expectedVersion: cancelled.version, reason: 'DUPLICATE' }, h.ctx('lead-1')));
    expect(again).toMatchObject({ status: 409, title: 'Cannot move the consultation from CANCELLED to CANCELLED' });
    expect(
      await problemOf(h.consultations.reschedule({ caseId, consultationId: other.consultationId, expectedVersion: cancelled.version, scheduledFor: '2026-12-16T10:00:00Z', reason: 'AWAITING_INFORMATION' }, h.ctx('lead-1'))),
    ).toMatchObject({ status: 409, title: 'Cannot move the consultation from CANCELLED to SCHEDULED' });
    expect(await problemOf(h.consultations.recordDecision({ caseId, consultationId: other.consultationId, code: 'FORMULATION_AGREED' }, h.ctx('lead-1')))).toMatchObject({
      status: 409,
      title: 'Cannot move the consultation from CANCELLED to HELD',
    });
    expect(
      await problemOf(h.consultations.assignAction({ caseId, consultationId: other.consultationId, description: 'Check licence', ownerAgency: 'probation', dueAt: '2026-12-20T10:00:00Z' }, h.ctx('lead-1'))),
    ).toMatchObject({ status: 409, code: 'consultation-cancelled' });
    const [row] = await h.ds.query('SELECT status, version FROM consultation WHERE id = $1', [other.consultationId]);
    expect(row).toEqual({ status: 'CANCELLED', version: cancelled.version });
    expect((await h.outboxInfo(caseId, 'intake.consultation.cancelled.v1')).length).toBe(1);
    expect(await h.outboxInfo(caseId, 'intake.consultation.rescheduled.v1')).toEqual([]);
  });

  it('a consultation on another case, or none, is 404; a closed case cannot have its consultation rescheduled (cancel it instead)', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const elsewhere = await caseForConsultation();
    const c = await schedule(caseId);
    expect(await problemOf(h.consultations.cancel({ caseId: elsewhere, consultationId: c.consultationId, expectedVersion: c.version, reason: 'DUPLICATE' }, h.ctx('lead-1')))).toMatchObject({
      status: 404,
      code: 'consultation-not-found',
    });
    const lc = await h.lifecycle.read(caseId, h.ctx());
    await h.lifecycle.close({ caseId, expectedVersion: lc.version, reason: 'RISK_MANAGED' }, h.ctx('officer-1'));
    expect(
      await problemOf(h.consultations.reschedule({ caseId, consultationId: c.consultationId, expectedVersion: c.version, scheduledFor: '2026-12-20T10:00:00Z', reason: 'AWAITING_INFORMATION' }, h.ctx('lead-1'))),
    ).toMatchObject({ status: 409, code: 'case-closed' });
    expect(await h.consultations.cancel({ caseId, consultationId: c.consultationId, expectedVersion: c.version, reason: 'NO_LONGER_REQUIRED' }, h.ctx('lead-1'))).toMatchObject({ status: 'CANCELLED' });
  });

  it('migration 1796241000000 gives consultations scheduled before it their SCHEDULED (and HELD) history', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await caseForConsultation();
    const c = await schedule(caseId);
    h.clock.advance(3_600_000);
    await h.consultations.recordDecision({ caseId, consultationId: c.consultationId, code: 'RISK_MANAGEMENT_PLAN_AGREED' }, h.ctx('lead-2'));
    const expected = await h.ds.query(
      `SELECT change, from_status, to_status, scheduled_for, actor, occurred_at FROM consultation_change WHERE consultation_id = $1 ORDER BY occurred_at`,
      [c.consultationId],
    );
    expect(expected.map((r: { change: string; actor: string }) => `${r.change} by ${r.actor}`)).toEqual(['SCHEDULED by lead-1', 'HELD by lead-2']);
    const runner = h.ds.createQueryRunner();
    try {
      const migration = new ConsultationHistory1796241000000();
      await migration.down(runner);
      await migration.up(runner);
    } finally {
      await runner.release();
    }
    const rebuilt = await h.ds.query(
      `SELECT change, from_status, to_status, scheduled_for, actor, occurred_at FROM consultation_change WHERE consultation_id = $1 ORDER BY occurred_at`,
      [c.consultationId],
    );
    expect(rebuilt).toEqual(expected);
  });
});
