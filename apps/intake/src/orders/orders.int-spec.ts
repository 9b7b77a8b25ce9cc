import { problemOf } from '@stac/testing';
import { WorkflowHarness } from '../testing/workflow-test-harness';

jest.setTimeout(60_000);

const h = new WorkflowHarness();
beforeAll(() => h.start('orders'));
afterAll(() => h.stop());

describe('protective orders on a real Postgres', () => {
  it('DP-02 / AC-03: exclusion zones are sealed at rest and returned only with victim.location', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const o = await h.orders.consider(
      { caseId, orderType: 'SPO', exclusionZones: [{ description: 'Canary-Zone-7731 Acacia Avenue', radiusMetres: 200 }] },
      h.ctx('officer-1', ['victim.location']),
    );
    expect(o.exclusionZones).toEqual([{ description: 'Canary-Zone-7731 Acacia Avenue', radiusMetres: 200 }]);
    const [row] = await h.ds.query('SELECT exclusion_zones_enc FROM protective_order WHERE id = $1', [o.orderId]);
    expect(Buffer.isBuffer(row.exclusion_zones_enc)).toBe(true);
    expect(row.exclusion_zones_enc.toString('latin1')).not.toContain('Canary-Zone-7731');
    const [outbox] = await h.ds.query(`SELECT count(*)::int AS n FROM outbox WHERE envelope::text LIKE '%Canary-Zone%'`);
    expect(outbox.n).toBe(0);

    const [plain] = await h.orders.list(caseId, h.ctx('spo-1'));
    expect(plain).toMatchObject({ hasExclusionZones: true });
    expect(plain.exclusionZones).toBeUndefined();
    const [granted] = await h.orders.list(caseId, h.ctx('spo-1', ['victim.location']));
    expect(granted.exclusionZones).toEqual([{ description: 'Canary-Zone-7731 Acacia Avenue', radiusMetres: 200 }]);
  });

  it('guards: illegal moves name both states, a full SPO is at least two years, breaches only against orders in force, closing waits for the order', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    let o = await h.orders.consider({ caseId, orderType: 'SPO' }, h.ctx('officer-1'));
    const move = (body: object) => h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: o.version, ...body } as never, h.ctx('officer-1'));

    expect(await problemOf(move({ to: 'GRANTED', effectiveFrom: '2026-12-01T00:00:00Z' }))).toMatchObject({
      status: 409,
      code: 'illegal-transition',
      title: 'Cannot move the order from CONSIDERED to GRANTED',
    });
    expect(await problemOf(h.orders.reportBreach({ caseId, orderId: o.orderId, occurredAt: '2026-12-01T08:00:00Z' }, h.ctx('officer-1')))).toMatchObject({
      status: 409,
      code: 'order-not-in-force',
    });
    expect(await problemOf(move({ to: 'NOT_PURSUED' }))).toMatchObject({ status: 400, errors: [{ field: 'notPursuedReason' }] });
    o = await move({ to: 'APPLIED' });
    expect(await problemOf(move({ to: 'GRANTED', effectiveFrom: '2026-12-01T00:00:00Z', expiresAt: '2028-11-30T00:00:00Z' }))).toMatchObject({
      status: 422,
      code: 'order-term',
    });
    expect(await problemOf(h.orders.transition({ caseId, orderId: o.orderId, expectedVersion: 1, to: 'REFUSED', reason: 'x' } as never, h.ctx()))).toMatchObject({
      status: 412,
      code: 'version-mismatch',
    });
    o = await move({ to: 'GRANTED', effectiveFrom: '2026-12-01T00:00:00Z' }); // until further order
    expect(o.expiresAt).toBeNull();

    const lc = await h.lifecycle.read(caseId, h.ctx());
    expect(await problemOf(h.lifecycle.close({ caseId, expectedVersion: lc.version, reason: 'RISK_MANAGED' }, h.ctx()))).toMatchObject({
      status: 409,
      code: 'order-active',
    });
  });

  it('an order not pursued records its coded reason and ends (order.ended)', async () => {
    h.clock.set(new Date('2026-12-01T09:00:00Z'));
    const caseId = await h.referredCase(h.clock.now());
    const o = await h.orders.consider({ caseId, orderType: 'INTERIM_SPO' }, h.ctx('officer-1'));
    const ended = await h.orders.transition(
      { caseId, orderId: o.orderId, expectedVersion: o.version, to: 'NOT_PURSUED', notPursuedReason: 'ALTERNATIVE_MEASURE_IN_PLACE' } as never,
      h.ctx('officer-1'),
    );
    expect(ended).toMatchObject({ status: 'NOT_PURSUED', notPursuedReason: 'ALTERNATIVE_MEASURE_IN_PLACE' });
    expect(await h.outboxSubjects(caseId)).toEqual(['intake.order.considered.v1', 'intake.order.ended.v1']);
  });
});
