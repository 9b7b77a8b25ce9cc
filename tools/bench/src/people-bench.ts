/**
 * `BENCH_PEOPLE=1000000 node -r @swc-node/register tools/bench/src/people-bench.ts`: a bench stack on the
 * shared NATS (BENCH_PORT_BASE, default 4400) running only the person search and timeline benches, then
 * clean-up. `pnpm bench` runs the same two after its own phases when BENCH_PEOPLE is set.
 */
import { performance } from 'node:perf_hooks';
import { createBenchIssuer } from './auth';
import { cleanup, cleanupOnSignals, onCleanup } from './cleanup';
import { databaseUrl } from './databases';
import { benchPeopleCount, benchPersonSearch } from './person-search';
import { startBenchStack } from './stack';
import { benchTimeline } from './timeline';

async function standalone(): Promise<number> {
  const began = performance.now();
  const log = (l: string) =>
    process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1).padStart(6)}s] ${l}\n`);
  cleanupOnSignals(log);
  try {
    const people = benchPeopleCount({ BENCH_PEOPLE: '1000000', ...process.env })!;
    const issuer = await createBenchIssuer();
    onCleanup('remove the bench token issuer', async () => issuer.remove());
    const pgBase = process.env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432';
    const stack = await startBenchStack(
      {
        pgBase,
        natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222',
        portBase: Number(process.env.BENCH_PORT_BASE || 4400),
        devIssuerDir: issuer.dir,
        sharedNats: true,
      },
      (what, fn) => void onCleanup(what, fn),
    );
    const search = await benchPersonSearch(stack, issuer.headers, people, log, databaseUrl(pgBase, 'postgres'));
    const timeline = await benchTimeline(stack, issuer.headers, log);
    process.stdout.write(`${JSON.stringify({ personSearch: search, timeline })}\n`);
    return 0;
  } catch (e) {
    log(`failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    await cleanup(log);
  }
}

if (require.main === module) void standalone().then((code) => process.exit(code));
