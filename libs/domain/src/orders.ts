import type { StateMachine } from './lifecycle';

/** Protective orders and measures held by intake (domain.md §4, D7-D11). */
export const ORDER_TYPES = [
  'SPO',
  'INTERIM_SPO',
  'RESTRAINING_ORDER_ON_CONVICTION',
  'RESTRAINING_ORDER_ON_ACQUITTAL',
  'BAIL_CONDITIONS',
  'NON_MOLESTATION_ORDER',
  'LICENCE_CONDITION',
] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const ORDER_STATUSES = [
  'CONSIDERED',
  'NOT_PURSUED',
  'APPLIED',
  'REFUSED',
  'GRANTED',
  'SERVED',
  'ACTIVE',
  'VARIED',
  'RENEWED',
  'DISCHARGED',
  'EXPIRED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * CONSIDERED -> NOT_PURSUED(reason) | APPLIED -> REFUSED | GRANTED -> SERVED -> ACTIVE -> VARIED |
 * RENEWED | DISCHARGED | EXPIRED. A varied or renewed order is still in force, so it can be varied,
 * renewed, discharged or expire again.
 */
export const ORDER_LIFECYCLE: StateMachine<OrderStatus> = {
  name: 'protective-order',
  states: ORDER_STATUSES,
  initial: 'CONSIDERED',
  transitions: {
    CONSIDERED: ['NOT_PURSUED', 'APPLIED'],
    NOT_PURSUED: [],
    APPLIED: ['REFUSED', 'GRANTED'],
    REFUSED: [],
    GRANTED: ['SERVED'],
    SERVED: ['ACTIVE'],
    ACTIVE: ['VARIED', 'RENEWED', 'DISCHARGED', 'EXPIRED'],
    VARIED: ['VARIED', 'RENEWED', 'DISCHARGED', 'EXPIRED'],
    RENEWED: ['VARIED', 'RENEWED', 'DISCHARGED', 'EXPIRED'],
    DISCHARGED: [],
    EXPIRED: [],
  },
};

/** An order in force: breaches can be reported against it and it may expire. */
export const ORDER_IN_FORCE: readonly OrderStatus[] = ['SERVED', 'ACTIVE', 'VARIED', 'RENEWED'];
/**
 * Orders made against the person of concern, for the course-of-conduct signals: granted (binding from
 * its effective date, even before it is served) or in force. Conduct on or after the earliest such date
 * is conduct "after an order".
 */
export const ORDER_MADE: readonly OrderStatus[] = ['GRANTED', ...ORDER_IN_FORCE];
/**
 * Orders that keep a case open (domain.md §3 step 12): in force, granted but not yet served, or
 * applied for and awaiting the court.
 */
export const ORDER_BLOCKS_CLOSURE: readonly OrderStatus[] = ['APPLIED', 'GRANTED', ...ORDER_IN_FORCE];
export const ORDER_ENDED: readonly OrderStatus[] = ['NOT_PURSUED', 'REFUSED', 'DISCHARGED', 'EXPIRED'];

/** Transitions that need a written reason: decisions not taken and endings (domain.md §6.4). */
export const ORDER_STATUSES_NEEDING_REASON: readonly OrderStatus[] = ['NOT_PURSUED', 'REFUSED', 'VARIED', 'DISCHARGED'];

/** Coded reasons an order was not pursued (the decision is recorded either way). */
export const ORDER_NOT_PURSUED_REASONS = [
  'EVIDENTIAL_THRESHOLD_NOT_MET',
  'VICTIM_DOES_NOT_SUPPORT',
  'ALTERNATIVE_MEASURE_IN_PLACE',
  'SUSPECT_IN_CUSTODY',
  'NOT_NECESSARY_FOR_PROTECTION',
  'OTHER',
] as const;
export type OrderNotPursuedReason = (typeof ORDER_NOT_PURSUED_REASONS)[number];

/** Orders with the Stalking Protection Act 2019 s9 notification requirement (name and home address). */
export const SPO_TYPES: readonly OrderType[] = ['SPO', 'INTERIM_SPO'];
export const SPO_NOTIFICATION_DAYS = 3;
/** A full SPO lasts a fixed period of at least two years, or until further order (SPA 2019 s2). */
export const SPO_MINIMUM_YEARS = 2;

export function notificationDueAt(servedAt: Date): Date {
  return new Date(servedAt.getTime() + SPO_NOTIFICATION_DAYS * 24 * 60 * 60 * 1000);
}

/** The earliest end of a full SPO granted from `effectiveFrom`. */
export function spoMinimumExpiry(effectiveFrom: Date): Date {
  const d = new Date(effectiveFrom.getTime());
  d.setUTCFullYear(d.getUTCFullYear() + SPO_MINIMUM_YEARS);
  return d;
}

/**
 * Checks the term of a granted order. A full SPO either runs until further order (no expiry) or for
 * at least two years; every other order with an expiry must end after it starts.
 */
export function orderTermProblem(type: OrderType, effectiveFrom: Date, expiresAt: Date | null): string | null {
  if (expiresAt && expiresAt.getTime() <= effectiveFrom.getTime()) return 'expiresAt must be after effectiveFrom';
  if (type === 'SPO' && expiresAt && expiresAt.getTime() < spoMinimumExpiry(effectiveFrom).getTime()) {
    return `A full Stalking Protection Order lasts at least ${SPO_MINIMUM_YEARS} years (or until further order)`;
  }
  return null;
}

/** Days before expiry that a warning goes to the lead (design choice). */
export const ORDER_EXPIRY_WARNING_DAYS = 28;
