import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { launchServices } from '@stac/testing';
import { createDatabase, databaseUrl, dropDatabase } from '../databases';
import type { CaseTimes, Observation } from '../lag';

const AGENCIES = ['risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;

export interface LeanStack {
  readonly gatewayUrl: string;
  /** Process id of every lean process, by name. */
  processes(): Record<string, number | undefined>;
  /** Every case under a crime-reference prefix with the time its last agency part was written. */
  observe(prefix: string): Promise<Observation>;
  waitForParts(
    prefix: string,
    o: { timeoutMs: number; stallMs: number },
  ): Promise<Observation & { waitedMs: number }>;
  /** Some case ids, for the case-view load. */
  caseIds(limit: number): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * The lean comparator as real processes (gateway, intake with its relay, four agency consumers) on ports
 * `portBase`..+5, five throw-away databases and a JetStream stream of its own namespace on `natsUrl`.
 */
export async function startLeanStack(o: {
  pgBase: string;
  natsUrl: string;
  portBase: number;
  devIssuerDir: string;
  registerCleanup: (what: string, fn: () => Promise<void>) => void;
}): Promise<LeanStack> {
  const id = randomBytes(3).toString('hex');
  const namespace = `lean${id}`;
  const names = ['intake', ...AGENCIES];
  const urls = Object.fromEntries(
    names.map((n) => [n, databaseUrl(o.pgBase, `stac_lean_${n.replace('-', '_')}_${id}`)]),
  );
  for (const n of names) {
    o.registerCleanup(`drop the lean ${n} database`, () => dropDatabase(urls[n]));
    await createDatabase(urls[n]);
  }
  const common = {
    NATS_URL: o.natsUrl,
    LEAN_NAMESPACE: namespace,
    AUTH_DEV_ISSUER_DIR: o.devIssuerDir,
    HTTP_HOST: '127.0.0.1',
  };
  const port = (i: number) => String(o.portBase + i);
  // Intake first: it creates the stream the agencies consume.
  const intake = await launchServices(
    [
      {
        name: 'lean-intake',
        entry: 'tools/bench/src/lean/lean-intake.ts',
        env: {
          ...common,
          LEAN_DEBUG: process.env.LEAN_DEBUG ?? '',
          HTTP_PORT: port(1),
          DATABASE_URL: urls.intake,
          DATA_KEY: randomBytes(32).toString('base64'),
        },
      },
    ],
    { keepLines: 200, readyTimeoutMs: 60_000, output: process.env.LEAN_DEBUG ? process.stderr : undefined },
  );
  o.registerCleanup('stop lean intake', () => intake.stop());
  const rest = await launchServices(
    [
      {
        name: 'lean-gateway',
        entry: 'tools/bench/src/lean/lean-gateway.ts',
        env: { ...common, HTTP_PORT: port(0) },
      },
      ...AGENCIES.map((a, i) => ({
        name: `lean-${a}`,
        entry: 'tools/bench/src/lean/lean-agency.ts',
        env: { ...common, HTTP_PORT: port(2 + i), DATABASE_URL: urls[a], LEAN_SERVICE: a },
      })),
    ],
    { keepLines: 200, readyTimeoutMs: 60_000, output: process.env.LEAN_DEBUG ? process.stderr : undefined },
  );
  o.registerCleanup('stop the lean processes', () => rest.stop());
  o.registerCleanup('delete the lean stream', async () => {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: o.natsUrl });
    try {
      await (
        await jetstreamManager(nc)
      ).streams
        .delete(`${namespace.toUpperCase()}_EVENTS`)
        .catch(() => undefined);
    } finally {
      await nc.close();
    }
  });

  const clients = Object.fromEntries(
    await Promise.all(
      names.map(async (n) => {
        const c = new Client({ connectionString: urls[n], application_name: 'bench-lean-probe' });
        await c.connect();
        return [n, c] as const;
      }),
    ),
  );
  o.registerCleanup('close the lean probe connections', async () => {
    await Promise.allSettled(Object.values(clients).map((c) => c.end()));
  });

  const observe = async (prefix: string): Promise<Observation> => {
    const { rows: cases } = await clients.intake.query<{ id: string; t: number }>(
      `SELECT id::text AS id, (extract(epoch FROM referred_at) * 1000)::float8 AS t FROM stalking_case WHERE crime_reference LIKE $1`,
      [`${prefix}%`],
    );
    const ids = cases.map((c) => c.id);
    const parts = await Promise.all(
      AGENCIES.map(async (a) => {
        const { rows } = await clients[a].query<{ id: string; t: number }>(
          `SELECT case_id::text AS id, (extract(epoch FROM opened_at) * 1000)::float8 AS t FROM case_part WHERE case_id = ANY($1::uuid[])`,
          [ids],
        );
        return new Map(rows.map((r) => [r.id, r.t]));
      }),
    );
    const times = cases.map((c): CaseTimes => {
      const at = parts.map((p) => p.get(c.id));
      return {
        caseId: c.id,
        referredAt: c.t,
        lastPartAt: at.every((t) => t !== undefined) ? Math.max(...(at as number[])) : undefined,
      };
    });
    return {
      times,
      cases: times.length,
      complete: times.filter((t) => t.lastPartAt !== undefined).length,
      perService: Object.fromEntries(AGENCIES.map((a, i) => [a, parts[i].size])),
    };
  };

  return {
    gatewayUrl: `http://127.0.0.1:${port(0)}`,
    processes: () => ({
      'lean-intake': intake.pid('lean-intake'),
      ...Object.fromEntries(rest.names.map((n) => [n, rest.pid(n)])),
    }),
    observe,
    async waitForParts(prefix, w) {
      const began = Date.now();
      let last = await observe(prefix);
      let moved = began;
      while (
        last.complete < last.cases &&
        Date.now() - began < w.timeoutMs &&
        Date.now() - moved < w.stallMs
      ) {
        await new Promise((r) => setTimeout(r, 100));
        const next = await observe(prefix);
        if (next.complete !== last.complete) moved = Date.now();
        last = next;
      }
      return { ...last, waitedMs: Date.now() - began };
    },
    async caseIds(limit) {
      const { rows } = await clients.intake.query<{ id: string }>(
        'SELECT id::text AS id FROM stalking_case LIMIT $1',
        [limit],
      );
      return rows.map((r) => r.id);
    },
    async stop() {
      await rest.stop();
      await intake.stop();
    },
  };
}
