import {
  cpuPerAnswer,
  errorSummary,
  evaluateTargets,
  formatReport,
  jsonLine,
  percentile,
  ratio,
  summarizeLag,
  table,
  type BenchFigures,
  type LoadFigures,
} from './report';

const load = (o: Partial<LoadFigures> = {}): LoadFigures => ({
  rate: 1000,
  p50: 10,
  p99: 20,
  max: 30,
  sent: 10_000,
  ok: 10_000,
  non2xx: 0,
  errors: 0,
  durationS: 10,
  statusCodes: { 201: 10_000 },
  ...o,
});

function figures(
  o: {
    gateway?: Partial<LoadFigures>;
    baseline?: Partial<LoadFigures>;
    lagTimes?: { referredAt: number; lastPartAt?: number }[];
  } = {},
): BenchFigures {
  const baseline = load({ rate: 4000, ...o.baseline });
  const gw = load({ rate: 1200, p99: 40, ...o.gateway });
  const gateway = { ...gw, ratio: ratio(gw.rate, baseline.rate) };
  const lagTimes =
    o.lagTimes ?? Array.from({ length: 100 }, (_, i) => ({ referredAt: 1000, lastPartAt: 1000 + i + 1 }));
  const lag = {
    ...summarizeLag(lagTimes),
    offeredRate: 200,
    achievedRate: 199.5,
    driver: 'paced',
    durationS: 10,
    waitedMs: 300,
    http: load({ rate: 199.5, p50: 8, p99: 15 }),
  };
  return {
    meta: {
      runId: 'abc123',
      node: 'v20.20.0',
      cpus: 2,
      durationS: 10,
      warmupS: 2,
      connections: 32,
      loadAverage: 0.2,
      people: 'varied',
    },
    baseline,
    gateway,
    drain: { cases: 12_000, complete: 12_000, waitedMs: 1500 },
    lag,
    targets: evaluateTargets({ gateway, lag }),
    warnings: [],
  };
}

