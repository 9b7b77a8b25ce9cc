/**
 * The platform under process-level faults: a whole stack (gateway and the five domain services as
 * real processes, started by the end-to-end harness with its own databases and NATS namespace), a
 * client that sends referrals through the gateway the way a well-behaved client does (one
 * Idempotency-Key per referral, retried on 503 after Retry-After, on a timeout or a dropped
 * connection), and a checker that follows every acknowledged referral to every agency and reports
 * sent / acknowledged / lost / duplicated effects / dead letters / maximum lag / recovery time.
 */
import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import { CaseReferredV1 } from '@stac/contracts';
import { listDeadLetters } from '@stac/messaging';
import { syntheticReferral } from '../e2e/builders';
import { tokenFor, type Stack } from '../e2e/stack-harness';
import type { ServiceName } from '../../tools/stack/src/stack-env';

export type DomainService = Exclude<ServiceName, 'gateway'>;

/** Every service that consumes `intake.case.referred.v1` (docs/events.md): a referral must reach each. */
export const REFERRAL_CONSUMERS: readonly DomainService[] = ['intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'];

/** Where each agency's handler of a referral leaves its effect (one row per case, more is a duplicate). */
const EFFECT_TABLES: Partial<Record<DomainService, string>> = {
  intake: `SELECT case_id::text, count(*)::int AS n FROM screening_clock WHERE round = 1 AND case_id = ANY($1::uuid[]) GROUP BY case_id`,
  'risk-assessment': `SELECT case_id::text, count(*)::int AS n FROM screening_task WHERE reason = 'NEW_REFERRAL' AND case_id = ANY($1::uuid[]) GROUP BY case_id`,
  advocacy: `SELECT case_id::text, count(*)::int AS n FROM advocacy_offer WHERE case_id = ANY($1::uuid[]) GROUP BY case_id`,
  'mental-health': `SELECT case_id::text, count(*)::int AS n FROM known_to_services_check WHERE case_id = ANY($1::uuid[]) GROUP BY case_id`,
  probation: `SELECT case_id::text, count(*)::int AS n FROM supervision_check WHERE case_id = ANY($1::uuid[]) GROUP BY case_id`,
};

