import { Client } from 'pg';

/** Average number of a database's connections in each state over the sampled period. */
export type WaitProfile = Record<string, number>;

/**
 * Samples pg_stat_activity of the given databases every `intervalMs` while the load runs, to show
 * where the services' Postgres time goes: running, waiting for a lock (`Lock:advisory`), for the WAL
 * flush of a commit (`IO:WALSync`), or idle in an open transaction while the service works
 * (`idle in transaction`). Idle pooled connections are not counted.
 */
export class DbWaitSampler {
  private timer?: NodeJS.Timeout;
  private samples = 0;
  private readonly sums = new Map<string, Map<string, number>>();
  private inFlight?: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly databases: Readonly<Record<string, string>>,
  ) {}

  /** `databases`: label -> database name, on the server of `adminUrl`. */
  static async open(adminUrl: string, databases: Readonly<Record<string, string>>): Promise<DbWaitSampler> {
    const client = new Client({ connectionString: adminUrl, application_name: 'bench-waits' });
    await client.connect();
    return new DbWaitSampler(client, databases);
  }

  start(intervalMs = 50): void {
    this.samples = 0;
    this.sums.clear();
    this.timer = setInterval(() => {
      this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    }, intervalMs);
  }

  async stop(): Promise<Record<string, WaitProfile>> {
    clearInterval(this.timer);
    await this.inFlight;
    const out: Record<string, WaitProfile> = {};
    for (const [label, states] of this.sums) {
      out[label] = Object.fromEntries(
        [...states]
          .map(([state, n]) => [state, n / Math.max(1, this.samples)] as const)
          .filter(([, avg]) => avg >= 0.05)
          .sort((a, b) => b[1] - a[1]),
      );
    }
    return out;
  }

  close(): Promise<void> {
    clearInterval(this.timer);
    return this.client.end();
  }

  private async sample(): Promise<void> {
    const names = Object.values(this.databases);
    const { rows } = await this.client.query<{ datname: string; state: string; n: number }>(
      `SELECT datname,
              CASE WHEN state = 'active' AND wait_event_type IS NOT NULL THEN wait_event_type || ':' || wait_event
                   WHEN state = 'active' THEN 'running'
                   ELSE state END AS state,
              count(*)::int AS n
         FROM pg_stat_activity
        WHERE datname = ANY($1) AND state IS DISTINCT FROM 'idle' AND pid <> pg_backend_pid()
        GROUP BY 1, 2`,
      [names],
    );
    this.samples += 1;
    const labelOf = new Map(Object.entries(this.databases).map(([label, db]) => [db, label]));
    for (const r of rows) {
      const label = labelOf.get(r.datname) ?? r.datname;
      const states = this.sums.get(label) ?? new Map<string, number>();
      this.sums.set(label, states);
      states.set(r.state, (states.get(r.state) ?? 0) + r.n);
    }
  }
}
