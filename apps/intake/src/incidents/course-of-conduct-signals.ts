import type { BehaviourCode } from '@stac/domain';
import type { CourseOfConductSignal } from '@stac/contracts';

/** One incident as the signals see it: when, and which behaviours. */
export interface ConductIncident {
  id: string;
  occurredAt: Date;
  behaviours: readonly BehaviourCode[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const ESCALATION_WINDOW_DAYS = 14;

/** Behaviour at a distance (online, through devices) and behaviour in physical proximity. */
export const ONLINE_BEHAVIOURS: ReadonlySet<BehaviourCode> = new Set(['CYBER', 'MONITORING_COMMUNICATIONS', 'PUBLISHING']);
export const PHYSICAL_BEHAVIOURS: ReadonlySet<BehaviourCode> = new Set([
  'FOLLOWING',
  'LOITERING',
  'WATCHING_SPYING',
  'INTERFERING_WITH_PROPERTY',
  'VIOLENCE',
]);
const THREAT_BEHAVIOURS: ReadonlySet<BehaviourCode> = new Set(['THREATS', 'VIOLENCE']);

const day = (d: Date) => d.toISOString().slice(0, 10);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Signals derived from the course of conduct (domain.md §6.2, §6.7), each explained in words and codes.
 * They inform professional judgement and the risk review; they never grade risk themselves (§6.8).
 *
 * - ESCALATING_FREQUENCY: more incidents in the last 14 days than in the 14 days before (at least 2).
 * - NEW_BEHAVIOUR: the latest incident shows behaviour codes never seen before on the case.
 * - ONLINE_TO_PHYSICAL: behaviour moved from online only to physical proximity.
 * - THREATS_AFTER_ORDER: threats or violence once an order was in force; without order data, after the
 *   case's first BREACH incident (a breach implies an order or condition in force).
 */
export function courseOfConductSignals(
  incidents: readonly ConductIncident[],
  now: Date,
  o: { orderInForceSince?: Date | null } = {},
): CourseOfConductSignal[] {
  const past = [...incidents]
    .filter((i) => i.occurredAt.getTime() <= now.getTime())
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id));
  const signals: CourseOfConductSignal[] = [];
  const codesOf = (xs: readonly ConductIncident[]) => [...new Set(xs.flatMap((i) => i.behaviours))].sort();

  // Escalation in frequency.
  const windowStart = now.getTime() - ESCALATION_WINDOW_DAYS * DAY_MS;
  const priorStart = windowStart - ESCALATION_WINDOW_DAYS * DAY_MS;
  const recent = past.filter((i) => i.occurredAt.getTime() > windowStart);
  const prior = past.filter((i) => i.occurredAt.getTime() > priorStart && i.occurredAt.getTime() <= windowStart);
  if (recent.length >= 2 && recent.length > prior.length) {
    signals.push({
      code: 'ESCALATING_FREQUENCY',
      explanation: `${plural(recent.length, 'incident')} in the last ${ESCALATION_WINDOW_DAYS} days against ${prior.length} in the ${ESCALATION_WINDOW_DAYS} days before`,
      behaviours: codesOf(recent),
      incidentIds: recent.map((i) => i.id),
    });
  }

  // New behaviour types in the latest incident.
  if (past.length >= 2) {
    const latest = past[past.length - 1];
    const seen = new Set(past.slice(0, -1).flatMap((i) => i.behaviours));
    const fresh = [...new Set(latest.behaviours)].filter((b) => !seen.has(b)).sort();
    if (fresh.length) {
      signals.push({
        code: 'NEW_BEHAVIOUR',
        explanation: `${fresh.join(', ')} first seen on ${day(latest.occurredAt)}, not in the ${plural(past.length - 1, 'earlier incident')}`,
        behaviours: fresh,
        incidentIds: [latest.id],
      });
    }
  }

  // From online to physical proximity.
  const firstPhysical = past.findIndex((i) => i.behaviours.some((b) => PHYSICAL_BEHAVIOURS.has(b)));
  if (firstPhysical > 0) {
    const before = past.slice(0, firstPhysical);
    const online = before.filter((i) => i.behaviours.some((b) => ONLINE_BEHAVIOURS.has(b)));
    if (online.length) {
      const moved = past[firstPhysical];
      const physical = moved.behaviours.filter((b) => PHYSICAL_BEHAVIOURS.has(b)).sort();
      signals.push({
        code: 'ONLINE_TO_PHYSICAL',
        explanation: `${physical.join(', ')} on ${day(moved.occurredAt)} after ${plural(online.length, 'online incident')} (${codesOf(online)
          .filter((b) => ONLINE_BEHAVIOURS.has(b))
          .join(', ')}) and no physical proximity before`,
        behaviours: physical,
        incidentIds: [moved.id],
      });
    }
  }

  // Threats after an order (or, without order data, after the first breach).
  const firstBreach = past.find((i) => i.behaviours.includes('BREACH'));
  const since = o.orderInForceSince ?? firstBreach?.occurredAt ?? null;
  if (since) {
    const threats = past.filter((i) => i.occurredAt.getTime() >= since.getTime() && i.behaviours.some((b) => THREAT_BEHAVIOURS.has(b)));
    if (threats.length) {
      const what = o.orderInForceSince ? `an order in force since ${day(since)}` : `the first breach on ${day(since)}`;
      signals.push({
        code: 'THREATS_AFTER_ORDER',
        explanation: `${plural(threats.length, 'incident')} with threats or violence on or after ${what}`,
        behaviours: codesOf(threats).filter((b) => THREAT_BEHAVIOURS.has(b as BehaviourCode)),
        incidentIds: threats.map((i) => i.id),
      });
    }
  }
  return signals;
}
