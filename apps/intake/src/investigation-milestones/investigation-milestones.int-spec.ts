import { randomUUID } from 'node:crypto';
import { AccessLog, type Principal } from '@stac/auth';
import { Outbox } from '@stac/messaging';
import type { RequestContext } from '@stac/runtime';
import { testRequestContext } from '@stac/runtime/testing';
import { problemOf } from '@stac/testing';
import { CaseWorkflow } from '../lifecycle/case-workflow';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { InvestigationMilestonesService } from './investigation-milestones.service';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
let milestones: InvestigationMilestonesService;
const accessLog = new AccessLog();

beforeAll(async () => {
  await h.start('milestones');
  milestones = new InvestigationMilestonesService(h.ds, new CaseWorkflow(new Outbox('intake')), new Outbox('intake'), h.clock);
});
afterAll(() => h.stop());

function officer(idempotencyKey?: string): RequestContext {
  const principal: Principal = { issuer: 'urn:test', subject: 'officer-7', agency: 'police', roles: ['case-officer'] };
  const ctx: RequestContext = testRequestContext(
    principal,
    {
      idempotencyKey,
      audit: async (m, d) => {
        await accessLog.append(m as never, {
          operation: 'collection',
          action: 'investigation.milestone.record',
          principal,
          recordType: 'investigation-milestone',
          recordIds: d.recordIds,
          fieldGroups: [],
          purpose: 'investigation',
          recipients: ['police'],
          decision: { allow: true, rule: 'test' },
          correlationId: ctx.correlationId,
        });
      },
    },
    h.idempotency,
  );
  return ctx;
}

async function moveTo(caseId: string, ...stages: ('ARRESTED' | 'BAILED' | 'CHARGE_REQUESTED')[]) {
  for (const to of stages) {
    const v = await h.lifecycle.read(caseId, h.ctx());
    await h.lifecycle.changeCjStage({ caseId, expectedVersion: v.version, to, ...(to === 'BAILED' ? { bailReturnAt: '2026-12-20T10:00:00Z' } : {}) }, h.ctx());
  }
}

describe('investigation milestones on a real Postgres', () => {
  it('records an interview and a bail variation with history, leaves the stage alone and publishes thin milestone events', async () => {
    h.clock.set(new Date('2026-12-03T15:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    await moveTo(caseId, 'ARRESTED');
    const interviewed = await milestones.record({ caseId, milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-03T11:30:00Z' }, officer());
    expect(interviewed).toMatchObject({ milestone: 'SUSPECT_INTERVIEWED', cjStage: 'ARRESTED', occurredAt: '2026-12-03T11:30:00.000Z', recordedBy: 'officer-7', reason: null });
    await moveTo(caseId, 'BAILED');
    const varied = await milestones.record({ caseId, milestone: 'BAIL_CONDITIONS_CHANGED', occurredAt: '2026-12-03T14:00:00Z' }, officer());
    expect((await h.lifecycle.read(caseId, h.ctx())).cjStage).toBe('BAILED');

    const list = await milestones.list(caseId);
    expect(list.milestones.map((x) => [x.milestone, x.cjStage])).toEqual([
      ['SUSPECT_INTERVIEWED', 'ARRESTED'],
      ['BAIL_CONDITIONS_CHANGED', 'BAILED'],
    ]);
    expect(await h.outboxInfo(caseId, 'intake.investigation.milestone-recorded.v1')).toEqual([
      { milestoneId: interviewed.milestoneId, milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-03T11:30:00.000Z' },
      { milestoneId: varied.milestoneId, milestone: 'BAIL_CONDITIONS_CHANGED', occurredAt: '2026-12-03T14:00:00.000Z' },
    ]);
    const [{ n }] = await h.ds.query(`SELECT count(*)::int AS n FROM access_log WHERE record_ids @> ARRAY[$1]::text[] AND action = 'investigation.milestone.record'`, [interviewed.milestoneId]);
    expect(n).toBe(1);
  });

  it('a decision not to investigate needs a reason, only before an arrest (409 naming the stage), and the reason never leaves in the event', async () => {
    h.clock.set(new Date('2026-12-04T10:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    expect(await problemOf(milestones.record({ caseId, milestone: 'DECISION_NOT_TO_INVESTIGATE', occurredAt: '2026-12-04T09:00:00Z' }, officer()))).toMatchObject({
      status: 400,
      errors: [{ field: 'reason' }],
    });
    expect(await problemOf(milestones.record({ caseId, milestone: 'BAIL_CONDITIONS_CHANGED', occurredAt: '2026-12-04T09:00:00Z' }, officer()))).toMatchObject({
      status: 409,
      code: 'milestone-not-at-stage',
      title: expect.stringContaining('PRE_ARREST'),
    });
    expect(await problemOf(milestones.record({ caseId, milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-05T09:00:00Z' }, officer()))).toMatchObject({
      status: 400,
      errors: [{ field: 'occurredAt' }],
    });
    const d = await milestones.record(
      { caseId, milestone: 'DECISION_NOT_TO_INVESTIGATE', occurredAt: '2026-12-04T09:00:00Z', reason: 'Canary-NFI-reason: no lines of enquiry left' },
      officer(),
    );
    expect(d).toMatchObject({ cjStage: 'PRE_ARREST', reason: 'Canary-NFI-reason: no lines of enquiry left' });
    const [{ n }] = await h.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope::text LIKE '%Canary-NFI-reason%'`);
    expect(n).toBe(0);
    // After an arrest the same decision is the NFA stage, not a milestone.
    await moveTo(caseId, 'ARRESTED');
    expect(await problemOf(milestones.record({ caseId, milestone: 'DECISION_NOT_TO_INVESTIGATE', occurredAt: '2026-12-04T09:30:00Z', reason: 'x' }, officer()))).toMatchObject({
      status: 409,
      code: 'milestone-not-at-stage',
    });
    // Nothing stored by the refusals.
    expect((await milestones.list(caseId)).milestones).toHaveLength(1);
  });

  it('REL-04: the same Idempotency-Key records once; an unknown case is the one 404', async () => {
    h.clock.set(new Date('2026-12-07T10:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const key = randomUUID();
    const a = await milestones.record({ caseId, milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-07T09:00:00Z' }, officer(key));
    const b = await milestones.record({ caseId, milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-07T09:00:00Z' }, officer(key));
    expect(b.milestoneId).toBe(a.milestoneId);
    expect(await h.outboxInfo(caseId, 'intake.investigation.milestone-recorded.v1')).toHaveLength(1);
    expect(await problemOf(milestones.record({ caseId: randomUUID(), milestone: 'SUSPECT_INTERVIEWED', occurredAt: '2026-12-07T09:00:00Z' }, officer()))).toMatchObject({ status: 404 });
  });
});
