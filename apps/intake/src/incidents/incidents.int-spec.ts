import { randomUUID } from 'node:crypto';
import { AccessLog, decide, type AccessControl } from '@stac/auth';
import { ReadTimeline, RecordCaseIncident, type Operation, type RpcRequest } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { IdempotencyRecords, OperationKernel, type RequestContext } from '@stac/runtime';
import { INTAKE } from '../intake.module';
import { WorkflowHarness } from '../testing/workflow-test-harness';
import { IncidentsService } from './incidents.service';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const h = new WorkflowHarness();
let incidents: IncidentsService;
let kernel: OperationKernel;

/** The real decision over the case's relationships; the token is not what is under test here. */
const access = {
  async authorize(_req: RpcRequest<unknown>, o: { action: string; caseId?: string }) {
    const principal = h.principal('screener-1', ['stac-screener']);
    const resource = o.caseId ? await h.relationships.forPrincipal(h.ds, o.caseId, principal) : null;
    const decision = decide(principal, o.action, resource, [], 'investigation');
    if (!decision.allow) throw Object.assign(new Error(`denied ${decision.status}`), { status: decision.status });
    return { principal, decision, purpose: 'investigation' as const, fieldGroups: [] };
  },
} as unknown as AccessControl;
const req = (body: unknown): RpcRequest<unknown> => ({ correlationId: randomUUID(), body });
/** Through the service kernel, as a request/reply message would go. */
async function via<Req extends object, Rep>(op: Operation<Req, Rep>, body: unknown, run: (r: Req, ctx: RequestContext) => Promise<Rep>): Promise<Rep> {
  const admitted = await kernel.admit(op, req(body));
  return run(admitted.request, admitted.ctx);
}
const record = (body: unknown) => via(RecordCaseIncident, body, (r, c) => incidents.record(r, c));
const timeline = (body: unknown) => via(ReadTimeline, body, (r, c) => incidents.timeline(r, c));

beforeAll(async () => {
  await h.start('incidents');
  incidents = new IncidentsService(h.ds, new Outbox('intake'), h.clock);
  kernel = new OperationKernel(access, new AccessLog(), h.ds, h.clock, new IdempotencyRecords(INTAKE.idempotencyTable));
});
afterAll(() => h.stop());

describe('course-of-conduct signals read the case’s orders (Postgres)', () => {
  it('THREATS_AFTER_ORDER: a threat recorded once an order is granted raises the signal, dated from the order; threats before it do not', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const before = await record(({ caseId, occurredAt: new Date(h.clock.now().getTime() - 10 * DAY).toISOString(), behaviours: ['THREATS'] }));
    expect(before.signals.map((s) => s.code)).not.toContain('THREATS_AFTER_ORDER');

    // An interim SPO applied for and granted, effective from 2 December (not yet served: no breach is possible, but the order binds).
    let o = await h.orders.consider({ caseId, orderType: 'INTERIM_SPO' }, h.ctx('officer-1'));
    o = await h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, to: 'APPLIED' } as never, h.ctx('officer-1'));
    h.clock.set(new Date('2026-12-02T10:00:00Z'));
    o = await h.orders.transition(
      { caseId, orderId: o.orderId, expectedVersion: o.version, to: 'GRANTED', effectiveFrom: '2026-12-02T10:00:00Z', expiresAt: '2027-01-02T10:00:00Z' } as never,
      h.ctx('officer-1'),
    );
    expect(o.status).toBe('GRANTED');

    h.clock.set(new Date('2026-12-04T09:00:00Z'));
    const contact = await record(({ caseId, occurredAt: '2026-12-03T18:00:00Z', behaviours: ['CONTACTING'] }));
    expect(contact.signals.map((s) => s.code)).not.toContain('THREATS_AFTER_ORDER');
    const threat = await record(({ caseId, occurredAt: '2026-12-04T08:00:00Z', behaviours: ['THREATS', 'CONTACTING'] }));
    const signal = threat.signals.find((s) => s.code === 'THREATS_AFTER_ORDER');
    expect(signal).toMatchObject({ incidentIds: [threat.incidentId], behaviours: ['THREATS'] });
    expect(signal!.explanation).toContain('an order in force since 2026-12-02');

    // The timeline shows the same signal.
    const view = await timeline(({ caseId }));
    expect(view.signals.find((s) => s.code === 'THREATS_AFTER_ORDER')).toMatchObject({ incidentIds: [threat.incidentId] });
  });

  it('an order only considered or refused is not an order: no THREATS_AFTER_ORDER', async () => {
    h.clock.set(new Date('2026-12-10T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    let o = await h.orders.consider({ caseId, orderType: 'SPO' }, h.ctx('officer-1'));
    o = await h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, to: 'APPLIED' } as never, h.ctx('officer-1'));
    await h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, to: 'REFUSED', reason: 'Court not satisfied' } as never, h.ctx('officer-1'));
    h.clock.set(new Date('2026-12-11T09:00:00Z'));
    const threat = await record(({ caseId, occurredAt: '2026-12-11T08:00:00Z', behaviours: ['THREATS'] }));
    expect(threat.signals.map((s) => s.code)).not.toContain('THREATS_AFTER_ORDER');
  });
});
