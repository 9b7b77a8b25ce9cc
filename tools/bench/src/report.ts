/**
 * Pure figures and formatting of the bench: percentiles, the ratio to the baseline, the targets and
 * the human and JSON reports. No I/O here (report.spec.ts covers it).
 */
import type { StartFigures } from './start-time';

/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** a / b, or 0 when b is not positive (no baseline means no ratio, not Infinity). */
export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

const n1 = (x: number) => x.toFixed(1);
const n2 = (x: number) => x.toFixed(2);
const int = (x: number) => String(Math.round(x));

export interface LoadFigures {
  /** 2xx answers per second. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly sent: number;
  /** 2xx answers. */
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly durationS: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /** CPU ms each server process used during the measured run (Linux /proc; Postgres and NATS not included). */
  readonly cpuMs?: Readonly<Record<string, number>>;
  /** Per database: average number of its connections in each state during the run (see db-waits.ts). */
  readonly dbWaits?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface LagSummary {
  readonly cases: number;
  /** Cases with all four downstream parts; only these have a lag. */
  readonly complete: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LagFigures extends LagSummary {
  readonly offeredRate: number;
  /** 2xx answers per second actually achieved by the driver. */
  readonly achievedRate: number;
  readonly driver: string;
  readonly durationS: number;
  /** How long the bench waited after the load for the consumers to finish. */
  readonly waitedMs: number;
  /** The HTTP side of the same run. */
  readonly http: LoadFigures;
}

/** A case view run: closed loop over many users, then paced at a fixed rate. */
export interface ViewFigures {
  readonly users: number;
  readonly closed: LoadFigures;
  readonly paced: LoadFigures & { readonly offeredRate: number };
}

/** The lean comparator's figures from the same run (see lean/lean-common.ts). */
export interface LeanFigures {
  readonly referrals: LoadFigures;
  readonly lag: LagFigures;
  readonly caseView: ViewFigures;
  /** MB per process after its load. */
  readonly rssAfterLoad: Readonly<Record<string, number>>;
}

export interface Target {
  readonly id:
    | 'gateway-rate-ratio'
    | 'gateway-p99'
    | 'lag-p99'
    | 'lag-http'
    | 'cpu-per-referral-vs-lean'
    | 'cpu-per-view-vs-lean'
    | 'view-paced-p99'
    | 'rss-after-load'
    | 'start-ready';
  readonly label: string;
  readonly value: number;
  readonly unit: '%' | 'ms' | 'x' | 'MB' | 's';
  readonly pass: boolean;
  readonly note?: string;
}

export interface BenchFigures {
  readonly meta: {
    readonly runId: string;
    readonly node: string;
    readonly cpus: number;
    readonly durationS: number;
    readonly warmupS: number;
    readonly connections: number;
    /** 1-minute load average when the bench started: other work on the machine skews every figure. */
    readonly loadAverage: number;
    /** Whether referrals name varied people (as a register does) or always the same two. */
    readonly people: 'varied' | 'same';
  };
  readonly baseline: LoadFigures;
  readonly gateway: LoadFigures & { readonly ratio: number };
  /** Consumers catching up after the gateway run (all cases of the run). */
  readonly drain: { readonly cases: number; readonly complete: number; readonly waitedMs: number };
  readonly lag: LagFigures;
  /** The composed case view through the gateway. */
  readonly caseView?: ViewFigures;
  /** MB per process of the stack: idle after start, and after every load. */
  readonly rss?: { readonly idle: Readonly<Record<string, number>>; readonly afterLoad: Readonly<Record<string, number>> };
  readonly lean?: LeanFigures;
  /** `pnpm start` timed to ready, stopped, and its processes' RSS (start-time.ts). */
  readonly start?: StartFigures;
  readonly targets: readonly Target[];
  readonly warnings: readonly string[];
}

export const TARGETS = {
  gatewayRatio: 0.25,
  gatewayP99Ms: 50,
  lagP99Ms: 100,
  lagHttpP99Ms: 50,
  cpuPerReferralVsLean: 3,
  cpuPerViewVsLean: 2,
  viewPacedP99Ms: 25,
  rssAfterLoadMb: 600,
  startReadyMs: 6000,
} as const;

const sum = (r: Readonly<Record<string, number>> | undefined) => Object.values(r ?? {}).reduce((a, b) => a + b, 0);

/** Lag per case (last downstream part minus referral), in ms; cases missing a part are only counted. */
export function summarizeLag(times: readonly { referredAt: number; lastPartAt?: number }[]): LagSummary {
  const lags = times
    .filter((t): t is { referredAt: number; lastPartAt: number } => t.lastPartAt !== undefined)
    .map((t) => t.lastPartAt - t.referredAt)
    .sort((a, b) => a - b);
  return {
    cases: times.length,
    complete: lags.length,
    p50: percentile(lags, 50),
    p99: percentile(lags, 99),
    max: lags.length ? lags[lags.length - 1] : 0,
  };
}

export function evaluateTargets(f: Pick<BenchFigures, 'gateway' | 'lag' | 'caseView' | 'lean' | 'rss' | 'start'>): Target[] {
  const incomplete = f.lag.cases - f.lag.complete;
  const targets: Target[] = [
    {
      id: 'gateway-rate-ratio',
      label: `gateway rate >= ${TARGETS.gatewayRatio * 100}% of baseline`,
      value: f.gateway.ratio * 100,
      unit: '%',
      pass: f.gateway.ratio >= TARGETS.gatewayRatio,
    },
    {
      id: 'gateway-p99',
      label: `gateway p99 < ${TARGETS.gatewayP99Ms} ms`,
      value: f.gateway.p99,
      unit: 'ms',
      pass: f.gateway.p99 < TARGETS.gatewayP99Ms,
    },
    {
      id: 'lag-p99',
      label: `lag p99 < ${TARGETS.lagP99Ms} ms at ${f.lag.offeredRate}/s`,
      value: f.lag.p99,
      unit: 'ms',
      pass: f.lag.complete > 0 && incomplete === 0 && f.lag.p99 < TARGETS.lagP99Ms,
      note: incomplete > 0 ? `${incomplete} of ${f.lag.cases} cases incomplete` : undefined,
    },
    {
      id: 'lag-http',
      label: `every referral 2xx, HTTP p99 < ${TARGETS.lagHttpP99Ms} ms at ${f.lag.offeredRate}/s`,
      value: f.lag.http.p99,
      unit: 'ms',
      pass: f.lag.http.non2xx === 0 && f.lag.http.errors === 0 && f.lag.http.p99 < TARGETS.lagHttpP99Ms,
      note: f.lag.http.non2xx || f.lag.http.errors ? `${f.lag.http.non2xx} non-2xx, ${f.lag.http.errors} errors` : undefined,
    },
  ];
  const stackCpu = cpuPerAnswer(f.gateway);
  const leanCpu = f.lean ? cpuPerAnswer(f.lean.referrals) : undefined;
  if (stackCpu && leanCpu) {
    const x = ratio(stackCpu.total, leanCpu.total);
    targets.push({
      id: 'cpu-per-referral-vs-lean',
      label: `Node CPU per referral <= ${TARGETS.cpuPerReferralVsLean}x lean`,
      value: x,
      unit: 'x',
      pass: x <= TARGETS.cpuPerReferralVsLean,
      note: `${n2(stackCpu.total)} ms vs ${n2(leanCpu.total)} ms`,
    });
  }
  const viewCpu = f.caseView ? cpuPerAnswer(f.caseView.closed) : undefined;
  const leanViewCpu = f.lean ? cpuPerAnswer(f.lean.caseView.closed) : undefined;
  if (viewCpu && leanViewCpu) {
    const x = ratio(viewCpu.total, leanViewCpu.total);
    targets.push({
      id: 'cpu-per-view-vs-lean',
      label: `Node CPU per case view <= ${TARGETS.cpuPerViewVsLean}x lean`,
      value: x,
      unit: 'x',
      pass: x <= TARGETS.cpuPerViewVsLean,
      note: `${n2(viewCpu.total)} ms vs ${n2(leanViewCpu.total)} ms`,
    });
  }
  if (f.caseView) {
    const p = f.caseView.paced;
    targets.push({
      id: 'view-paced-p99',
      label: `case view p99 < ${TARGETS.viewPacedP99Ms} ms at ${p.offeredRate}/s`,
      value: p.p99,
      unit: 'ms',
      pass: p.non2xx === 0 && p.errors === 0 && p.p99 < TARGETS.viewPacedP99Ms,
      note: p.non2xx || p.errors ? `${p.non2xx} non-2xx, ${p.errors} errors` : undefined,
    });
  }
  if (f.rss) {
    const total = sum(f.rss.afterLoad);
    targets.push({
      id: 'rss-after-load',
      label: `stack RSS after load < ${TARGETS.rssAfterLoadMb} MB`,
      value: total,
      unit: 'MB',
      pass: total < TARGETS.rssAfterLoadMb,
    });
  }
  if (f.start) {
    targets.push({
      id: 'start-ready',
      label: `pnpm start ready < ${TARGETS.startReadyMs / 1000} s (median, migrated)`,
      value: f.start.medianMs / 1000,
      unit: 's',
      pass: f.start.medianMs < TARGETS.startReadyMs && f.start.orphans === 0,
      note: f.start.orphans ? `${f.start.orphans} processes left after Ctrl-C` : undefined,
    });
  }
  return targets;
}

/** Server CPU per 2xx answer, in ms: the total and per process, busiest first; undefined without figures. */
export function cpuPerAnswer(
  l: Pick<LoadFigures, 'cpuMs' | 'ok'>,
): { total: number; byProcess: { name: string; ms: number }[] } | undefined {
  if (!l.cpuMs || !l.ok || !Object.keys(l.cpuMs).length) return undefined;
  const byProcess = Object.entries(l.cpuMs)
    .map(([name, ms]) => ({ name, ms: ms / l.ok }))
    .sort((a, b) => b.ms - a.ms);
  return { total: byProcess.reduce((t, p) => t + p.ms, 0), byProcess };
}


/** Left-aligns the first column, right-aligns the rest. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map(
      (r) =>
        indent +
        r
          .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
          .join('   ')
          .trimEnd(),
    )
    .join('\n');
}

function loadRow(name: string, l: LoadFigures): string[] {
  return [name, n1(l.rate), n1(l.p50), n1(l.p99), n1(l.max), int(l.non2xx), int(l.errors)];
}

function cpuLines(f: BenchFigures): string[] {
  const base = cpuPerAnswer(f.baseline);
  const gw = cpuPerAnswer(f.gateway);
  const lean = f.lean ? cpuPerAnswer(f.lean.referrals) : undefined;
  const view = f.caseView ? cpuPerAnswer(f.caseView.closed) : undefined;
  const leanView = f.lean ? cpuPerAnswer(f.lean.caseView.closed) : undefined;
  if (!base && !gw) return [];
  const parts = (c: { byProcess: { name: string; ms: number }[] }) => c.byProcess.map((p) => `${p.name} ${n2(p.ms)}`).join(', ');
  const lines = ['', '  Node CPU per 2xx answer (node processes; Postgres and NATS not counted)'];
  if (base) lines.push(`    baseline insert   ${n2(base.total)} ms`);
  if (lean) lines.push(`    lean referral     ${n2(lean.total)} ms: ${parts(lean)}`);
  if (gw) {
    const vs = lean ? `${n1(ratio(gw.total, lean.total))}x lean` : `${n1(ratio(gw.total, base?.total ?? 0))}x baseline`;
    lines.push(`    stack referral    ${n2(gw.total)} ms (${vs}): ${parts(gw)}`);
  }
  if (leanView) lines.push(`    lean case view    ${n2(leanView.total)} ms: ${parts(leanView)}`);
  if (view) {
    const vs = leanView ? ` (${n1(ratio(view.total, leanView.total))}x lean)` : '';
    lines.push(`    stack case view   ${n2(view.total)} ms${vs}: ${parts(view)}`);
  }
  return lines;
}

function viewLines(f: BenchFigures): string[] {
  const rows: string[][] = [];
  if (f.lean) {
    rows.push(loadRow('lean   GET /cases/:id, closed loop', f.lean.caseView.closed));
    rows.push(loadRow(`lean   GET /cases/:id, ${f.lean.caseView.paced.offeredRate}/s paced`, f.lean.caseView.paced));
  }
  if (f.caseView) {
    rows.push(loadRow('stack  GET /api/v1/cases/:id, closed loop', f.caseView.closed));
    rows.push(loadRow(`stack  GET /api/v1/cases/:id, ${f.caseView.paced.offeredRate}/s paced`, f.caseView.paced));
  }
  if (!rows.length) return [];
  const users = f.caseView?.users ?? f.lean?.caseView.users;
  return ['', `  case view (composed from five services; ${users} users)`, table([['', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'], ...rows])];
}

function rssLines(f: BenchFigures): string[] {
  if (!f.rss && !f.lean) return [];
  const fmt = (r: Readonly<Record<string, number>>) =>
    `${int(sum(r))} MB (${Object.entries(r)
      .map(([n, mb]) => `${n} ${int(mb)}`)
      .join(', ')})`;
  const lines = ['', '  resident memory'];
  if (f.rss) lines.push(`    stack idle         ${fmt(f.rss.idle)}`, `    stack after load   ${fmt(f.rss.afterLoad)}`);
  if (f.lean) lines.push(`    lean after load    ${fmt(f.lean.rssAfterLoad)}`);
  return lines;
}

function startLines(f: BenchFigures): string[] {
  const s = f.start;
  if (!s) return [];
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rss = Object.entries(s.rssIdle);
  return [
    '',
    `  start-up (\`${s.command}\` to "every service is ready", then Ctrl-C)`,
    `    ready              ${secs(s.medianMs)} median of ${s.warmMs.length} (${s.warmMs.map(secs).join(', ')}); first start, fresh databases ${secs(s.firstMs)}`,
    `    CPU to ready       ${secs(s.cpuToReadyMs)} (every process of the group, build and migrations included; median)`,
    `    stopped            ${s.stopMs.map(secs).join(', ')}; ${s.orphans} processes left`,
    `    idle RSS           ${int(sum(s.rssIdle))} MB (${rss.map(([n, mb]) => `${n} ${int(mb)}`).join(', ')})`,
  ];
}

function dbWaitLines(f: BenchFigures): string[] {
  const waits = f.gateway.dbWaits;
  if (!waits || !Object.keys(waits).length) return [];
  const width = Math.max(...Object.keys(waits).map((k) => k.length));
  return [
    '',
    '  Postgres connections during the gateway run (average number in each state; idle pool not counted)',
    ...Object.entries(waits).map(
      ([db, states]) =>
        `    ${db.padEnd(width)}  ${
          Object.entries(states)
            .filter(([, n]) => n >= 0.05)
            .map(([state, n]) => `${n1(n)} ${state}`)
            .join(', ') || '-'
        }`,
    ),
  ];
}

export function formatReport(f: BenchFigures): string {
  const m = f.meta;
  const lines: string[] = [];
  lines.push(
    `S-TAC bench  run ${m.runId}  node ${m.node}  ${m.cpus} CPUs  ` +
      `${m.durationS} s x ${m.connections} connections${m.warmupS ? ` after ${m.warmupS} s warm-up` : ''}  ` +
      `load ${m.loadAverage.toFixed(1)} at start${m.people === 'same' ? '  same people in every referral' : ''}`,
    '',
    table([
      ['', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'],
      loadRow('baseline  fastify + pg insert', f.baseline),
      ...(f.lean ? [loadRow('lean      POST /referrals (same hops, bare)', f.lean.referrals)] : []),
      loadRow('gateway   POST /api/v1/referrals', f.gateway),
      ['gateway / baseline', `${n1(f.gateway.ratio * 100)}%`],
    ]),
    ...cpuLines(f),
    ...viewLines(f),
    ...rssLines(f),
    ...startLines(f),
    ...dbWaitLines(f),
    '',
    `  consumers caught up ${int(f.drain.waitedMs)} ms after the gateway run ` +
      `(${f.drain.complete}/${f.drain.cases} cases with all four parts)`,
    '',
    `  lag at ${f.lag.offeredRate}/s offered (${f.lag.driver}, ${f.lag.durationS} s): achieved ${n1(f.lag.achievedRate)}/s, ` +
      `${f.lag.complete}/${f.lag.cases} cases with all four parts`,
    table([
      ['', 'p50 ms', 'p99 ms', 'max ms'],
      ['referred -> last of four parts', n1(f.lag.p50), n1(f.lag.p99), n1(f.lag.max)],
      ['HTTP answer', n1(f.lag.http.p50), n1(f.lag.http.p99), n1(f.lag.http.max)],
      ...(f.lean
        ? [
            ['lean: referred -> last of four parts', n1(f.lean.lag.p50), n1(f.lean.lag.p99), n1(f.lean.lag.max)],
            ['lean: HTTP answer', n1(f.lean.lag.http.p50), n1(f.lean.lag.http.p99), n1(f.lean.lag.http.max)],
          ]
        : []),
    ]),
    '',
    '  targets',
    table(
      f.targets.map((t) => [
        t.label,
        t.unit === '%'
          ? `${n1(t.value)}%`
          : t.unit === 'x'
            ? `${n1(t.value)}x`
            : t.unit === 's'
              ? `${n2(t.value)} s`
              : `${n1(t.value)} ${t.unit}`,
        t.pass ? 'PASS' : 'MISS',
        t.note ?? '',
      ]),
      '    ',
    ),
  );
  if (f.warnings.length) lines.push('', ...f.warnings.map((w) => `  warning: ${w}`));
  return lines.join('\n');
}

/** The figures as one line of JSON (numbers rounded to 0.1, the ratio to 0.0001). */
export function jsonLine(f: BenchFigures): string {
  return JSON.stringify(f, (k, v: unknown) => {
    if (typeof v !== 'number' || Number.isInteger(v)) return v;
    // The ratio is a fraction (0.007 is 0.7%): keep four decimals.
    return k === 'ratio' ? Math.round(v * 10_000) / 10_000 : Math.round(v * 10) / 10;
  });
}

/**
 * Groups the services' error and fatal log lines (`[name]  {pino json}`) by service, message, error
 * type and code: what went wrong when answers were not 2xx. Busiest first, at most `top`.
 */
export function errorSummary(lines: readonly string[], top = 6): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const m = line.match(/^\[([^\]]+)\]\s+(\{.*\})\s*$/);
    if (!m) continue;
    let entry: {
      level?: string | number;
      msg?: string;
      status?: number;
      err?: { type?: string; code?: string };
    };
    try {
      entry = JSON.parse(m[2]);
    } catch {
      continue;
    }
    if (!['error', 'fatal', 50, 60].includes(entry.level as string | number)) continue;
    const detail = [
      entry.err?.type,
      entry.err?.code,
      entry.status !== undefined ? `status ${entry.status}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    const key = `${m[1]}: ${entry.msg ?? '(no message)'}${detail ? ` (${detail})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, n]) => `${key} x${n}`);
}
