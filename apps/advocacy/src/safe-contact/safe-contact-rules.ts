import type { ContactPreferencesSubmission } from '@stac/contracts';
import type { ContactChannel, ContactRefusal } from '@stac/domain';

const LONDON_TIME = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });

/** The England and Wales wall-clock time of an instant, `HH:MM`. */
export function londonTime(at: Date): string {
  const p = Object.fromEntries(LONDON_TIME.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.hour}:${p.minute}`;
}

function within(t: string, from: string, to: string): boolean {
  // A window may run over midnight (e.g. 20:00-08:00).
  return from <= to ? t >= from && t < to : t >= from || t < to;
}

export interface Refusal {
  refusal: ContactRefusal;
  reason: string;
}

/**
 * The safe contact rules (domain.md §6.1), checked before anything leaves: the first rule broken is the
 * stated reason. Consent is checked by the caller (it lives on the support record).
 */
export function checkSafeContact(p: ContactPreferencesSubmission, channel: ContactChannel, at: Date): Refusal | null {
  if (p.neverUse.includes(channel)) return { refusal: 'NEVER_USE_CHANNEL', reason: `${channel} is a channel never to use for this victim` };
  if (!p.safeChannels.includes(channel)) return { refusal: 'NOT_A_SAFE_CHANNEL', reason: `${channel} is not one of the victim's safe channels` };
  if (channel !== 'LETTER' && p.safeHours?.length) {
    const t = londonTime(at);
    if (!p.safeHours.some((w) => within(t, w.from, w.to))) {
      return { refusal: 'OUTSIDE_SAFE_HOURS', reason: `${t} (England and Wales) is outside the victim's safe hours` };
    }
  }
  if (channel === 'LETTER' && p.addressConfidential) {
    return { refusal: 'CONFIDENTIAL_ADDRESS', reason: "The victim's address is confidential: no letter may be sent to it" };
  }
  if (channel === 'EMAIL' && !p.email) return { refusal: 'NO_ADDRESS_FOR_CHANNEL', reason: 'No email address is recorded' };
  if ((channel === 'SMS' || channel === 'PHONE') && !p.phone) return { refusal: 'NO_ADDRESS_FOR_CHANNEL', reason: 'No phone number is recorded' };
  return null;
}
