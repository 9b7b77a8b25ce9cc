import { parseArgs } from 'node:util';

export type LagDriver = 'paced' | 'autocannon';

export interface BenchOptions {
  /** Seconds of measured load for the baseline and the gateway runs. */
  readonly duration: number;
  /** Seconds of untimed load before each of those runs (JIT, pools, connections). */
  readonly warmup: number;
  readonly connections: number;
  /** Offered referrals per second in the lag run. */
  readonly lagRate: number;
  readonly lagDuration: number;
  readonly lagDriver: LagDriver;
  readonly json: boolean;
  /** Every referral names the same two people (worst case for duplicate matching). */
  readonly samePeople: boolean;
  /** When set, every process the bench starts is CPU-profiled during its measured run; profiles go here. */
  readonly cpuProf?: string;
  readonly pgBase: string;
  /** The shared NATS, used only with --shared-nats (or when no nats-server binary is found). */
  readonly natsUrl: string;
  readonly sharedNats: boolean;
  /** Port of the bench's own NATS server. */
  readonly natsPort: number;
  readonly stackPort: number;
  readonly baselinePort: number;
  /** Gateway port of the lean comparator (its five other processes take the next ports). */
  readonly leanPort: number;
  /** Case views: closed-loop connections, distinct users, and the paced rate. */
  readonly viewConnections: number;
  readonly viewUsers: number;
  readonly viewRate: number;
  /** Skip the lean comparator (figures then have no ratios to it). */
  readonly noLean: boolean;
  /** Migrated (warm) `pnpm start` runs of the start-up phase, after a first one on fresh databases; 0 skips it. */
  readonly startRuns: number;
}

export const USAGE = `pnpm bench [options]

  --duration <s>        measured seconds of the baseline and gateway runs (default 10)
  --warmup <s>          unmeasured load before each of them (default 2; 0 to skip)
  --connections <n>     concurrent connections of those runs (default 32)
  --lag-rate <n>        offered referrals/s in the lag run (default 100)
  --lag-duration <s>    seconds of the lag run (default 10)
  --lag-driver <d>      paced (one request every 1/rate s, default) or autocannon (overallRate: per-second bursts)
  --view-connections <n>  connections of the closed-loop case-view run (default 16)
  --view-users <n>      distinct users (tokens) the case views rotate through (default 40)
  --view-rate <n>       offered case views/s in the paced case-view run (default 100)
  --no-lean             skip the lean comparator (no "x times lean" figures)
  --start-runs <n>      \`pnpm start\` timed to ready this many times on migrated databases, after a first start
                        on fresh ones (default 3; 0 skips the start-up phase)
  --shared-nats         run the stack on NATS_URL (in its own NATS_NAMESPACE) instead of a private nats-server
  --same-people         every referral names the same victim and person of concern (worst case for intake's
                        duplicate-person matching; by default people vary as in a real register)
  --json                also print every figure as one JSON object on the last line of stdout
  --cpu-prof <dir>      CPU-profile every process during the measured baseline and gateway runs: .cpuprofile
                        files in <dir> (Chrome DevTools) and a summary of where the time goes after the table
  --help

  Environment: STAC_PG_URL (postgres://postgres@127.0.0.1:5432), NATS_URL (nats://127.0.0.1:4222),
  BENCH_PORT_BASE (gateway port of the bench stack, default 4300), BENCH_BASELINE_PORT (default 4290),
  BENCH_NATS_PORT (private nats-server, default 4322),
  BENCH_LEAN_PORT (gateway of the lean comparator, default 4380), BENCH_NATS_SERVER (its binary; PATH or /usr/sbin).`;

function positive(name: string, raw: string | undefined, fallback: number, allowZero = false): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0))
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return n;
}

/** Parses the command line; throws with a message naming the bad flag. Returns undefined for --help. */
export function parseBenchArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'lag-rate': { type: 'string' },
      'lag-duration': { type: 'string' },
      'lag-driver': { type: 'string' },
      'view-connections': { type: 'string' },
      'view-users': { type: 'string' },
      'view-rate': { type: 'string' },
      'no-lean': { type: 'boolean', default: false },
      'start-runs': { type: 'string' },
      json: { type: 'boolean', default: false },
      'shared-nats': { type: 'boolean', default: false },
      'same-people': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  const driver = values['lag-driver'] ?? 'paced';
  if (driver !== 'paced' && driver !== 'autocannon')
    throw new Error(`--lag-driver must be paced or autocannon, got "${driver}"`);
  const connections = positive('connections', values.connections, 32);
  if (!Number.isInteger(connections)) throw new Error('--connections must be a whole number');
  return {
    duration: positive('duration', values.duration, 10),
    warmup: positive('warmup', values.warmup, 2, true),
    connections,
    lagRate: positive('lag-rate', values['lag-rate'], 100),
    lagDuration: positive('lag-duration', values['lag-duration'], 10),
    lagDriver: driver,
    json: values.json ?? false,
    samePeople: values['same-people'] ?? false,
    cpuProf: values['cpu-prof'],
    pgBase: env.STAC_PG_URL || 'postgres://postgres@127.0.0.1:5432',
    natsUrl: env.NATS_URL || 'nats://127.0.0.1:4222',
    sharedNats: values['shared-nats'] ?? false,
    natsPort: positive('BENCH_NATS_PORT', env.BENCH_NATS_PORT, 4322),
    leanPort: positive('BENCH_LEAN_PORT', env.BENCH_LEAN_PORT, 4380),
    viewConnections: positive('view-connections', values['view-connections'], 16),
    viewUsers: positive('view-users', values['view-users'], 40),
    viewRate: positive('view-rate', values['view-rate'], 100),
    noLean: values['no-lean'] ?? false,
    startRuns: positive('start-runs', values['start-runs'], 3, true),
    stackPort: positive('BENCH_PORT_BASE', env.BENCH_PORT_BASE, 4300),
    baselinePort: positive('BENCH_BASELINE_PORT', env.BENCH_BASELINE_PORT, 4290),
  };
}
