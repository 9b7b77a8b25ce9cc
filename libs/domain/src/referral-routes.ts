import type { ReferralSource } from './case';
import type { WorkingDayCalendar } from './working-days';

/**
 * Partners who refer without a crime report (domain.md §3 step 1): the police attach a crime
 * reference later, once the crime is recorded.
 */
export const REFERRING_PARTNERS = ['mental-health', 'probation', 'advocacy', 'health', 'social-care', 'housing', 'education', 'other'] as const;
export type ReferringPartner = (typeof REFERRING_PARTNERS)[number];

/** A referral route's own facts; each is taken only on its own route. */
export const ROUTE_ONLY_FIELDS = {
  partnerAgency: ['PARTNER_AGENCY'],
  custodyStartedAt: ['CUSTODY_TRIGGER'],
  caseId: ['ORDER_BREACH'],
  orderId: ['ORDER_BREACH'],
} as const satisfies Record<string, readonly ReferralSource[]>;

/**
 * The PACE detention clock (s41): 24 hours from the relevant time (arrival at the station), before
 * the suspect must be charged, bailed or released.
 */
export const CUSTODY_TIME_LIMIT_HOURS = 24;
/**
 * A custody-trigger screening is due this many hours after the relevant time (design choice: 4 hours
 * before the 24-hour limit, so the advice can still shape the charge or bail decision and its conditions).
 */
export const CUSTODY_SCREENING_HOURS = 20;

const HOUR_MS = 60 * 60 * 1000;

/**
 * When a screening started at `startedAt` is due: `workingDays` working days on the calendar, or for a
 * custody trigger the earlier of that and the custody window (`custodyStartedAt` + 20 hours) — custody
 * runs at weekends and bank holidays, so its window is counted in hours. Never before `startedAt`: a
 * referral that arrives after the window has passed is due at once.
 */
export function screeningDueAt(
  calendar: WorkingDayCalendar,
  startedAt: Date,
  workingDays: number,
  custodyStartedAt?: Date | null,
): Date {
  const onCalendar = calendar.addWorkingDays(startedAt, workingDays);
  if (!custodyStartedAt) return onCalendar;
  const custody = custodyStartedAt.getTime() + CUSTODY_SCREENING_HOURS * HOUR_MS;
  return new Date(Math.max(startedAt.getTime(), Math.min(onCalendar.getTime(), custody)));
}
