import { randomBytes } from 'node:crypto';
import { launchServices } from '@stac/testing';
import { createDatabase, databaseUrl, dropDatabase } from './databases';
import { profiling } from './profile';

export interface Baseline {
  readonly url: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface BaselineOptions {
  readonly pgBase: string;
  readonly port: number;
  /** CPU profiles go here when set (see profile.ts). */
  readonly profileDir?: string;
}

/**
 * Starts baseline-server.ts as a child process (the same way, and with the same `node -r
 * @swc-node/register`, as the services) on its own throw-away database. `stop()` ends the process
 * and drops the database; it is safe to call twice.
 */
export async function startBaseline(o: BaselineOptions): Promise<Baseline> {
  const dbUrl = databaseUrl(o.pgBase, `stac_bench_baseline_${randomBytes(3).toString('hex')}`);
  await createDatabase(dbUrl);
  let stopped: Promise<void> | undefined;
  const drop = () => dropDatabase(dbUrl);
  const prof = profiling(o.profileDir);
  let services;
  try {
    services = await launchServices(
      [
        {
          name: 'baseline',
          entry: 'tools/bench/src/baseline-server.ts',
          env: {
            HTTP_HOST: '127.0.0.1',
            HTTP_PORT: String(o.port),
            BENCH_DATABASE_URL: dbUrl,
            ...prof.env('baseline'),
          },
        },
      ],
      { readyTimeoutMs: 30_000, stopGraceMs: 5_000, nodeArgs: prof.nodeArgs },
    );
  } catch (e) {
    await drop();
    throw e;
  }
  const launched = services;
  return {
    url: launched.url('baseline'),
    pid: launched.pid('baseline'),
    stop() {
      stopped ??= (async () => {
        try {
          await launched.stop();
        } finally {
          await drop();
        }
      })();
      return stopped;
    },
  };
}
