import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteNamespaceStreams, repoRoot } from '@stac/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { dropStackDatabases } from '../../stack/src/run-migrations';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { stackEnv } from '../../stack/src/stack-env';
import { rssMb } from './cpu';
import { percentile } from './report';

/**
 * The start-up phase: `pnpm start` itself (pnpm, the build step, the compiled launcher, six services) on
 * the bench's ports, NATS and databases of its own, timed from the spawn to the launcher's "every service
 * is ready" line, then stopped the way Ctrl-C stops it (SIGINT to the whole foreground process group).
 * The first start creates and migrates the databases; the later ones find them migrated, as a
 * developer's next `pnpm start` does ("warm"). RSS of every process is read 2 s after the last start.
 */

export interface StartFigures {
  /** The command spawned (the `start` script through pnpm). */
  readonly command: string;
  /** The first start, on fresh databases (created, every migration applied). */
  readonly firstMs: number;
  /** Every later start (databases already migrated) and their median: the "ready in" figure. */
  readonly warmMs: readonly number[];
  readonly medianMs: number;
  /**
   * CPU time (user + system) every process of the group used from the spawn to ready, ended ones included
   * (build, migrations), median over the warm starts: far less sensitive to other work on the machine
   * than the wall-clock time.
   */
  readonly cpuToReadyMs: number;
  /** From SIGINT to the last process of the group gone, per start. */
  readonly stopMs: readonly number[];
  /** Processes of the group still alive 15 s after SIGINT (killed then); 0 is right. */
  readonly orphans: number;
  /** MB per process of the last start, idle: pnpm, the launcher and every service. */
  readonly rssIdle: Readonly<Record<string, number>>;
}

export interface StartPhaseOptions {
  readonly pgBase: string;
  readonly natsUrl: string;
  readonly sharedNats: boolean;
  readonly portBase: number;
  /** Starts after the first one (the median is taken over these). */
  readonly warmRuns: number;
  readonly log: (line: string) => void;
  readonly registerCleanup: (what: string, fn: () => Promise<void>) => void;
  /** Working directory and command; `pnpm start` in this repository by default. */
  readonly cwd?: string;
  readonly command?: readonly string[];
}

const READY_LINE = '[stack] every service is ready';
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 15_000;

/** Process ids of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** What a process of the `pnpm start` tree is: a service's name, `launcher`, `pnpm`, `build`; undefined for shells. */
export function processRole(cmdline: readonly string[]): string | undefined {
  // The shell pnpm runs the script in names the build and the launcher in its command line: not counted.
  if (/(^|\/)(sh|bash|dash)$/.test(cmdline[0] ?? '')) return undefined;
  const line = cmdline.join(' ');
  const service = /apps\/([a-z-]+)\/dist\/local\/main\.js/.exec(line) ?? /apps\/([a-z-]+)\/src\/main\.ts/.exec(line);
  if (service) return service[1];
  if (/tools\/stack\/(dist\/local\/main\.js|src\/main\.ts)/.test(line)) return 'launcher';
  if (/tools\/stack\/build\.mjs/.test(line)) return 'build';
  if (/migrate\.(js|ts)/.test(line)) return 'migrate';
  if (/\bpnpm\b/.test(line)) return 'pnpm';
  return undefined;
}

function cmdlineOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** CPU ms a process and its reaped children used (utime + stime + cutime + cstime of /proc/<pid>/stat). */
function cpuWithChildrenMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
    return ((f[11] + f[12] + f[13] + f[14]) * 1000) / 100;
  } catch {
    return 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface OneStart {
  readyMs: number;
  cpuMs: number;
  stopMs: number;
  orphans: number;
  rss?: Record<string, number>;
}

/** Process groups of starts under way: killed by the bench's clean-up when it is interrupted mid-start. */
const liveGroups = new Set<number>();

async function startOnce(o: StartPhaseOptions, env: NodeJS.ProcessEnv, measureRss: boolean): Promise<OneStart> {
  const [cmd, ...args] = o.command ?? ['pnpm', 'start'];
  const began = performance.now();
  // A process group of its own, like a terminal's foreground job: Ctrl-C reaches every process in it.
  const child = spawn(cmd, args, { cwd: o.cwd ?? repoRoot(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pgid = child.pid;
  if (!pgid) throw new Error(`start: could not spawn ${cmd}`);
  liveGroups.add(pgid);
  const tail: string[] = [];
  let readyAt: number | undefined;
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      if (readyAt === undefined && line.includes(READY_LINE)) readyAt = performance.now();
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);
  let exited = false;
  child.once('exit', () => (exited = true));
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pgid, signal);
    } catch {
      /* the group is gone */
    }
  };
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (readyAt === undefined) {
      if (exited) throw new Error(`start: \`${[cmd, ...args].join(' ')}\` ended before ready:\n${tail.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`start: not ready after ${READY_TIMEOUT_MS} ms:\n${tail.join('\n')}`);
      await sleep(20);
    }
    const readyMs = readyAt - began;
    // Every process ever started in the group is alive or was reaped by one that is: nothing is missed.
    const cpuMs = groupMembers(pgid).reduce((sum, pid) => sum + cpuWithChildrenMs(pid), 0);
    let rss: Record<string, number> | undefined;
    if (measureRss) {
      await sleep(2000);
      rss = {};
      for (const pid of groupMembers(pgid)) {
        const role = processRole(cmdlineOf(pid));
        const mb = rssMb(pid);
        if (role && mb !== undefined) rss[role] = (rss[role] ?? 0) + mb;
      }
    }
    // Ctrl-C: SIGINT to the whole group; the launcher stops the services it started.
    const stopBegan = performance.now();
    killGroup('SIGINT');
    const stopDeadline = Date.now() + STOP_TIMEOUT_MS;
    while (groupMembers(pgid).length && Date.now() < stopDeadline) await sleep(50);
    const stopMs = performance.now() - stopBegan;
    const orphans = groupMembers(pgid).length;
    if (orphans) killGroup('SIGKILL');
    return { readyMs, cpuMs, stopMs, orphans, rss };
  } catch (e) {
    killGroup('SIGKILL');
    throw e;
  } finally {
    liveGroups.delete(pgid);
  }
}

export async function measureStart(o: StartPhaseOptions): Promise<StartFigures> {
  const id = randomBytes(3).toString('hex');
  const suffix = `_start_${id}`;
  const namespace = `start${id}`;
  o.registerCleanup('stop a pnpm start under way', async () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
  const secrets = mkdtempSync(join(tmpdir(), 'stac-bench-start-'));
  o.registerCleanup('remove the start phase secrets', async () => rmSync(secrets, { recursive: true, force: true }));
  // The same names the launcher derives, for dropping them afterwards.
  const names = stackEnv({ pgBase: o.pgBase, natsUrl: o.natsUrl, databaseSuffix: suffix });
  o.registerCleanup('drop the start phase databases', () => dropStackDatabases(names, o.pgBase));
  if (o.sharedNats)
    o.registerCleanup('delete the start phase event streams', () => deleteNamespaceStreams(o.natsUrl, namespace));

  // The parent's NATS credentials (a compose env) must not reach the bench's open NATS.
  const parent = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^STAC_NATS_/.test(k)));
  const env: NodeJS.ProcessEnv = {
    ...parent,
    STAC_PG_URL: o.pgBase,
    NATS_URL: o.natsUrl,
    NATS_NAMESPACE: namespace,
    STAC_PORT_BASE: String(o.portBase),
    STAC_DATABASE_SUFFIX: suffix,
    AUTH_DEV_ISSUER_DIR: join(secrets, 'dev-issuer'),
    STAC_DATA_KEY_FILE: join(secrets, 'data-key'),
    STAC_CHAIN_KEY_FILE: join(secrets, 'chain-key'),
  };
  const runs: OneStart[] = [];
  const total = 1 + o.warmRuns;
  for (let i = 0; i < total; i++) {
    const run = await startOnce(o, env, i === total - 1);
    runs.push(run);
    o.log(
      `start ${i + 1}/${total}${i === 0 ? ' (fresh databases)' : ''}: ready in ${Math.round(run.readyMs)} ms, ` +
        `CPU ${Math.round(run.cpuMs)} ms, stopped in ${Math.round(run.stopMs)} ms${run.orphans ? `, ${run.orphans} processes left (killed)` : ''}`,
    );
  }
  const warm = runs.slice(1).map((r) => r.readyMs);
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  return {
    command: (o.command ?? ['pnpm', 'start']).join(' '),
    firstMs: runs[0].readyMs,
    warmMs: warm,
    medianMs: warm.length ? median(warm) : runs[0].readyMs,
    cpuToReadyMs: median((warm.length ? runs.slice(1) : runs).map((r) => r.cpuMs)),
    stopMs: runs.map((r) => r.stopMs),
    orphans: runs.reduce((n, r) => n + r.orphans, 0),
    rssIdle: runs[runs.length - 1].rss ?? {},
  };
}
