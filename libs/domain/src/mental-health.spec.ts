import { canTransition, legalTransitions } from './lifecycle';
import { INTERVENTION_ACTIVE, INTERVENTION_ENDED, INTERVENTION_LIFECYCLE, MH_CONSULTATION_LIFECYCLE } from './mental-health';

describe('mental-health state machines', () => {
  it('consultations run REQUESTED -> TRIAGED -> IN_PROGRESS -> ADVICE_SHARED -> CLOSED and nothing else', () => {
    expect(legalTransitions(MH_CONSULTATION_LIFECYCLE)).toEqual([
      ['REQUESTED', 'TRIAGED'],
      ['TRIAGED', 'IN_PROGRESS'],
      ['IN_PROGRESS', 'ADVICE_SHARED'],
      ['ADVICE_SHARED', 'CLOSED'],
    ]);
  });

  it('interventions: suitability before start, ends are terminal, and the active states are those between start and end', () => {
    expect(canTransition(INTERVENTION_LIFECYCLE, 'PROPOSED', 'STARTED')).toBe(false);
    expect(canTransition(INTERVENTION_LIFECYCLE, 'ASSESSING', 'SUITABLE')).toBe(true);
    expect(canTransition(INTERVENTION_LIFECYCLE, 'UNSUITABLE', 'STARTED')).toBe(false);
    expect(canTransition(INTERVENTION_LIFECYCLE, 'PAUSED', 'ACTIVE')).toBe(true);
    for (const end of INTERVENTION_ENDED) expect(INTERVENTION_LIFECYCLE.transitions[end]).toEqual([]);
    const reachableFromStart = new Set(['STARTED', ...legalTransitions(INTERVENTION_LIFECYCLE).filter(([f]) => INTERVENTION_ACTIVE.includes(f)).map(([, t]) => t)]);
    expect(INTERVENTION_ACTIVE.every((s) => reachableFromStart.has(s))).toBe(true);
    expect(INTERVENTION_ACTIVE.some((s) => INTERVENTION_ENDED.includes(s))).toBe(false);
  });
});
