import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Preload that lets the bench start and stop a CPU profile in a child with SIGWINCH. */
export const PROFILE_HOOK = join(__dirname, 'profile-hook.cjs');

/** Node flags and env of a child process that the bench may profile into `dir`. */
export function profiling(dir: string | undefined): {
  nodeArgs?: string[];
  env: (name: string) => Record<string, string>;
} {
  if (!dir) return { env: () => ({}) };
  return {
    nodeArgs: ['-r', PROFILE_HOOK],
    env: (name) => ({ BENCH_CPU_PROF_DIR: dir, BENCH_CPU_PROF_NAME: name }),
  };
}

/** Starts (first call) or stops and writes (second call) the profile of each process. */
export function toggleProfiles(pids: readonly (number | undefined)[]): void {
  for (const pid of pids) if (pid) process.kill(pid, 'SIGWINCH');
}

/** Waits until `count` profiles are in `dir` (they are written asynchronously after the stop). */
export async function waitForProfiles(dir: string, count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const n = () => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).length : 0);
  while (n() < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** The parts of a V8 `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly process: string;
  /** Wall time sampled and the part of it not idle, in ms. */
  readonly sampledMs: number;
  readonly busyMs: number;
  /** Self time by package (node_modules package, node: built-in, repo project, gc, program), busiest first. */
  readonly byPackage: readonly { readonly name: string; readonly ms: number }[];
  /** Self time by function, busiest first. */
  readonly byFunction: readonly { readonly name: string; readonly ms: number }[];
}

/** Where a frame's code lives: `typeorm`, `@nestjs/core`, `node:net`, `libs/messaging`, ... */
export function packageOf(url: string): string {
  if (!url) return '(native)';
  const m = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const repo = url.match(/\/((?:apps|libs|tools)\/[^/]+)\//);
  return repo ? repo[1] : url;
}

export function summarizeProfile(processName: string, p: CpuProfile, top = 12): ProfileSummary {
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // The first delta runs from the profile's start time to the first sample: the profiler starting up.
  p.samples.forEach((id, i) => {
    if (i > 0) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  for (const [id, us] of self) {
    sampled += us;
    const f = nodes.get(id)?.callFrame;
    if (!f || f.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const special = ['(garbage collector)', '(program)'].includes(f.functionName);
    const pkg = special ? f.functionName : packageOf(f.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn =
      `${f.functionName || '(anonymous)'} ${special ? '' : `${pkg}${f.url ? `:${f.lineNumber + 1}` : ''}`}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const ranked = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000 }));
  return {
    process: processName,
    sampledMs: sampled / 1000,
    busyMs: (sampled - idle) / 1000,
    byPackage: ranked(byPackage),
    byFunction: ranked(byFunction),
  };
}

/** The first profile of each process (`<name>-<pid>.cpuprofile`; later ones are `<name>-<pid>.<n>.cpuprofile`). */
const FIRST_PROFILE = /-\d+\.cpuprofile$/;

/** Summaries of every process's first profile (`<name>-<pid>.cpuprofile`) in `dir`, busiest process first. */
export function summarizeProfiles(dir: string, top = 12): ProfileSummary[] {
  return readdirSync(dir)
    .filter((f) => FIRST_PROFILE.test(f))
    .map((f) =>
      summarizeProfile(
        f.replace(FIRST_PROFILE, ''),
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile,
        top,
      ),
    )
    .sort((a, b) => b.busyMs - a.busyMs);
}

export function formatProfiles(summaries: readonly ProfileSummary[], dir: string): string {
  const lines = [`  where the time goes during the measured gateway run (CPU profiles in ${dir})`];
  for (const s of summaries) {
    lines.push(
      '',
      `  ${s.process}: busy ${Math.round(s.busyMs)} ms of ${Math.round(s.sampledMs)} ms (${Math.round((100 * s.busyMs) / Math.max(1, s.sampledMs))}%)`,
    );
    const pct = (ms: number) => `${((100 * ms) / Math.max(1, s.busyMs)).toFixed(1).padStart(5)}%`;
    lines.push(
      `    by package:  ${s.byPackage
        .slice(0, 8)
        .map((p) => `${p.name} ${pct(p.ms).trim()}`)
        .join(', ')}`,
    );
    for (const f of s.byFunction.slice(0, 6)) lines.push(`    ${pct(f.ms)}  ${f.name}`);
  }
  return lines.join('\n');
}
