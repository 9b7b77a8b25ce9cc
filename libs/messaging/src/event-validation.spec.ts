import 'reflect-metadata'; // as every service's main.ts does: class-transformer's @Type needs it
import { randomUUID } from 'node:crypto';
import { IsIn, IsInt, IsUUID, Max, Min } from 'class-validator';
import { validateEvent } from './event-validation';

class GadgetMadeV1 {
  static readonly subject = 'tests.gadget.made.v1';
  static readonly eventType = 'tests.gadget.made';
  static readonly version = 1;
  @IsUUID()
  gadgetId: string;
  @IsInt()
  @Min(1)
  @Max(9)
  level: number;
  @IsIn(['A', 'B'])
  grade: string;
}

const envelope = (over: Record<string, unknown> = {}, info: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  eventType: 'tests.gadget.made',
  version: 1,
  occurredAt: '2026-01-02T03:04:05.000Z',
  producer: 'tests',
  aggregateVersion: 3,
  additionalInformation: { gadgetId: randomUUID(), level: 4, grade: 'A', ...info },
  ...over,
});

describe('validateEvent (tolerant reader)', () => {
  it('accepts a valid event and returns the payload as an instance of the contract', async () => {
    const raw = envelope();
    const r = await validateEvent(raw, GadgetMadeV1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.envelope.id).toBe(raw.id);
    expect(r.envelope.additionalInformation).toBeInstanceOf(GadgetMadeV1);
    expect(r.envelope.additionalInformation).toEqual(raw.additionalInformation);
  });

  it('strips fields it does not know, in the envelope and in the payload (additive evolution)', async () => {
    const r = await validateEvent(envelope({ addedLater: 'x' }, { newField: 7 }), GadgetMadeV1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.envelope).not.toHaveProperty('addedLater');
    expect(r.envelope.additionalInformation).not.toHaveProperty('newField');
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [envelope()]],
    ['a number', 42],
  ])('rejects an envelope that is %s', async (_label, raw) => {
    expect(await validateEvent(raw, GadgetMadeV1)).toEqual({ ok: false, problems: ['envelope: not an object'] });
  });

  it('names envelope fields and rules that fail', async () => {
    const r = await validateEvent(envelope({ id: 'nope', occurredAt: '31/12/2026', producer: 'Bad Name', aggregateVersion: -1 }), GadgetMadeV1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining(['id: isUuid', 'occurredAt: isIso8601', 'producer: matches', 'aggregateVersion: min']),
    );
  });

  it('rejects another event type or major version than the contract', async () => {
    const r = await validateEvent(envelope({ eventType: 'tests.gadget.broken', version: 2 }), GadgetMadeV1);
    expect(r).toEqual({ ok: false, problems: ['eventType: expected tests.gadget.made', 'version: expected 1'] });
  });

  it('names payload fields under additionalInformation and never echoes values', async () => {
    const r = await validateEvent(envelope({}, { gadgetId: 'CANARY-VALUE', level: 99, grade: 'CANARY-GRADE' }), GadgetMadeV1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.sort()).toEqual(
      ['additionalInformation.gadgetId: isUuid', 'additionalInformation.grade: isIn', 'additionalInformation.level: max'].sort(),
    );
    expect(r.problems.join(' ')).not.toMatch(/CANARY/);
  });

  it('rejects a payload that is not an object', async () => {
    const r = await validateEvent(envelope({ additionalInformation: ['x'] }), GadgetMadeV1);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContain('additionalInformation: isObject');
  });
});
