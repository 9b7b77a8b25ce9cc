import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import type { StackEnv } from './stack';

/** The row each downstream service writes when `intake.case.referred.v1` reaches it, and its time. */
export const DOWNSTREAM = [
  { service: 'risk-assessment', table: 'screening_task', column: 'opened_at' },
  { service: 'advocacy', table: 'advocacy_offer', column: 'opened_at' },
  { service: 'mental-health', table: 'known_to_services_check', column: 'requested_at' },
  { service: 'probation', table: 'supervision_check', column: 'requested_at' },
] as const;

/** Per case: referral time and the time its last downstream part was written (epoch ms, from Postgres). */
export interface CaseTimes {
  readonly caseId: string;
  readonly referredAt: number;
  /** Undefined while any of the four parts is missing. */
  readonly lastPartAt?: number;
}

export interface Observation {
  readonly times: readonly CaseTimes[];
  readonly cases: number;
  /** Cases with all four parts. */
  readonly complete: number;
  /** Cases per downstream service that have their part. */
  readonly perService: Readonly<Record<string, number>>;
}

export interface Progress extends Observation {
  /** Time spent waiting for the consumers. */
  readonly waitedMs: number;
}

/** Read-only connections to the stack's five databases for watching the consumers. */
export class StackProbe {
  private constructor(
    private readonly intake: Client,
    private readonly downstream: readonly Client[],
  ) {}

  static async open(env: StackEnv): Promise<StackProbe> {
    const connect = async (url: string) => {
      const c = new Client({ connectionString: url, application_name: 'bench-probe' });
      await c.connect();
      return c;
    };
    const intake = await connect(env.intake.DATABASE_URL);
    const downstream = await Promise.all(DOWNSTREAM.map((d) => connect(env[d.service].DATABASE_URL)));
    return new StackProbe(intake, downstream);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.intake, ...this.downstream].map((c) => c.end()));
  }

  async countCases(prefix: string): Promise<number> {
    const { rows } = await this.intake.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stalking_case WHERE crime_reference LIKE $1',
      [`${prefix}%`],
    );
    return rows[0].n;
  }

  /** Ids of up to `limit` cases whose crime reference starts with `prefix` (targets of the case views). */
  async caseIds(prefix: string, limit: number): Promise<string[]> {
    const { rows } = await this.intake.query<{ id: string }>(
      'SELECT id::text AS id FROM stalking_case WHERE crime_reference LIKE $1 ORDER BY referred_at LIMIT $2',
      [`${prefix}%`, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Every case whose crime reference starts with `prefix` ('' for all), with its part times. */
  async observe(prefix: string): Promise<Observation> {
    const { rows: cases } = await this.intake.query<{ id: string; t: number }>(
      `SELECT id::text AS id, (extract(epoch FROM referred_at) * 1000)::float8 AS t
         FROM stalking_case WHERE crime_reference LIKE $1`,
      [`${prefix}%`],
    );
    const ids = cases.map((c) => c.id);
    const parts = await Promise.all(
      DOWNSTREAM.map(async (d, i) => {
        const { rows } = await this.downstream[i].query<{ id: string; t: number }>(
          `SELECT case_id::text AS id, (extract(epoch FROM max(${d.column})) * 1000)::float8 AS t
             FROM ${d.table} WHERE case_id = ANY($1::uuid[]) GROUP BY case_id`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r.t]));
      }),
    );
    const times = cases.map((c): CaseTimes => {
      const at = parts.map((p) => p.get(c.id));
      const all = at.every((t) => t !== undefined);
      return { caseId: c.id, referredAt: c.t, lastPartAt: all ? Math.max(...(at as number[])) : undefined };
    });
    return {
      times,
      cases: times.length,
      complete: times.filter((t) => t.lastPartAt !== undefined).length,
      perService: Object.fromEntries(DOWNSTREAM.map((d, i) => [d.service, parts[i].size])),
    };
  }

  /**
   * Polls until every case under `prefix` has its four parts, nothing moved for `stallMs`, or
   * `timeoutMs` passed. Resolves with the last observation either way.
   */
  async waitForParts(
    prefix: string,
    o: { timeoutMs: number; stallMs: number; pollMs?: number },
  ): Promise<Progress> {
    const began = performance.now();
    let last = await this.observe(prefix);
    let lastMove = began;
    while (last.complete < last.cases) {
      const now = performance.now();
      if (now - began > o.timeoutMs || now - lastMove > o.stallMs) break;
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
      const next = await this.observe(prefix);
      if (next.complete !== last.complete) lastMove = performance.now();
      last = next;
    }
    return { ...last, waitedMs: performance.now() - began };
  }
}
