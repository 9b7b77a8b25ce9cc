import type { BehaviourCode } from '@stac/domain';
import { courseOfConductSignals, type ConductIncident } from './course-of-conduct-signals';

const now = new Date('2026-11-27T12:00:00Z');
let n = 0;
const at = (daysAgo: number, ...behaviours: BehaviourCode[]): ConductIncident => ({
  id: `i${++n}`,
  occurredAt: new Date(now.getTime() - daysAgo * 86_400_000),
  behaviours,
});
const codes = (xs: ConductIncident[], o = {}) => courseOfConductSignals(xs, now, o).map((s) => s.code);

describe('course of conduct signals', () => {
  it('ESCALATING_FREQUENCY: more incidents in the last 14 days than the 14 before, explained in words', () => {
    const xs = [at(20, 'CONTACTING'), at(10, 'CONTACTING'), at(5, 'CONTACTING'), at(1, 'CONTACTING')];
    const [s] = courseOfConductSignals(xs, now).filter((x) => x.code === 'ESCALATING_FREQUENCY');
    expect(s.explanation).toBe('3 incidents in the last 14 days against 1 in the 14 days before');
    expect(s.incidentIds).toHaveLength(3);
    expect(s.behaviours).toEqual(['CONTACTING']);
  });

  it('no escalation when the pace is steady, or a single recent incident', () => {
    expect(codes([at(20, 'CONTACTING'), at(18, 'CONTACTING'), at(10, 'CONTACTING'), at(2, 'CONTACTING')])).not.toContain('ESCALATING_FREQUENCY');
    expect(codes([at(2, 'CONTACTING')])).not.toContain('ESCALATING_FREQUENCY');
    // Incidents older than 28 days do not count as "before".
    expect(codes([at(40, 'CONTACTING'), at(3, 'CONTACTING'), at(2, 'CONTACTING')])).toContain('ESCALATING_FREQUENCY');
  });

  it('NEW_BEHAVIOUR: codes in the latest incident never seen before', () => {
    const s = courseOfConductSignals([at(30, 'CONTACTING'), at(2, 'CONTACTING', 'THREATS')], now).find((x) => x.code === 'NEW_BEHAVIOUR')!;
    expect(s.behaviours).toEqual(['THREATS']);
    expect(s.explanation).toMatch(/^THREATS first seen on 2026-11-25/);
    expect(codes([at(30, 'CONTACTING', 'THREATS'), at(2, 'THREATS')])).not.toContain('NEW_BEHAVIOUR');
    expect(codes([at(2, 'THREATS')])).not.toContain('NEW_BEHAVIOUR');
  });

  it('ONLINE_TO_PHYSICAL: physical proximity after online-only behaviour', () => {
    const s = courseOfConductSignals([at(60, 'CYBER'), at(40, 'PUBLISHING', 'CONTACTING'), at(3, 'LOITERING', 'CONTACTING')], now).find(
      (x) => x.code === 'ONLINE_TO_PHYSICAL',
    )!;
    expect(s.behaviours).toEqual(['LOITERING']);
    expect(s.explanation).toContain('after 2 online incidents (CYBER, PUBLISHING)');
    expect(codes([at(60, 'FOLLOWING'), at(40, 'CYBER'), at(3, 'LOITERING')])).not.toContain('ONLINE_TO_PHYSICAL');
    expect(codes([at(60, 'CONTACTING'), at(3, 'LOITERING')])).not.toContain('ONLINE_TO_PHYSICAL');
  });

  it('THREATS_AFTER_ORDER: threats on or after the first breach when there is no order data', () => {
    const xs = [at(50, 'THREATS'), at(20, 'BREACH', 'CONTACTING'), at(4, 'THREATS')];
    const s = courseOfConductSignals(xs, now).find((x) => x.code === 'THREATS_AFTER_ORDER')!;
    expect(s.incidentIds).toEqual([xs[2].id]);
    expect(s.explanation).toContain('after the first breach on');
    expect(codes([at(50, 'THREATS'), at(20, 'CONTACTING')])).not.toContain('THREATS_AFTER_ORDER');
  });

  it('THREATS_AFTER_ORDER: an order date, when known, takes precedence', () => {
    const xs = [at(30, 'THREATS'), at(10, 'CONTACTING')];
    const s = courseOfConductSignals(xs, now, { orderInForceSince: new Date(now.getTime() - 40 * 86_400_000) }).find(
      (x) => x.code === 'THREATS_AFTER_ORDER',
    )!;
    expect(s.explanation).toContain('an order in force since');
  });

  it('THREATS_AFTER_ORDER: only threats on or after the order took effect count; an order date overrides the first-breach fallback', () => {
    const since = new Date(now.getTime() - 20 * 86_400_000);
    expect(codes([at(30, 'THREATS'), at(10, 'CONTACTING')], { orderInForceSince: since })).not.toContain('THREATS_AFTER_ORDER');
    const xs = [at(30, 'BREACH'), at(25, 'THREATS'), at(5, 'VIOLENCE')];
    const s = courseOfConductSignals(xs, now, { orderInForceSince: since }).find((x) => x.code === 'THREATS_AFTER_ORDER')!;
    expect(s.incidentIds).toEqual([xs[2].id]);
    expect(s.behaviours).toEqual(['VIOLENCE']);
  });

  it('ignores incidents dated in the future and gives nothing for an empty course of conduct', () => {
    expect(courseOfConductSignals([], now)).toEqual([]);
    expect(codes([at(-3, 'CYBER'), at(-2, 'LOITERING')])).toEqual([]);
  });
});
