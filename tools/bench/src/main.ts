/**
 * `pnpm bench`: the platform's speed figures as ratios against a bare Fastify + pg baseline run in
 * the same process tree (architecture.md §7). See tools/bench/README.md for what it measures and how to read it.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseBenchArgs, USAGE, type BenchOptions } from './args';
import { createBenchIssuer } from './auth';
import { cpuMeter, rssOf } from './cpu';
import { databaseUrl } from './databases';
import { DbWaitSampler, type WaitProfile } from './db-waits';
import { startBaseline } from './baseline';
import { cleanup, cleanupOnSignals, interrupted, onCleanup } from './cleanup';
import { StackProbe } from './lag';
import { findNatsServer, startPrivateNats } from './nats';
import { autocannonLoad, checkOnce, pacedLoad, type LoadResult, type LoadTarget } from './load';
import { formatProfiles, summarizeProfiles, toggleProfiles, waitForProfiles } from './profile';
import { crimeReferencePrefix, referralFactory, RUN_ID } from './referral-body';
import {
  errorSummary,
  evaluateTargets,
  formatReport,
  jsonLine,
  ratio,
  summarizeLag,
  type BenchFigures,
} from './report';
import { DOMAIN_DATABASES, startBenchStack } from './stack';
import { startLeanStack } from './lean/lean-stack';
import type { LagFigures, LeanFigures, ViewFigures } from './report';
import { benchPeopleCount, benchPersonSearch } from './person-search';
import { benchTimeline } from './timeline';
import { measureStart, type StartFigures } from './start-time';

const began = Date.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${line}\n`);

/** A 2xx whose case is not in the bench's intake database was answered by another stack's intake. */
function strayAnswers(what: string, ok: number, stored: number): string[] {
  return stored < ok
    ? [
        `${what}: ${ok} referrals answered 2xx but only ${stored} are in the bench's intake database ` +
          '(another stack answered?)',
      ]
    : [];
}

const statusList = (r: LoadResult) =>
  Object.entries(r.statusCodes)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');

const describe = (r: LoadResult) =>
  `${r.rate.toFixed(1)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ` +
  `${r.non2xx} non-2xx, ${r.errors} errors`;

/**
 * Warm-up (unmeasured), then the measured closed-loop run. The CPU time of `processes` (name -> pid)
 * is measured over the measured run, and with --cpu-prof they are profiled during it.
 */
async function closedLoop(
  name: string,
  target: LoadTarget,
  o: BenchOptions,
  processes: () => Record<string, number | undefined>,
  dbWaits?: DbWaitSampler,
): Promise<LoadResult & { cpuMs: Record<string, number>; dbWaits?: Record<string, WaitProfile> }> {
  if (o.warmup > 0) {
    log(`${name}: warm-up ${o.warmup} s`);
    await autocannonLoad(target, { connections: o.connections, duration: o.warmup });
  }
  log(`${name}: ${o.duration} s at ${o.connections} connections`);
  const cpu = cpuMeter(processes);
  if (o.cpuProf) toggleProfiles(Object.values(processes()));
  cpu.start();
  dbWaits?.start();
  const r = await autocannonLoad(target, { connections: o.connections, duration: o.duration });
  const waits = await dbWaits?.stop();
  const cpuMs = cpu.stop();
  if (o.cpuProf) toggleProfiles(Object.values(processes()));
  log(`${name}: ${describe(r)}`);
  return { ...r, cpuMs, dbWaits: waits };
}

