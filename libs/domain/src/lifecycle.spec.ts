import {
  CASE_LIFECYCLE,
  CJ_STAGE_MACHINE,
  CONSULTATION_MACHINE,
  RESCHEDULABLE,
  canTransition,
  legalTransitions,
  type CjStage,
  type StateMachine,
} from './lifecycle';
import { ORDER_LIFECYCLE } from './orders';
import type { CaseStatus } from './case';

function illegalTransitions<S extends string>(m: StateMachine<S>): [S, S][] {
  return m.states.flatMap((from) => m.states.filter((to) => !canTransition(m, from, to)).map((to) => [from, to] as [S, S]));
}

describe('case lifecycle (domain.md §4)', () => {
  const legal: [CaseStatus, CaseStatus][] = [
    ['REFERRED', 'SCREENING'],
    ['SCREENING', 'TRIAGED'],
    ['TRIAGED', 'ACTIVE'],
    ['TRIAGED', 'MONITORING'],
    ['TRIAGED', 'CLOSED'],
    ['ACTIVE', 'MONITORING'],
    ['ACTIVE', 'CLOSED'],
    ['MONITORING', 'ACTIVE'],
    ['MONITORING', 'CLOSED'],
    ['CLOSED', 'REOPENED'],
    ['REOPENED', 'SCREENING'],
    ['REOPENED', 'ACTIVE'],
    ['REOPENED', 'MONITORING'],
    ['REOPENED', 'CLOSED'],
  ];
  it.each(legal)('%s -> %s is legal', (from, to) => expect(canTransition(CASE_LIFECYCLE, from, to)).toBe(true));
  it('the legal list is exactly the machine (nothing more is allowed)', () => {
    expect(legalTransitions(CASE_LIFECYCLE).sort()).toEqual([...legal].sort());
  });
  it.each<[CaseStatus, CaseStatus]>([
    ['REFERRED', 'TRIAGED'],
    ['REFERRED', 'CLOSED'],
    ['SCREENING', 'ACTIVE'],
    ['CLOSED', 'ACTIVE'],
    ['CLOSED', 'CLOSED'],
    ['ACTIVE', 'REFERRED'],
    ['MONITORING', 'REOPENED'],
    ['TRIAGED', 'SCREENING'],
  ])('%s -> %s is illegal', (from, to) => expect(canTransition(CASE_LIFECYCLE, from, to)).toBe(false));
  it('every state is reachable from REFERRED', () => {
    const seen = new Set<CaseStatus>(['REFERRED']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [f, t] of legalTransitions(CASE_LIFECYCLE)) {
        if (seen.has(f) && !seen.has(t)) {
          seen.add(t);
          changed = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...CASE_LIFECYCLE.states].sort());
  });
});

