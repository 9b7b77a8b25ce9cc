import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import request from 'supertest';
import { STREAMS } from '@stac/contracts';
import { streamName } from '@stac/messaging';
import type { Stack } from './stack-harness';

/**
 * The DP-01 canary scan's places, shared by the end-to-end specs: seed distinctive strings into personal
 * fields, then look for them everywhere they must never reach. Each function returns where it found one
 * ("log of intake", "event advocacy.x.v1", ...) so a failing test names the leak; an empty list is clean.
 */

function found(text: string, needles: readonly string[]): boolean {
  return needles.some((n) => text.includes(n));
}

/** Every service's captured log output (start the stack with logLevel 'debug' to see everything printed). */
export function leaksInLogs(stack: Stack, needles: readonly string[]): string[] {
  return stack.services.names.filter((name) => stack.services.logs(name).some((l) => found(l, needles))).map((name) => `log of ${name}`);
}

/** Every service's /metrics. */
export async function leaksInMetrics(stack: Stack, needles: readonly string[]): Promise<string[]> {
  const leaks: string[] = [];
  for (const name of stack.services.names) {
    const metrics = await request(stack.services.url(name)).get('/metrics');
    if (found(metrics.text, needles)) leaks.push(`metrics of ${name}`);
  }
  return leaks;
}

/**
 * Every event on the stack's streams: subject, headers and payload. `scanned` counts the messages read per
 * subject, so a test can prove the events it cares about were there to be scanned (a positive control).
 */
export async function leaksInEvents(stack: Stack, needles: readonly string[]): Promise<{ leaks: string[]; scanned: Map<string, number> }> {
  const leaks: string[] = [];
  const scanned = new Map<string, number>();
  const nc = await connect({ servers: stack.env.gateway.NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for (const s of STREAMS) {
      const name = streamName(s, stack.namespace);
      const info = await jsm.streams.info(name).catch(() => null);
      if (!info) continue;
      for (let n = info.state.first_seq; n <= info.state.last_seq; n++) {
        const m = await jsm.streams.getMessage(name, { seq: n }).catch(() => null);
        if (!m) continue;
        // Subjects carry the stack's namespace prefix; count them by their contract subject.
        const subject = m.subject.startsWith(`${stack.namespace}.`) ? m.subject.slice(stack.namespace.length + 1) : m.subject;
        scanned.set(subject, (scanned.get(subject) ?? 0) + 1);
        const headers = m.header ? [...m.header.keys()].map((k) => `${k}:${m.header!.get(k)}`).join(' ') : '';
        if (found(`${m.subject} ${headers} ${new TextDecoder().decode(m.data)}`, needles)) leaks.push(`event ${m.subject}`);
      }
    }
  } finally {
    await nc.close();
  }
  return { leaks, scanned };
}

/** The DPO's CSV export of the federated access log for a record (LAW-05), as the given DPO token. */
export async function leaksInAuditExport(stack: Stack, dpoToken: string, recordId: string, needles: readonly string[]): Promise<string[]> {
  const from = new Date(Date.now() - 3600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const csv = await request(stack.gatewayUrl)
    .get(`/api/v1/audit?recordId=${recordId}&from=${from}&to=${to}&format=csv`)
    .set('authorization', `Bearer ${dpoToken}`)
    .set('x-purpose-of-use', 'audit')
    .expect(200);
  return found(csv.text, needles) ? ['audit export'] : [];
}