/** Case views over `caseIds`, each request from the next of `users`: closed loop (CPU measured), then paced. */
async function caseViews(
  name: string,
  url: string,
  pathOf: (caseId: string) => string,
  caseIds: readonly string[],
  users: readonly Readonly<Record<string, string>>[],
  o: BenchOptions,
  processes: () => Record<string, number | undefined>,
): Promise<ViewFigures> {
  let i = 0;
  const target: LoadTarget = {
    url,
    method: 'GET',
    path: () => pathOf(caseIds[i % caseIds.length]),
    headers: () => users[i++ % users.length],
  };
  // After an overload (the lag run) a circuit may still be open for a few seconds: wait for a 2xx.
  for (let tries = 0; ; tries++) {
    try {
      await checkOnce(target);
      break;
    } catch (e) {
      if (tries >= 30) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const closed = await closedLoop(`${name} case view`, target, { ...o, connections: o.viewConnections }, processes);
  log(`${name} case view: ${o.viewRate}/s paced for ${o.lagDuration} s`);
  const paced = await pacedLoad(target, { rate: o.viewRate, duration: o.lagDuration });
  log(`${name} case view paced: ${describe(paced)}`);
  return { users: users.length, closed, paced: { ...paced, offeredRate: o.viewRate } };
}

/** Referrals at the lag rate, then the time from each referral to the last of its four agency parts. */
async function lagRun(
  name: string,
  target: LoadTarget,
  o: BenchOptions,
  waitForParts: () => Promise<{ times: readonly { referredAt: number; lastPartAt?: number }[]; waitedMs: number }>,
): Promise<LagFigures> {
  log(`${name} lag: ${o.lagRate}/s for ${o.lagDuration} s (${o.lagDriver})`);
  const load =
    o.lagDriver === 'paced'
      ? await pacedLoad(target, { rate: o.lagRate, duration: o.lagDuration })
      : await autocannonLoad(target, { connections: o.connections, duration: o.lagDuration, overallRate: o.lagRate });
  log(`${name} lag: HTTP ${describe(load)}; waiting for the consumers`);
  const parts = await waitForParts();
  const summary = summarizeLag(parts.times);
  log(`${name} lag: p50 ${summary.p50.toFixed(1)} ms, p99 ${summary.p99.toFixed(1)} ms, ${summary.complete}/${summary.cases} complete`);
  return {
    ...summary,
    offeredRate: o.lagRate,
    achievedRate: load.rate,
    driver: o.lagDriver,
    durationS: o.lagDuration,
    waitedMs: parts.waitedMs,
    http: load,
  };
}

/**
 * The lean comparator (lean/): the same hops written bare, measured the same way as the stack in the same
 * run, then stopped so it does not share the machine with the stack's runs.
 */
async function leanRun(
  o: BenchOptions,
  natsUrl: string,
  issuer: Awaited<ReturnType<typeof createBenchIssuer>>,
  users: readonly Readonly<Record<string, string>>[],
): Promise<LeanFigures> {
  log(`lean: starting the lean comparator on :${o.leanPort}-${o.leanPort + 5}`);
  const undo: (() => Promise<void>)[] = [];
  const lean = await startLeanStack({
    pgBase: o.pgBase,
    natsUrl,
    portBase: o.leanPort,
    devIssuerDir: issuer.dir,
    registerCleanup: (what, fn) => {
      const forget = onCleanup(what, fn);
      undo.unshift(async () => {
        forget();
        await fn();
      });
    },
  });
  try {
    const target = (phase: string): LoadTarget => ({
      url: lean.gatewayUrl,
      path: '/referrals',
      body: referralFactory(phase, { samePeople: o.samePeople }),
      headers: issuer.headers,
    });
    await checkOnce(target('p'));
    const referrals = await closedLoop('lean', target('g'), o, () => lean.processes());
    const drained = await lean.waitForParts('', { timeoutMs: 120_000, stallMs: 20_000 });
    log(`lean consumers: ${drained.complete}/${drained.cases} complete after ${Math.round(drained.waitedMs)} ms`);
    const lag = await lagRun('lean', target('l'), o, () =>
      lean.waitForParts(crimeReferencePrefix('l'), { timeoutMs: 60_000, stallMs: 15_000 }),
    );
    const caseView = await caseViews(
      'lean',
      lean.gatewayUrl,
      (id) => `/cases/${id}`,
      await lean.caseIds(2000),
      users,
      o,
      () => lean.processes(),
    );
    return { referrals, lag, caseView, rssAfterLoad: rssOf(lean.processes()) };
  } finally {
    for (const u of undo) await u().catch(() => undefined);
  }
}

/** The bench's own nats-server unless --shared-nats (or none is installed); its URL. */
async function benchNats(o: BenchOptions, warnings: string[]): Promise<{ url: string; shared: boolean }> {
  const bin = o.sharedNats ? undefined : findNatsServer();
  if (!bin) {
    if (!o.sharedNats)
      warnings.push('no nats-server binary found (BENCH_NATS_SERVER); the stack uses the shared NATS');
    return { url: o.natsUrl, shared: true };
  }
  log(`nats: starting a private nats-server on :${o.natsPort}`);
  const nats = await startPrivateNats(bin, o.natsPort);
  onCleanup('stop the private nats-server', () => nats.stop());
  return { url: nats.url, shared: false };
}

async function run(o: BenchOptions): Promise<{ figures: BenchFigures; profiles?: string }> {
  const warnings: string[] = [];
  const loadAverage = loadavg()[0];
  if (loadAverage > 0.5 * availableParallelism()) {
    warnings.push(
      `the machine was busy when the bench started (load average ${loadAverage.toFixed(1)} on ` +
        `${availableParallelism()} CPUs): other work skews every figure`,
    );
  }
  const profileDir = o.cpuProf ? resolve(o.cpuProf, `run-${RUN_ID}`) : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    log(`CPU profiles of the measured runs go to ${profileDir}`);
  }

  // 1. Baseline, alone on the machine.
  log(`baseline: starting on :${o.baselinePort}`);
  const baseline = await startBaseline({ pgBase: o.pgBase, port: o.baselinePort, profileDir });
  const forgetBaseline = onCleanup('stop the baseline', () => baseline.stop());
  const baselineTarget = { url: baseline.url, path: '/referrals', body: referralFactory('B') };
  await checkOnce(baselineTarget);
  const base = await closedLoop('baseline', baselineTarget, o, () => ({ baseline: baseline.pid }));
  await baseline.stop();
  forgetBaseline();

  // Requests carry real tokens from a dev issuer of the bench's own, as a client of the API would.
  const issuer = await createBenchIssuer();
  onCleanup('remove the bench token issuer', async () => issuer.remove());
  const users = await issuer.users(o.viewUsers);
  const nats = await benchNats(o, warnings);
  for (const w of warnings) log(`warning: ${w}`);

  // 2. `pnpm start` timed to ready and stopped (its own databases and namespace, the stack's ports), alone.
  let start: StartFigures | undefined;
  if (o.startRuns > 0) {
    log(`start: \`pnpm start\` on :${o.stackPort}-${o.stackPort + 5}, a first start then ${o.startRuns} on migrated databases`);
    start = await measureStart({
      pgBase: o.pgBase,
      natsUrl: nats.url,
      sharedNats: nats.shared,
      portBase: o.stackPort,
      warmRuns: o.startRuns,
      log,
      registerCleanup: (what, fn) => void onCleanup(what, fn),
    });
  }

  // 3. The lean comparator: the same hops written bare, alone on the machine.
  const lean = o.noLean ? undefined : await leanRun(o, nats.url, issuer, users);

  // 4. The gateway with the whole stack behind it.
  log(`stack: migrating and starting six services on :${o.stackPort}-${o.stackPort + 5}`);
  const stack = await startBenchStack(
    {
      pgBase: o.pgBase,
      natsUrl: nats.url,
      sharedNats: nats.shared,
      portBase: o.stackPort,
      devIssuerDir: issuer.dir,
      profileDir,
    },
    (what, fn) => void onCleanup(what, fn),
  );
  // Idle: every service started and ready, nothing sent yet.
  await new Promise((r) => setTimeout(r, 2000));
  const rssIdle = rssOf(stack.processes());
  const probe = await StackProbe.open(stack.env);
  onCleanup('close the probe connections', () => probe.close());
  const crashCheck = () => {
    const crash = stack.crashed();
    if (crash) throw new Error(crash);
  };
  const referrals = (phase: string): LoadTarget => ({
    url: stack.gatewayUrl,
    path: '/api/v1/referrals',
    body: referralFactory(phase, { samePeople: o.samePeople }),
    headers: issuer.headers,
  });
  await checkOnce(referrals('P')).catch((e: Error) => {
    throw new Error(`${e.message}\nlast service output:\n${stack.services.logs().slice(-20).join('\n')}`);
  });
  const sampler = await DbWaitSampler.open(
    databaseUrl(o.pgBase, 'postgres'),
    Object.fromEntries(
      DOMAIN_DATABASES.map((s) => [s, new URL(stack.env[s].DATABASE_URL).pathname.slice(1)]),
    ),
  );
  onCleanup('close the wait sampler', () => sampler.close());
  const gw = await closedLoop('gateway', referrals('G'), o, () => stack.processes(), sampler);
  crashCheck();
  warnings.push(...strayAnswers('gateway run', gw.ok, await probe.countCases(crimeReferencePrefix('G'))));
  let profiles: string | undefined;
  if (profileDir) {
    await waitForProfiles(profileDir, 1 + Object.keys(stack.processes()).length);
    profiles = formatProfiles(summarizeProfiles(profileDir), profileDir);
  }

  log('consumers: waiting for every case so far to reach all four services');
  const drain = await probe.waitForParts('', { timeoutMs: 180_000, stallMs: 20_000 });
  log(`consumers: ${drain.complete}/${drain.cases} complete after ${Math.round(drain.waitedMs)} ms`);
  crashCheck();

  // 5. Lag at a fixed offered rate, from a drained state.
  const lagRunFigures = await lagRun('stack', referrals('L'), o, () =>
    probe.waitForParts(crimeReferencePrefix('L'), { timeoutMs: 60_000, stallMs: 15_000 }),
  );
  crashCheck();
  const lagLoad = lagRunFigures.http;
  warnings.push(...strayAnswers('lag run', lagLoad.ok, lagRunFigures.cases));

  // 6. The composed case view, over the cases of the gateway run, from many users.
  const caseView = await caseViews(
    'stack',
    stack.gatewayUrl,
    (id) => `/api/v1/cases/${id}`,
    await probe.caseIds(crimeReferencePrefix('G'), 2000),
    users,
    o,
    () => stack.processes(),
  );
  crashCheck();
  const rssAfterLoad = rssOf(stack.processes());

  // 7. Person search over a large synthetic register and a 500-incident timeline (opt in: BENCH_PEOPLE=<count>).
  const people = benchPeopleCount();
  if (people) {
    await benchPersonSearch(stack, issuer.headers, people, log, databaseUrl(o.pgBase, 'postgres'));
    await benchTimeline(stack, issuer.headers, log);
    crashCheck();
  }
  if (lagRunFigures.complete < lagRunFigures.cases) {
    warnings.push(
      `lag: ${lagRunFigures.cases - lagRunFigures.complete} cases still missing parts after ${Math.round(lagRunFigures.waitedMs)} ms`,
    );
  }
  for (const [name, r] of [
    ['baseline run', base],
    ['gateway run', gw],
    ['lag run', lagLoad],
    ['case view run', caseView.closed],
    ['paced case view run', caseView.paced],
    ...(lean
      ? ([
          ['lean referral run', lean.referrals],
          ['lean lag run', lean.lag.http],
          ['lean case view run', lean.caseView.closed],
        ] as const)
      : []),
  ] as const) {
    if (r.non2xx || r.errors)
      warnings.push(`${name}: ${r.non2xx} non-2xx (${statusList(r)}), ${r.errors} errors`);
  }

  if (gw.non2xx || lagLoad.non2xx || gw.errors || lagLoad.errors) {
    warnings.push(...errorSummary(stack.services.logs()).map((e) => `service log: ${e}`));
  }

  const gateway = { ...gw, ratio: ratio(gw.rate, base.rate) };
  const lag = lagRunFigures;
  const rss = { idle: rssIdle, afterLoad: rssAfterLoad };
  const figures: BenchFigures = {
    meta: {
      runId: RUN_ID,
      node: process.version,
      cpus: availableParallelism(),
      durationS: o.duration,
      warmupS: o.warmup,
      connections: o.connections,
      loadAverage,
      people: o.samePeople ? 'same' : 'varied',
    },
    baseline: base,
    gateway,
    drain: { cases: drain.cases, complete: drain.complete, waitedMs: drain.waitedMs },
    lag,
    caseView,
    rss,
    lean,
    start,
    targets: evaluateTargets({ gateway, lag, caseView, rss, lean, start }),
    warnings,
  };
  return { figures, profiles };
}

async function main(): Promise<number> {
  let o: BenchOptions | undefined;
  try {
    o = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (!o) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  cleanupOnSignals(log);
  try {
    const { figures, profiles } = await run(o);
    process.stdout.write(`\n${formatReport(figures)}\n`);
    if (profiles) process.stdout.write(`\n${profiles}\n`);
    if (o.json) process.stdout.write(`${jsonLine(figures)}\n`);
    // A missed target is reported, never an error.
    return 0;
  } catch (e) {
    // After Ctrl-C the failure is only the interruption itself (children killed under the bench).
    if (!interrupted()) log(`failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    log('cleaning up: stopping processes, dropping databases');
    await cleanup(log);
  }
}

void main().then((code) => process.exit(code));