describe('percentile (nearest rank)', () => {
  const xs = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100

  it('picks the value at rank ceil(p/100 * n)', () => {
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([5, 7, 9], 50)).toBe(7);
    expect(percentile([5, 7, 9], 99)).toBe(9);
  });

  it('is the minimum at p0, the only value of a single sample, and 0 for no samples', () => {
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('ratio', () => {
  it('divides, and is 0 rather than Infinity or NaN without a baseline', () => {
    expect(ratio(250, 1000)).toBe(0.25);
    expect(ratio(10, 0)).toBe(0);
    expect(ratio(0, 0)).toBe(0);
  });
});

describe('cpuPerAnswer', () => {
  it('divides each process CPU by the 2xx answers and sums them, busiest first', () => {
    expect(cpuPerAnswer({ ok: 100, cpuMs: { gateway: 300, intake: 500 } })).toEqual({
      total: 8,
      byProcess: [
        { name: 'intake', ms: 5 },
        { name: 'gateway', ms: 3 },
      ],
    });
  });

  it('has no figure without CPU times or without answers', () => {
    expect(cpuPerAnswer({ ok: 100 })).toBeUndefined();
    expect(cpuPerAnswer({ ok: 0, cpuMs: { gateway: 1 } })).toBeUndefined();
  });
});

describe('summarizeLag', () => {
  it('measures referral to last part per case and counts incomplete cases without a lag', () => {
    const s = summarizeLag([
      { referredAt: 1000, lastPartAt: 1030 },
      { referredAt: 2000, lastPartAt: 2010 },
      { referredAt: 3000, lastPartAt: 3500 },
      { referredAt: 4000 },
    ]);
    expect(s).toEqual({ cases: 4, complete: 3, p50: 30, p99: 500, max: 500 });
  });

  it('is all zeros with nothing complete', () => {
    expect(summarizeLag([{ referredAt: 1 }])).toEqual({ cases: 1, complete: 0, p50: 0, p99: 0, max: 0 });
  });
});

describe('evaluateTargets', () => {
  const byId = (f: BenchFigures) => Object.fromEntries(f.targets.map((t) => [t.id, t]));

  it('passes at 30% of baseline, p99 40 ms and lag p99 under 250 ms', () => {
    const t = byId(figures());
    expect(t['gateway-rate-ratio']).toMatchObject({ value: 30, pass: true });
    expect(t['gateway-p99']).toMatchObject({ value: 40, pass: true });
    expect(t['lag-p99']).toMatchObject({ value: 99, pass: true });
  });

  it('misses on each threshold exactly at the boundary', () => {
    const t = byId(
      figures({ gateway: { rate: 999, p99: 50 }, lagTimes: [{ referredAt: 0, lastPartAt: 250 }] }),
    );
    expect(t['gateway-rate-ratio'].pass).toBe(false);
    expect(t['gateway-p99'].pass).toBe(false);
    expect(t['lag-p99'].pass).toBe(false);
    expect(byId(figures({ gateway: { rate: 1000 } }))['gateway-rate-ratio'].pass).toBe(true);
  });

  it('misses the lag target when a case never got all four parts, however fast the others were', () => {
    const t = byId(figures({ lagTimes: [{ referredAt: 0, lastPartAt: 5 }, { referredAt: 0 }] }));
    expect(t['lag-p99']).toMatchObject({ pass: false, note: '1 of 2 cases incomplete' });
  });
});

describe('table', () => {
  it('left-aligns the first column and right-aligns the others', () => {
    expect(
      table(
        [
          ['a', '1', 'x'],
          ['bbb', '22', 'yy'],
        ],
        '',
      ),
    ).toBe('a      1    x\nbbb   22   yy');
  });
});

describe('formatReport', () => {
  it('shows every figure with pass/miss beside each target', () => {
    const out = formatReport(figures({ gateway: { rate: 800, p99: 80 } }));
    expect(out).toContain('run abc123');
    expect(out).toMatch(/baseline {2}fastify \+ pg insert\s+4000\.0\s+10\.0\s+20\.0\s+30\.0\s+0\s+0/);
    expect(out).toMatch(/gateway {3}POST \/api\/v1\/referrals\s+800\.0\s+10\.0\s+80\.0/);
    expect(out).toContain('gateway / baseline');
    expect(out).toContain('20.0%');
    expect(out).toMatch(/lag at 200\/s offered \(paced, 10 s\): achieved 199\.5\/s, 100\/100 cases/);
    expect(out).toMatch(/referred -> last of four parts\s+50\.0\s+99\.0\s+100\.0/);
    expect(out).toMatch(/gateway rate >= 25% of baseline\s+20\.0%\s+MISS/);
    expect(out).toMatch(/gateway p99 < 50 ms\s+80\.0 ms\s+MISS/);
    expect(out).toMatch(/lag p99 < 100 ms at 200\/s\s+99\.0 ms\s+PASS/);
  });

  it('shows the CPU per answer of the baseline and of the stack by process when measured', () => {
    const f = figures({
      baseline: { cpuMs: { baseline: 2_000 } },
      gateway: { cpuMs: { gateway: 30_000, intake: 50_000 } },
    });
    const out = formatReport(f);
    expect(out).toContain('baseline insert   0.20 ms');
    expect(out).toContain('stack referral    8.00 ms (40.0x baseline): intake 5.00, gateway 3.00');
    expect(formatReport(figures())).not.toContain('CPU per 2xx');
  });

  it('reads the stack against the lean comparator of the same run: CPU per referral and per case view, memory', () => {
    const view = (cpuMs: Record<string, number>) => ({
      users: 40,
      closed: { ...figures().baseline, ok: 1_000, cpuMs },
      paced: { ...figures().baseline, p99: 30, offeredRate: 100 },
    });
    const base = figures({ gateway: { cpuMs: { gateway: 30_000, intake: 50_000 } } });
    const f = {
      ...base,
      caseView: view({ gateway: 3_000, intake: 2_000 }),
      rss: { idle: { gateway: 100, intake: 120 }, afterLoad: { gateway: 300, intake: 350 } },
      lean: {
        referrals: { ...base.baseline, ok: 10_000, cpuMs: { 'lean-intake': 5_000, 'lean-gateway': 5_000 } },
        lag: base.lag,
        caseView: view({ 'lean-gateway': 1_000, 'lean-intake': 1_500 }),
        rssAfterLoad: { 'lean-gateway': 60 },
      },
    };
    const targets = Object.fromEntries(evaluateTargets(f).map((t) => [t.id, t]));
    // 8 ms against 1 ms a referral; 5 ms against 2.5 ms a view.
    expect(targets['cpu-per-referral-vs-lean']).toMatchObject({ value: 8, pass: false, note: '8.00 ms vs 1.00 ms' });
    expect(targets['cpu-per-view-vs-lean']).toMatchObject({ value: 2, pass: true });
    expect(targets['view-paced-p99']).toMatchObject({ value: 30, pass: false });
    expect(targets['rss-after-load']).toMatchObject({ value: 650, pass: false });
    const out = formatReport({ ...f, targets: evaluateTargets(f) });
    expect(out).toContain('lean referral     1.00 ms: lean-intake 0.50, lean-gateway 0.50');
    expect(out).toContain('stack referral    8.00 ms (8.0x lean)');
    expect(out).toContain('stack case view   5.00 ms (2.0x lean)');
    expect(out).toContain('stack after load   650 MB (gateway 300, intake 350)');
    expect(out).toMatch(/Node CPU per referral <= 3x lean\s+8\.0x\s+MISS/);
  });

  it('shows what the Postgres connections of each database waited for during the gateway run', () => {
    const f = figures({
      gateway: {
        dbWaits: { intake: { 'Lock:advisory': 6.04, 'IO:WALSync': 1.2, running: 0.01 }, advocacy: {} },
      },
    });
    const out = formatReport(f);
    expect(out).toContain('    intake    6.0 Lock:advisory, 1.2 IO:WALSync');
    expect(out).toContain('    advocacy  -');
    expect(formatReport(figures())).not.toContain('Postgres connections');
  });

  it('shows the start-up phase and misses the start target at 6 s or with a process left after Ctrl-C', () => {
    const start = {
      command: 'pnpm start',
      firstMs: 7900,
      warmMs: [4200, 3900, 4100],
      medianMs: 4100,
      cpuToReadyMs: 9800,
      stopMs: [2100, 2200, 2000, 2300],
      orphans: 0,
      rssIdle: { pnpm: 50, launcher: 70, gateway: 120, intake: 140 },
    };
    const f = { ...figures(), start };
    const target = (s: typeof start) => evaluateTargets({ ...f, start: s }).find((t) => t.id === 'start-ready');
    expect(target(start)).toMatchObject({ value: 4.1, unit: 's', pass: true });
    expect(target({ ...start, medianMs: 6000 })).toMatchObject({ pass: false });
    expect(target({ ...start, orphans: 1 })).toMatchObject({ pass: false, note: '1 processes left after Ctrl-C' });
    const out = formatReport({ ...f, targets: evaluateTargets(f) });
    expect(out).toContain('4.1 s median of 3 (4.2 s, 3.9 s, 4.1 s); first start, fresh databases 7.9 s');
    expect(out).toContain('CPU to ready       9.8 s');
    expect(out).toContain('idle RSS           380 MB (pnpm 50, launcher 70, gateway 120, intake 140)');
    expect(out).toMatch(/pnpm start ready < 6 s \(median, migrated\) +4\.10 s +PASS/);
    expect(formatReport(figures())).not.toContain('start-up');
  });

  it('lists warnings at the end', () => {
    const f = { ...figures(), warnings: ['a dev stack answers on :3000'] };
    expect(formatReport(f).split('\n').pop()).toBe('  warning: a dev stack answers on :3000');
  });
});

describe('jsonLine', () => {
  it('is one line of JSON with the same figures, rounded to 0.1 (the ratio to 0.0001)', () => {
    const line = jsonLine(figures({ gateway: { rate: 1234.5678 } }));
    expect(JSON.parse(jsonLine(figures({ gateway: { rate: 26.4 } }))).gateway.ratio).toBe(0.0066);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    expect(parsed.gateway.rate).toBe(1234.6);
    expect(parsed.gateway.ratio).toBe(0.3086);
    expect(parsed.lag).toMatchObject({ p50: 50, p99: 99, complete: 100, offeredRate: 200 });
    expect(parsed.targets.map((t: { id: string; pass: boolean }) => [t.id, t.pass])).toEqual([
      ['gateway-rate-ratio', true],
      ['gateway-p99', true],
      ['lag-p99', true],
      ['lag-http', true],
    ]);
  });
});

describe('errorSummary', () => {
  it('counts error and fatal lines by service, message, error type, code and status', () => {
    const line = (name: string, o: object) => `[${name}]          ${JSON.stringify(o)}`;
    const failed = {
      level: 'error',
      msg: 'request failed',
      status: 500,
      err: { type: 'QueryFailedError', code: '42703' },
    };
    expect(
      errorSummary([
        line('intake', failed),
        line('gateway', {
          level: 'error',
          msg: 'request failed',
          status: 500,
          err: { type: 'RpcCallError' },
        }),
        line('intake', failed),
        line('intake', { level: 'warn', msg: 'slow' }),
        '[gateway]  (node:1) [FSTWRN004] FastifyWarning: not json',
      ]),
    ).toEqual([
      'intake: request failed (QueryFailedError, 42703, status 500) x2',
      'gateway: request failed (RpcCallError, status 500) x1',
    ]);
  });
});