describe('criminal-justice stage (domain.md §4)', () => {
  const legal: [CjStage, CjStage][] = [
    ['PRE_ARREST', 'ARRESTED'],
    ['ARRESTED', 'BAILED'],
    ['ARRESTED', 'RUI'],
    ['ARRESTED', 'REMANDED'],
    ['ARRESTED', 'NFA'],
    ['ARRESTED', 'CHARGE_REQUESTED'],
    ['BAILED', 'CHARGE_REQUESTED'],
    ['BAILED', 'RUI'],
    ['BAILED', 'NFA'],
    ['BAILED', 'ARRESTED'],
    ['RUI', 'BAILED'],
    ['RUI', 'CHARGE_REQUESTED'],
    ['RUI', 'NFA'],
    ['RUI', 'ARRESTED'],
    ['REMANDED', 'CHARGE_REQUESTED'],
    ['REMANDED', 'BAILED'],
    ['NFA', 'ARRESTED'],
    ['CHARGE_REQUESTED', 'CHARGED'],
    ['CHARGE_REQUESTED', 'NFA_CPS'],
    ['CHARGE_REQUESTED', 'BAILED'],
    ['CHARGE_REQUESTED', 'RUI'],
    ['CHARGED', 'AT_COURT'],
    ['NFA_CPS', 'ARRESTED'],
    ['AT_COURT', 'CONVICTED'],
    ['AT_COURT', 'ACQUITTED'],
    ['AT_COURT', 'DISCONTINUED'],
    ['CONVICTED', 'SENTENCED'],
    ['ACQUITTED', 'ARRESTED'],
    ['DISCONTINUED', 'ARRESTED'],
    ['SENTENCED', 'ARRESTED'],
  ];
  it.each(legal)('%s -> %s is legal', (from, to) => expect(canTransition(CJ_STAGE_MACHINE, from, to)).toBe(true));
  it('the legal list is exactly the machine', () => {
    expect(legalTransitions(CJ_STAGE_MACHINE).sort()).toEqual([...legal].sort());
  });
  it.each<[CjStage, CjStage]>([
    ['PRE_ARREST', 'CHARGED'],
    ['PRE_ARREST', 'BAILED'],
    ['ARRESTED', 'CONVICTED'],
    ['CHARGED', 'SENTENCED'],
    ['AT_COURT', 'SENTENCED'],
    ['SENTENCED', 'CONVICTED'],
    ['NFA', 'CHARGED'],
    ['CONVICTED', 'ACQUITTED'],
  ])('%s -> %s is illegal', (from, to) => expect(canTransition(CJ_STAGE_MACHINE, from, to)).toBe(false));
  it('no stage may transition to itself', () => {
    expect(illegalTransitions(CJ_STAGE_MACHINE).filter(([f, t]) => f === t)).toHaveLength(CJ_STAGE_MACHINE.states.length);
  });
});

describe('protective order lifecycle (domain.md §4)', () => {
  it('follows CONSIDERED -> NOT_PURSUED | APPLIED -> REFUSED | GRANTED -> SERVED -> ACTIVE -> VARIED | RENEWED | DISCHARGED | EXPIRED', () => {
    expect(legalTransitions(ORDER_LIFECYCLE).sort()).toEqual(
      [
        ['CONSIDERED', 'NOT_PURSUED'],
        ['CONSIDERED', 'APPLIED'],
        ['APPLIED', 'REFUSED'],
        ['APPLIED', 'GRANTED'],
        ['GRANTED', 'SERVED'],
        ['SERVED', 'ACTIVE'],
        ...(['ACTIVE', 'VARIED', 'RENEWED'] as const).flatMap((f) =>
          (['VARIED', 'RENEWED', 'DISCHARGED', 'EXPIRED'] as const).map((t) => [f, t]),
        ),
      ].sort(),
    );
  });
  it.each([
    ['CONSIDERED', 'GRANTED'],
    ['APPLIED', 'SERVED'],
    ['GRANTED', 'ACTIVE'],
    ['NOT_PURSUED', 'APPLIED'],
    ['EXPIRED', 'RENEWED'],
    ['DISCHARGED', 'ACTIVE'],
    ['REFUSED', 'GRANTED'],
  ] as const)('%s -> %s is illegal', (from, to) => expect(canTransition(ORDER_LIFECYCLE, from, to)).toBe(false));
});

describe('consultation status (domain.md §3 step 7)', () => {
  it('SCHEDULED -> HELD | CANCELLED and nothing else: a held or cancelled consultation never moves again', () => {
    expect(legalTransitions(CONSULTATION_MACHINE).sort()).toEqual(
      [
        ['SCHEDULED', 'CANCELLED'],
        ['SCHEDULED', 'HELD'],
      ].sort(),
    );
    expect(illegalTransitions(CONSULTATION_MACHINE)).toEqual(
      expect.arrayContaining([
        ['HELD', 'CANCELLED'],
        ['CANCELLED', 'CANCELLED'],
        ['CANCELLED', 'SCHEDULED'],
        ['HELD', 'SCHEDULED'],
      ]),
    );
  });
  it('only a consultation still to be held can be rescheduled', () => {
    expect(RESCHEDULABLE).toEqual(['SCHEDULED']);
  });
});