/** The table each consumer's referral handler inserts into (a lock on it holds the handler mid-transaction). */
export const REFERRAL_EFFECT_TABLE: Record<DomainService, string> = {
  intake: 'screening_clock',
  'risk-assessment': 'screening_task',
  advocacy: 'advocacy_offer',
  'mental-health': 'known_to_services_check',
  probation: 'supervision_check',
};

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withDb<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** The stack's Postgres server as its superuser, on the maintenance database (for ALTER DATABASE). */
export function adminUrl(stack: Stack, service: DomainService): string {
  const u = new URL(stack.env[service].DATABASE_URL);
  u.username = new URL(process.env.STAC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').username || 'postgres';
  u.password = new URL(process.env.STAC_PG_URL ?? 'postgres://postgres@127.0.0.1:5432').password;
  u.pathname = '/postgres';
  return u.toString();
}

/** The service's own database as the superuser (locks, advisory locks, pg_stat_activity). */
export function superUrl(stack: Stack, service: DomainService): string {
  const u = new URL(adminUrl(stack, service));
  u.pathname = new URL(stack.env[service].DATABASE_URL).pathname;
  return u.toString();
}

export function databaseOf(stack: Stack, service: DomainService): string {
  return new URL(stack.env[service].DATABASE_URL).pathname.slice(1);
}

/** One POST attempt's outcome as the client saw it. */
export interface Attempt {
  at: number;
  status: number | 'connection-error' | 'client-timeout';
  retryAfter: string | null;
  code?: string;
}

export interface Submitted {
  key: string;
  /** When the first attempt was sent. */
  sentAt: number;
  attempts: Attempt[];
  caseId?: string;
  /** When the 201/200 arrived. */
  acceptedAt?: number;
}

/**
 * Sends referrals through the gateway as a careful client: one Idempotency-Key per referral for all its
 * attempts; 503 waits out Retry-After (plus up to half again, spread); a 5xx, a timeout or a dropped
 * connection is retried with the same key after an exponential, jittered pause (the key makes that
 * safe); a 4xx is final. Gives up after `deadlineMs`.
 */
export class ReferralClient {
  private token?: { value: string; at: number };
  readonly submitted: Submitted[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private loading = false;
  private loader?: Promise<void>;

  constructor(
    private readonly stack: Stack,
    private readonly o: { attemptTimeoutMs?: number; deadlineMs?: number } = {},
  ) {}

  private async bearer(): Promise<string> {
    // Re-minted every 4 minutes: a full fault run outlives one token.
    if (!this.token || Date.now() - this.token.at > 240_000) {
      this.token = { value: await tokenFor('police', ['stac-screener'], 'fault-screener'), at: Date.now() };
    }
    return this.token.value;
  }

  /** Sends one referral to its end (accepted, refused, or given up). */
  async submit(over: { key?: string; body?: Record<string, unknown> } = {}): Promise<Submitted> {
    const s: Submitted = { key: over.key ?? randomUUID(), sentAt: Date.now(), attempts: [] };
    this.submitted.push(s);
    const body = JSON.stringify(over.body ?? syntheticReferral('FAULT'));
    const deadline = s.sentAt + (this.o.deadlineMs ?? 180_000);
    let backoff = 250;
    while (Date.now() < deadline) {
      const a: Attempt = { at: Date.now(), status: 'connection-error', retryAfter: null };
      s.attempts.push(a);
      // Without a Retry-After: exponential backoff with full jitter (250 ms doubling to 8 s), so clients
      // that all failed at once do not all come back at once.
      let pause = Math.random() * backoff;
      backoff = Math.min(8_000, backoff * 2);
      try {
        const res = await fetch(`${this.stack.gatewayUrl}/api/v1/referrals`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await this.bearer()}`,
            'x-purpose-of-use': 'safeguarding',
            'content-type': 'application/json',
            'idempotency-key': s.key,
          },
          body,
          signal: AbortSignal.timeout(this.o.attemptTimeoutMs ?? 15_000),
        });
        a.status = res.status;
        a.retryAfter = res.headers.get('retry-after');
        const payload = (await res.json().catch(() => ({}))) as { caseId?: string; code?: string };
        a.code = payload.code;
        if (res.status === 200 || res.status === 201) {
          s.caseId = payload.caseId;
          s.acceptedAt = Date.now();
          return s;
        }
        if (res.status < 500) return s;
        if (res.status === 503 && a.retryAfter) pause = Math.min(10, Number(a.retryAfter) || 1) * 1000 * (1 + Math.random() / 2);
      } catch (e) {
        a.status = (e as Error)?.name === 'TimeoutError' ? 'client-timeout' : 'connection-error';
      }
      await sleep(pause);
    }
    return s;
  }

  /** One referral every `intervalMs`, each sent without waiting for the ones before (a steady arrival rate). */
  startLoad(intervalMs: number): void {
    this.loading = true;
    this.loader = (async () => {
      let next = Date.now();
      while (this.loading) {
        const p = this.submit().then(() => undefined);
        this.inFlight.add(p);
        void p.finally(() => this.inFlight.delete(p));
        next += intervalMs;
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
  }

  /** Stops sending and waits until every referral sent has its final answer. */
  async stopLoad(): Promise<void> {
    this.loading = false;
    await this.loader;
    await Promise.all([...this.inFlight]);
  }

  /** Every attempt so far, by status, for the report. */
  statusCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.submitted) for (const a of s.attempts) out[String(a.status)] = (out[String(a.status)] ?? 0) + 1;
    return out;
  }

  /** Answers a client must never see: a 5xx other than 503 with Retry-After. */
  badAnswers(): Attempt[] {
    return this.submitted.flatMap((s) =>
      s.attempts.filter((a) => typeof a.status === 'number' && a.status >= 500 && !(a.status === 503 && a.retryAfter)),
    );
  }
}

export interface PlatformFigures {
  fault: string;
  sent: number;
  acknowledged: number;
  /** Acknowledged referrals that did not reach every agency. */
  lost: number;
  /** Referrals with more than one effect at some agency (or more than one case.referred event). */
  duplicated: number;
  deadLetters: number;
  /** Longest time from the client's acknowledgement to an agency's handling of the referral. */
  maxLagMs: number;
  /** From the end of the fault until every acknowledged referral had reached every agency (0 if none was still on its way). */
  recoveryMs: number;
  /** Referrals the client never got acknowledged (gave up, or a 4xx). */
  unacknowledged: number;
  /** Where the longest lag was (epoch ms), to set beside the fault's own timeline. */
  worst?: { consumer: DomainService; acceptedAt: number; handledAt: number };
}

/** Follows acknowledged referrals through the stack's databases and the dead-letter stream. */
export class PlatformChecker {
  private deadLettersBefore = 0;

  constructor(
    private readonly stack: Stack,
    readonly fault: string,
  ) {}

  async begin(): Promise<this> {
    this.deadLettersBefore = await this.deadLetters();
    return this;
  }

  async deadLetters(): Promise<number> {
    // The stack's own permissioned NATS (BUS-01): look as the unrestricted test observer.
    const nc = await connect({ ...this.stack.natsOptions('observer'), timeout: 5000 });
    try {
      const jsm = await jetstreamManager(nc);
      return (await listDeadLetters(jsm, { namespace: this.stack.namespace, limit: 100_000 }).catch(() => [])).length;
    } finally {
      await nc.close();
    }
  }

  /** The case.referred event id of each case, from intake's outbox (several = a duplicated referral). */
  private async referredEvents(caseIds: string[]): Promise<Map<string, string[]>> {
    const rows = await withDb(this.stack.env.intake.DATABASE_URL, async (c) =>
      (
        await c.query<{ case_id: string; id: string }>(
          `SELECT envelope->>'caseId' AS case_id, envelope->>'id' AS id FROM outbox
            WHERE envelope->>'eventType' = $1 AND envelope->>'caseId' = ANY($2::text[])`,
          [CaseReferredV1.eventType, caseIds],
        )
      ).rows,
    );
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.case_id, [...(out.get(r.case_id) ?? []), r.id]);
    return out;
  }

  /** When each consumer handled each event (its inbox row, written in the handler's transaction). */
  private async handled(eventIds: string[]): Promise<Map<DomainService, Map<string, number>>> {
    const out = new Map<DomainService, Map<string, number>>();
    await Promise.all(
      REFERRAL_CONSUMERS.map(async (svc) => {
        const rows = await withDb(this.stack.env[svc].DATABASE_URL, async (c) =>
          (
            await c.query<{ event_id: string; at: Date }>(
              `SELECT event_id::text, handled_at AS at FROM inbox WHERE consumer = $1 AND event_id = ANY($2::uuid[])`,
              [svc, eventIds],
            )
          ).rows,
        );
        out.set(svc, new Map(rows.map((r) => [r.event_id, new Date(r.at).getTime()])));
      }),
    );
    return out;
  }

  private async effectCounts(caseIds: string[]): Promise<Map<string, number>> {
    const most = new Map<string, number>();
    await Promise.all(
      Object.entries(EFFECT_TABLES).map(async ([svc, sql]) => {
        const rows = await withDb(this.stack.env[svc as DomainService].DATABASE_URL, async (c) =>
          (await c.query<{ case_id: string; n: number }>(sql!, [caseIds])).rows,
        );
        for (const r of rows) most.set(r.case_id, Math.max(most.get(r.case_id) ?? 0, r.n));
      }),
    );
    return most;
  }

  private async snapshot(accepted: Submitted[]) {
    const caseIds = [...new Set(accepted.map((s) => s.caseId!))];
    const events = await this.referredEvents(caseIds);
    const handled = await this.handled([...events.values()].flat());
    let reachedAll = 0;
    let maxLagMs = 0;
    let lastHandled = 0;
    let worst: PlatformFigures['worst'];
    for (const s of accepted) {
      const ids = events.get(s.caseId!) ?? [];
      const at = REFERRAL_CONSUMERS.map((svc) => ids.map((id) => handled.get(svc)!.get(id)).find((t) => t !== undefined));
      if (ids.length && at.every((t) => t !== undefined)) {
        reachedAll++;
        at.forEach((t, k) => {
          if (t! - s.acceptedAt! > maxLagMs) {
            maxLagMs = t! - s.acceptedAt!;
            worst = { consumer: REFERRAL_CONSUMERS[k], acceptedAt: s.acceptedAt!, handledAt: t! };
          }
          lastHandled = Math.max(lastHandled, t!);
        });
      }
    }
    return { caseIds, events, reachedAll, maxLagMs, lastHandled, worst };
  }

  /**
   * Waits (bounded) until every referral the client had acknowledged has reached every agency, then
   * computes the figures. `recoveredFrom` is when the fault ended.
   */
  async settle(client: ReferralClient, recoveredFrom: number, timeoutMs = 120_000): Promise<PlatformFigures> {
    const accepted = client.submitted.filter((s) => s.caseId && s.acceptedAt);
    const deadline = Date.now() + timeoutMs;
    let snap = await this.snapshot(accepted);
    while (snap.reachedAll < accepted.length && Date.now() < deadline) {
      await sleep(250);
      snap = await this.snapshot(accepted);
    }
    // When the last agency handled the last referral (its inbox row's time), not when we looked.
    const recoveredAt = snap.reachedAll === accepted.length ? snap.lastHandled : 0;
    const effects = await this.effectCounts(snap.caseIds);
    const duplicated = snap.caseIds.filter((id) => (snap.events.get(id)?.length ?? 0) > 1 || (effects.get(id) ?? 0) > 1).length;
    const figures: PlatformFigures = {
      fault: this.fault,
      sent: client.submitted.length,
      acknowledged: accepted.length,
      lost: accepted.length - snap.reachedAll,
      duplicated,
      deadLetters: (await this.deadLetters()) - this.deadLettersBefore,
      maxLagMs: Math.round(snap.maxLagMs),
      recoveryMs: recoveredAt ? Math.max(0, recoveredAt - recoveredFrom) : -1,
      unacknowledged: client.submitted.length - accepted.length,
      worst: snap.worst,
    };
    process.stdout.write(`[faults] ${JSON.stringify(figures)}\n`);
    return figures;
  }
}
