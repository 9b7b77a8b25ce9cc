import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import request from 'supertest';
import { STREAMS } from '@stac/contracts';
import { streamName } from '@stac/messaging';
import { scrapeMetrics, type Stack } from './stack-harness';

/**
 * The canary scan (DP-01): distinctive synthetic text written into one agency's protected fields must not
 * turn up anywhere else on a running stack. Each function returns where it found a canary (a list of
 * places, empty when clean), so a test can assert `toEqual([])` and a failure names every leak at once.
 * Matching is case-insensitive: a leak that changed case is still a leak.
 */

export interface Sample {
  /** Where the text came from, e.g. `police GET /cases/:id`. */
  label: string;
  text: string;
}

/** The canaries found in one text (case-insensitive). */
export function canariesIn(text: string, canaries: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return canaries.filter((c) => lower.includes(c.toLowerCase()));
}

/** Samples (answers, exports, database rows) that hold a canary, named by their label. */
export function sampleLeaks(samples: readonly Sample[], canaries: readonly string[]): string[] {
  return samples.filter((s) => canariesIn(s.text, canaries).length > 0).map((s) => s.label);
}

/**
 * Every message on the stack's event streams (subject, headers and payload) that holds a canary, and how
 * many messages were read per contract subject (a positive control: the events a test cares about were
 * there to be scanned).
 */
export async function scanStreams(stack: Stack, canaries: readonly string[]): Promise<{ leaks: string[]; scanned: Map<string, number> }> {
  const leaks: string[] = [];
  const scanned = new Map<string, number>();
  const nc = await connect(stack.natsOptions('observer'));
  try {
    const jsm = await jetstreamManager(nc);
    for (const s of STREAMS) {
      const name = streamName(s, stack.namespace);
      const info = await jsm.streams.info(name).catch(() => null);
      if (!info) continue;
      for (let n = info.state.first_seq; n <= info.state.last_seq && info.state.messages > 0; n++) {
        const m = await jsm.streams.getMessage(name, { seq: n }).catch(() => null);
        if (!m) continue;
        // Subjects carry the stack's namespace prefix; count them by their contract subject.
        const subject = m.subject.startsWith(`${stack.namespace}.`) ? m.subject.slice(stack.namespace.length + 1) : m.subject;
        scanned.set(subject, (scanned.get(subject) ?? 0) + 1);
        const headers = m.header ? [...m.header.keys()].map((k) => `${k}:${m.header!.get(k)}`).join(' ') : '';
        if (canariesIn(`${m.subject} ${headers} ${new TextDecoder().decode(m.data)}`, canaries).length) leaks.push(`event ${m.subject} (${name} #${n})`);
      }
    }
  } finally {
    await nc.close();
  }
  return { leaks, scanned };
}

/** Every message on the stack's event streams that holds a canary; a scan that read nothing is a failure. */
export async function streamLeaks(stack: Stack, canaries: readonly string[]): Promise<string[]> {
  const { leaks, scanned } = await scanStreams(stack, canaries);
  // A scan that read nothing proves nothing.
  return scanned.size === 0 ? [...leaks, 'no events on the stack’s streams to scan'] : leaks;
}

/** Every service whose log lines hold a canary. */
export function logLeaks(stack: Stack, canaries: readonly string[]): string[] {
  return stack.services.names.filter((name) => stack.services.logs(name).some((l) => canariesIn(l, canaries).length > 0)).map((name) => `log of ${name}`);
}

/** Every service whose /metrics holds a canary. */
export async function metricsLeaks(stack: Stack, canaries: readonly string[]): Promise<string[]> {
  const leaks: string[] = [];
  for (const name of stack.services.names) {
    const metrics = await scrapeMetrics(stack, name);
    if (metrics.status !== 200) leaks.push(`metrics of ${name} unreadable (${metrics.status})`);
    else if (canariesIn(metrics.text, canaries).length) leaks.push(`metrics of ${name}`);
  }
  return leaks;
}

/**
 * The DPOs' audit exports (CSV through the gateway; each agency's DPO gets its own agency's logs), over the
 * last hour unless told otherwise, optionally only entries naming one record.
 */
export async function auditExports(
  stack: Stack,
  dpos: readonly { label: string; token: string }[],
  o: { recordId?: string; from?: Date; to?: Date } = {},
): Promise<Sample[]> {
  const from = (o.from ?? new Date(Date.now() - 3600_000)).toISOString();
  const to = (o.to ?? new Date(Date.now() + 60_000)).toISOString();
  const query = `from=${from}&to=${to}&format=csv&limit=1000${o.recordId ? `&recordId=${o.recordId}` : ''}`;
  const samples: Sample[] = [];
  for (const dpo of dpos) {
    const res = await request(stack.gatewayUrl).get(`/api/v1/audit?${query}`).set('authorization', `Bearer ${dpo.token}`).set('x-purpose-of-use', 'audit');
    if (res.status !== 200) throw new Error(`audit export for ${dpo.label} answered ${res.status}`);
    samples.push({ label: `audit export (${dpo.label})`, text: res.text });
  }
  return samples;
}

/**
 * The whole scan: the given answers and exports, every event on the stack's streams, every service's logs
 * (with `logCanaries`, e.g. a date of birth that is only a leak in a log) and every service's /metrics.
 */
export async function canaryLeaks(
  stack: Stack,
  o: { canaries: readonly string[]; answers?: readonly Sample[]; exports?: readonly Sample[]; logCanaries?: readonly string[] },
): Promise<string[]> {
  return [
    ...sampleLeaks([...(o.answers ?? []), ...(o.exports ?? [])], o.canaries),
    ...(await streamLeaks(stack, o.canaries)),
    ...logLeaks(stack, [...o.canaries, ...(o.logCanaries ?? [])]),
    ...(await metricsLeaks(stack, o.canaries)),
  ];
}
