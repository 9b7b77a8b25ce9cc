import 'reflect-metadata';
import { getMetadataStorage, validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import {
  AdviceIssuedV1,
  AdviceItemResolvedV1,
  CaseClosedV1,
  CaseReopenedV1,
  CaseStageChangedV1,
  CaseTriagedV1,
  ConsultationActionAssignedV1,
  ConsultationActionCompletedV1,
  ConsultationCancelledV1,
  ConsultationPanelSeatV1,
  ConsultationRescheduledV1,
  ConsultationScheduledV1,
  OrderBreachReportedV1,
  OrderConsideredV1,
  OrderEndedV1,
  OrderExpiringV1,
  OrderGrantedV1,
  OrderServedV1,
} from './index';
import type { EventContract } from './envelope';

const ID = '8f0c1c52-0e43-4d55-9a6c-2f7b1f1e7a11';
const AT = '2026-12-01T09:00:00.000Z';

/** One valid payload per intake workflow event (domain.md §5). */
const SAMPLES: [EventContract, Record<string, unknown>][] = [
  [CaseTriagedV1, { triageDecisionId: ID, decision: 'CONSULTATION', reasons: ['DOMESTIC_CONTEXT'], triagedAt: AT }],
  [CaseStageChangedV1, { machine: 'CJ_STAGE', from: 'ARRESTED', to: 'BAILED', changedAt: AT }],
  [CaseClosedV1, { reason: 'RISK_MANAGED', closedAt: AT }],
  [CaseReopenedV1, { reason: 'BREACH', incidentId: ID, reopenedAt: AT }],
  [AdviceIssuedV1, { adviceId: ID, documentVersion: 1, checklistVersion: '2026.1', itemCodes: ['NO_PIN'], issuedAt: AT, withinTarget: true }],
  [AdviceItemResolvedV1, { adviceId: ID, itemId: ID, code: 'CONSIDER_SPO', resolution: 'DECLINED', resolvedAt: AT, overdue: false }],
  [OrderConsideredV1, { orderId: ID, orderType: 'SPO', consideredAt: AT }],
  [OrderGrantedV1, { orderId: ID, orderType: 'SPO', effectiveFrom: AT, expiresAt: '2028-12-01T09:00:00.000Z' }],
  [OrderServedV1, { orderId: ID, orderType: 'INTERIM_SPO', servedAt: AT, notificationDueAt: '2026-12-04T09:00:00.000Z' }],
  [OrderBreachReportedV1, { orderId: ID, orderType: 'SPO', breachId: ID, incidentId: ID, occurredAt: AT }],
  [OrderExpiringV1, { orderId: ID, orderType: 'RESTRAINING_ORDER_ON_CONVICTION', expiresAt: AT }],
  [OrderEndedV1, { orderId: ID, orderType: 'SPO', outcome: 'DISCHARGED', endedAt: AT }],
  [ConsultationScheduledV1, { consultationId: ID, scheduledFor: AT, agencies: ['police', 'mental-health'] }],
  [
    ConsultationScheduledV1,
    { consultationId: ID, scheduledFor: AT, agencies: ['police', 'mental-health'], panel: [{ agency: 'police' }, { agency: 'mental-health', subject: 'u-7f3a91' }] },
  ],
  [ConsultationRescheduledV1, { consultationId: ID, scheduledFor: AT, previousScheduledFor: '2026-11-30T09:00:00.000Z', reason: 'QUORUM_NOT_MET' }],
  [ConsultationCancelledV1, { consultationId: ID, reason: 'MANAGED_IN_ANOTHER_FORUM', cancelledAt: AT }],
  [ConsultationActionAssignedV1, { consultationId: ID, actionId: ID, ownerAgency: 'probation', dueAt: AT }],
  [ConsultationActionCompletedV1, { consultationId: ID, actionId: ID, ownerAgency: 'probation', completedAt: AT, overdue: true }],
];

/** Validators that bound a value to an id, a code, a date, a number or a flag — never free text. */
const THIN = new Set(['isUuid', 'isIn', 'isIso8601', 'isBoolean', 'isInt', 'min', 'max', 'matches', 'isOptional', 'conditionalValidation']);
const SHAPE = new Set(['isArray', 'arrayMinSize', 'arrayMaxSize', 'arrayUnique', 'isString', 'nestedValidation']);
/** Classes nested in an event (validated each): held to the same rule as the event's own fields. */
const NESTED: EventContract[] = [ConsultationPanelSeatV1 as unknown as EventContract];

/** The class a nested list's elements become (read off a sample that has the list). */
function nestedClassOf(contract: EventContract, property: string): unknown {
  const sample = SAMPLES.find(([c, s]) => c === contract && Array.isArray(s[property]))?.[1];
  const list = sample ? (plainToInstance(contract, sample) as unknown as Record<string, unknown[]>)[property] : undefined;
  return list?.[0]?.constructor;
}

describe('intake workflow events (domain.md §5)', () => {
  it.each(SAMPLES.map(([c, s]) => [c.subject, c, s] as const))('%s: subject, type and version follow the convention and a sample validates', async (_s, contract, sample) => {
    expect(contract.subject).toMatch(/^intake\.[a-z-]+\.[a-z-]+\.v1$/);
    expect(contract.eventType).toBe(contract.subject.replace(/\.v1$/, ''));
    expect(contract.version).toBe(1);
    const errors = await validate(plainToInstance(contract, sample), { whitelist: true, forbidNonWhitelisted: true });
    expect(errors).toEqual([]);
  });

  it.each([...SAMPLES.map(([c]) => [c.subject, c] as const), ...NESTED.map((c) => [c.name, c] as const)])('DP-01 %s: every field is an id, code, date, number or flag (no free text)', (_s, contract) => {
    const metas = getMetadataStorage().getTargetValidationMetadatas(contract, '', true, false);
    const byProperty = new Map<string, string[]>();
    for (const m of metas) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m.name ?? m.type]);
    expect(byProperty.size).toBeGreaterThan(0);
    for (const [property, validators] of byProperty) {
      // A nested list is bounded when its element class is itself held to this rule (listed in NESTED).
      const nested = validators.includes('nestedValidation') ? nestedClassOf(contract, property) : undefined;
      const bounded = validators.some((v) => THIN.has(v) && v !== 'isOptional' && v !== 'conditionalValidation') || (!!nested && NESTED.includes(nested as EventContract));
      expect({ property, bounded }).toEqual({ property, bounded: true });
      for (const v of validators) expect([...THIN, ...SHAPE]).toContain(v);
    }
  });

  it('DP-01 a panel seat carries an agency code and an account identifier, never a name or free text', async () => {
    const seat = (subject: string) => ({ consultationId: ID, scheduledFor: AT, agencies: ['police'], panel: [{ agency: 'police', subject }] });
    for (const bad of ['Jane Smith', 'x'.repeat(129), 'name\u0000']) {
      expect(await validate(plainToInstance(ConsultationScheduledV1, seat(bad)))).not.toEqual([]);
    }
    expect(await validate(plainToInstance(ConsultationScheduledV1, { ...seat('u-1'), panel: [{ agency: 'the police' }] }))).not.toEqual([]);
  });

  it('a stage change refuses anything but a state code', async () => {
    const errors = await validate(plainToInstance(CaseStageChangedV1, { machine: 'STATUS', from: 'ACTIVE', to: 'Closed by Jane Smith', changedAt: AT }));
    expect(errors.map((e) => e.property)).toEqual(['to']);
  });
});
