import { randomBytes } from 'node:crypto';
import { syntheticReferralBody } from '@stac/testing';

/** Short id of this bench run, so crime references never collide with earlier runs or other stacks. */
export const RUN_ID = randomBytes(3).toString('hex');

/**
 * Crime reference prefix of one phase (`P` probe, `W` warm-up, `G` gateway, `L` lag, `B` baseline);
 * the figures select their cases by it. References must match /^[A-Za-z0-9][A-Za-z0-9/-]{2,39}$/.
 */
export const crimeReferencePrefix = (phase: string) => `BN-${phase}-${RUN_ID}-`;

const GIVEN = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Ivy',
  'Lily',
  'Grace',
  'Freya',
  'Evie',
  'Phoebe',
  'Ella',
  'Poppy',
  'Priya',
  'Aisha',
  'Fatima',
  'Natalia',
  'Elena',
  'Noah',
  'Oliver',
  'George',
  'Arthur',
  'Leo',
  'Harry',
  'Oscar',
  'Henry',
  'Jack',
  'Charlie',
  'Thomas',
  'Lucas',
  'Isaac',
  'Samuel',
  'Yusuf',
  'Ahmed',
  'Rahul',
  'Arjun',
  'Chidi',
  'Kwame',
  'Tomasz',
  'Mateo',
];
const FAMILY = [
  'Smith',
  'Jones',
  'Williams',
  'Taylor',
  'Brown',
  'Davies',
  'Evans',
  'Wilson',
  'Roberts',
  'Robinson',
  'Wright',
  'Walker',
  'White',
  'Edwards',
  'Hughes',
  'Green',
  'Hall',
  'Lewis',
  'Harris',
  'Clarke',
  'Patel',
  'Jackson',
  'Wood',
  'Turner',
  'Martin',
  'Cooper',
  'Hill',
  'Ward',
  'Morris',
  'Moore',
  'King',
  'Baker',
  'Khan',
  'Singh',
  'Begum',
  'Hussain',
  'Nowak',
  'Okafor',
  'Mensah',
  'Nguyen',
];

/** Small seeded generator (mulberry32): the same phase draws the same people in every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ReferralOptions {
  /**
   * Every referral names the same victim and person of concern (the end-to-end tests' body): the
   * worst case for intake's duplicate-person matching, since each new person then matches all earlier ones.
   */
  readonly samePeople?: boolean;
}

/**
 * Valid referral bodies with a fresh crime reference on every call (the same reference twice answers
 * 200 with the existing case instead of creating one). People are drawn from 40 x 40 names with dates
 * of birth over 55 years, as a real register varies, unless `samePeople`.
 */
export function referralFactory(phase: string, o: ReferralOptions = {}): () => string {
  const prefix = crimeReferencePrefix(phase);
  const random = seeded(phase.charCodeAt(0) * 7919);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const dateOfBirth = () =>
    new Date(Date.UTC(1950, 0, 1) + Math.floor(random() * 55 * 365) * 86_400_000).toISOString().slice(0, 10);
  const person = () => ({ givenName: pick(GIVEN), familyName: pick(FAMILY), dateOfBirth: dateOfBirth() });
  let seq = 0;
  return () => {
    seq += 1;
    return JSON.stringify(
      syntheticReferralBody(`${prefix}${seq}`, o.samePeople ? {} : { victim: person(), personOfConcern: person() }),
    );
  };
}
