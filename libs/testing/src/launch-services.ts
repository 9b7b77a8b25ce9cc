import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';

/**
 * Starts service entry points as real child processes, the way `pnpm start` and the end-to-end harness run
 * the stack: every output line prefixed with `[name]`, readiness judged by each service's own
 * `/health/ready`, and a handle for stopping, killing and restarting services in failure tests.
 *
 * A compiled entry (`.js`, `.cjs`, `.mjs`: `apps/<svc>/dist/local/main.js`, built by `pnpm build`) runs as
 * plain `node <entry>`; a TypeScript entry (`.ts`: fixtures, the bench's baseline) under
 * `node -r @swc-node/register <entry>`.
 */

export interface ServiceLaunchSpec {
  /** Shown as the `[name]` log prefix and used by `kill`/`restart`. */
  readonly name: string;
  /** Entry file, relative to the repository root (or absolute): compiled JavaScript, or TypeScript (run under swc). */
  readonly entry: string;
  /** Added to the parent's environment; HTTP_HOST/HTTP_PORT locate `/health/ready`. */
  readonly env: Readonly<Record<string, string>>;
}

export interface LaunchOptions {
  /** Where prefixed lines go; when absent they are only kept in memory (see `logs()`). */
  readonly output?: NodeJS.WritableStream;
  /** Colour the prefixes; defaults to whether `output` is a TTY. */
  readonly colors?: boolean;
  /** Overall deadline for every service to answer 200 on `/health/ready`. */
  readonly readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL in `stop()` / `restart()`. */
  readonly stopGraceMs?: number;
  /** Working directory; the repository root by default. */
  readonly cwd?: string;
  /** Extra `node` flags placed before the entry (and before `-r @swc-node/register` for a `.ts` entry). */
  readonly nodeArgs?: readonly string[];
  /** Lines kept per service for error messages and `logs()`; 0 keeps everything. */
  readonly keepLines?: number;
  /** Called when a service exits without having been asked to (crash, or a signal sent from outside). */
  readonly onUnexpectedExit?: (name: string, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface ServiceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface LaunchedServices {
  readonly names: readonly string[];
  /** Base URL of a service's HTTP server, e.g. `http://127.0.0.1:3001`. */
  url(name: string): string;
  pid(name: string): number | undefined;
  running(name: string): boolean;
  /** Prefixed lines captured so far, of one service or of all in arrival order. */
  logs(name?: string): string[];
  /**
   * Sends a signal. For terminating signals it resolves once the process has exited (the exit is
   * then expected, not reported as a crash); SIGSTOP/SIGCONT resolve at once.
   */
  kill(name: string, signal?: NodeJS.Signals): Promise<ServiceExit | undefined>;
  /** Stops the service if it runs (SIGTERM, SIGKILL after the grace period), starts it again, waits until ready. */
  restart(name: string): Promise<void>;
  /** Waits until `/health/ready` answers 200 (e.g. after SIGCONT or an outage). */
  waitReady(name: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM to every service, SIGKILL to those still running after the grace period. */
  stop(): Promise<void>;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_GRACE_MS = 10_000;
const DEFAULT_KEEP_LINES = 200;
const NON_TERMINATING: ReadonlySet<string> = new Set([
  'SIGSTOP',
  'SIGCONT',
  'SIGTSTP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGHUP',
]);
const COLOURS = [36, 33, 35, 32, 34, 96, 93, 95, 92, 94];

/** The directory holding pnpm-workspace.yaml, found upwards from this file. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${__dirname}`);
    dir = up;
  }
}

/** Splits a byte stream into lines and hands each complete line on; `flush()` emits a trailing partial line. */
function lineSplitter(emit: (line: string) => void) {
  let partial = '';
  return {
    push(chunk: Buffer | string) {
      const parts = (partial + chunk.toString('utf8')).split(/\r?\n/);
      partial = parts.pop() ?? '';
      for (const p of parts) emit(p);
    },
    flush() {
      if (partial) emit(partial);
      partial = '';
    },
  };
}

class LineLog {
  readonly all: string[] = [];
  readonly byName = new Map<string, string[]>();
  constructor(
    private readonly keep: number,
    private readonly output: NodeJS.WritableStream | undefined,
    private readonly colors: boolean,
    private readonly width: number,
  ) {}

  write(name: string, colour: number, line: string) {
    const plain = `[${name}]`.padEnd(this.width + 2);
    const list = this.byName.get(name) ?? [];
    this.byName.set(name, list);
    this.add(list, `${plain} ${line}`);
    this.add(this.all, `${plain} ${line}`, 20 * this.keep);
    if (this.output) {
      const prefix = this.colors ? `\x1b[${colour}m${plain}\x1b[0m` : plain;
      this.output.write(`${prefix} ${line}\n`);
    }
  }

  tail(name: string, n = 30): string {
    return (this.byName.get(name) ?? []).slice(-n).join('\n');
  }

  private add(list: string[], line: string, max = this.keep) {
    list.push(line);
    if (max > 0 && list.length > max) list.splice(0, list.length - max);
  }
}

function readyUrl(env: Readonly<Record<string, string>>, name: string): string {
  const port = env.HTTP_PORT;
  if (!port) throw new Error(`launch-services: ${name} has no HTTP_PORT in its env`);
  const host =
    !env.HTTP_HOST || env.HTTP_HOST === '0.0.0.0' || env.HTTP_HOST === '::' ? '127.0.0.1' : env.HTTP_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Resolves true when something already accepts connections on host:port. */
function portInUse(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((res) => {
    const socket = createConnection({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) });
    const done = (inUse: boolean) => {
      socket.destroy();
      res(inUse);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function probeReady(base: string): Promise<string> {
  try {
    const res = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status === 200 ? 'ready' : `HTTP ${res.status}`;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return cause?.code ?? (e as Error).name ?? 'error';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Running {
  readonly spec: ServiceLaunchSpec;
  readonly colour: number;
  readonly base: string;
  child?: ChildProcess;
  exit?: Promise<ServiceExit>;
  exited?: ServiceExit;
  expectingExit: boolean;
}

// Children still alive when the parent process ends (a crashed test run, an unhandled error) are killed
// so no orphaned service keeps a port or a JetStream consumer busy.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of liveChildren) {
      try {
        c.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

function nodeCommandArgs(entry: string, cwd: string, nodeArgs: readonly string[] = []): string[] {
  const file = isAbsolute(entry) ? entry : resolve(cwd, entry);
  if (!existsSync(file)) {
    const hint = /\.[cm]?js$/.test(file) ? ' (compiled JavaScript: run `pnpm build` first)' : '';
    throw new Error(`launch-services: entry ${entry} does not exist (cwd ${cwd})${hint}`);
  }
  // TypeScript needs a loader; compiled JavaScript runs as it is.
  return file.endsWith('.ts') ? [...nodeArgs, '-r', '@swc-node/register', file] : [...nodeArgs, file];
}

/**
 * Spawns every service at once and resolves when each answers 200 on `/health/ready`. On failure every
 * started process is stopped and the error names the services that are not ready with their last log lines.
 */
export async function launchServices(
  specs: readonly ServiceLaunchSpec[],
  opts: LaunchOptions = {},
): Promise<LaunchedServices> {
  const cwd = opts.cwd ?? repoRoot();
  const grace = opts.stopGraceMs ?? DEFAULT_GRACE_MS;
  const names = specs.map((s) => s.name);
  if (new Set(names).size !== names.length)
    throw new Error(`launch-services: duplicate service names in ${names.join(', ')}`);
  const log = new LineLog(
    opts.keepLines ?? DEFAULT_KEEP_LINES,
    opts.output,
    opts.colors ?? Boolean((opts.output as { isTTY?: boolean } | undefined)?.isTTY),
    Math.max(...names.map((n) => n.length), 0),
  );
  const services = new Map<string, Running>();
  specs.forEach((spec, i) =>
    services.set(spec.name, {
      spec,
      colour: COLOURS[i % COLOURS.length],
      base: readyUrl(spec.env, spec.name),
      expectingExit: false,
    }),
  );
  for (const s of specs) nodeCommandArgs(s.entry, cwd, opts.nodeArgs); // every entry exists before anything starts

  // A port already answering would make readiness lie: it would be some other process's health endpoint.
  const busy = (
    await Promise.all([...services.values()].map(async (s) => ((await portInUse(s.base)) ? s : undefined)))
  ).filter((s): s is Running => s !== undefined);
  if (busy.length) {
    throw new Error(
      `launch-services: already in use before start: ${busy.map((s) => `${s.spec.name} (${s.base})`).join(', ')}; ` +
        'is another stack still running?',
    );
  }

  const get = (name: string): Running => {
    const s = services.get(name);
    if (!s) throw new Error(`launch-services: unknown service "${name}" (known: ${names.join(', ')})`);
    return s;
  };

  const start = (s: Running) => {
    installExitHook();
    s.expectingExit = false;
    s.exited = undefined;
    const child = spawn(process.execPath, nodeCommandArgs(s.spec.entry, cwd, opts.nodeArgs), {
      cwd,
      env: { ...process.env, ...s.spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    s.child = child;
    liveChildren.add(child);
    const out = lineSplitter((l) => log.write(s.spec.name, s.colour, l));
    const err = lineSplitter((l) => log.write(s.spec.name, s.colour, l));
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    s.exit = new Promise<ServiceExit>((res) => {
      child.once('error', (e) => {
        log.write(s.spec.name, s.colour, `failed to spawn: ${e.message}`);
      });
      child.once('close', (code, signal) => {
        out.flush();
        err.flush();
        liveChildren.delete(child);
        const exit = { code, signal };
        if (s.child === child) s.exited = exit;
        if (!s.expectingExit) {
          log.write(s.spec.name, s.colour, `exited unexpectedly (${signal ?? `code ${code}`})`);
          opts.onUnexpectedExit?.(s.spec.name, code, signal);
        }
        res(exit);
      });
    });
  };

  const isRunning = (s: Running) => s.child !== undefined && s.exited === undefined;

  const waitReady = async (targets: Running[], timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    const status = new Map<string, string>(targets.map((s) => [s.spec.name, 'not started']));
    const pending = new Set(targets);
    while (pending.size) {
      await Promise.all(
        [...pending].map(async (s) => {
          if (!isRunning(s)) {
            pending.delete(s);
            const e = s.exited;
            throw new Error(
              `launch-services: ${s.spec.name} exited (${e?.signal ?? `code ${e?.code}`}) before it was ready; last output:\n` +
                log.tail(s.spec.name),
            );
          }
          const st = await probeReady(s.base);
          status.set(s.spec.name, st);
          if (st === 'ready') pending.delete(s);
        }),
      );
      if (!pending.size) return;
      if (Date.now() > deadline) {
        const detail = [...pending]
          .map(
            (s) =>
              `${s.spec.name} (${s.base}/health/ready: ${status.get(s.spec.name)}); last output:\n${log.tail(s.spec.name) || '(none)'}`,
          )
          .join('\n');
        throw new Error(`launch-services: not ready after ${timeoutMs} ms: ${detail}`);
      }
      await sleep(200);
    }
  };

  const terminate = async (
    s: Running,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<ServiceExit | undefined> => {
    if (!isRunning(s) || !s.child || !s.exit) return s.exited;
    s.expectingExit = true;
    const child = s.child;
    const exit = s.exit;
    // A stopped process cannot act on SIGTERM; wake it first.
    child.kill('SIGCONT');
    child.kill(signal);
    if (signal === 'SIGKILL') return exit;
    const timer = setTimeout(() => child.kill('SIGKILL'), grace);
    try {
      return await exit;
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async () => {
    await Promise.all([...services.values()].map((s) => terminate(s)));
  };

  for (const s of services.values()) start(s);
  try {
    await waitReady([...services.values()], opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    names,
    url: (name) => get(name).base,
    pid: (name) => (isRunning(get(name)) ? get(name).child?.pid : undefined),
    running: (name) => isRunning(get(name)),
    logs: (name) => (name === undefined ? [...log.all] : [...(log.byName.get(get(name).spec.name) ?? [])]),
    async kill(name, signal = 'SIGKILL') {
      const s = get(name);
      if (!isRunning(s) || !s.child) return s.exited;
      if (NON_TERMINATING.has(signal)) {
        s.child.kill(signal);
        return undefined;
      }
      s.expectingExit = true;
      s.child.kill(signal);
      return s.exit;
    },
    async restart(name) {
      const s = get(name);
      await terminate(s);
      start(s);
      await waitReady([s], opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    },
    waitReady: (name, timeoutMs) =>
      waitReady([get(name)], timeoutMs ?? opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS),
    stop,
  };
}

export interface RunOptions {
  readonly name?: string;
  readonly output?: NodeJS.WritableStream;
  readonly colors?: boolean;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly nodeArgs?: readonly string[];
}

/**
 * Runs a one-shot entry (a service's compiled migrate.js, or a .ts entry under swc) to its end. Resolves with its output; rejects with
 * the exit code and the output when it fails or outlives `timeoutMs`.
 */
export function runToCompletion(
  entry: string,
  env: Readonly<Record<string, string>>,
  opts: RunOptions = {},
): Promise<string> {
  const cwd = opts.cwd ?? repoRoot();
  const name = opts.name ?? entry;
  const log = new LineLog(
    0,
    opts.output,
    opts.colors ?? Boolean((opts.output as { isTTY?: boolean } | undefined)?.isTTY),
    name.length,
  );
  return new Promise((res, rej) => {
    let args: string[];
    try {
      args = nodeCommandArgs(entry, cwd, opts.nodeArgs);
    } catch (e) {
      rej(e);
      return;
    }
    installExitHook();
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    const out = lineSplitter((l) => log.write(name, COLOURS[0], l));
    const err = lineSplitter((l) => log.write(name, COLOURS[0], l));
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    const timeoutMs = opts.timeoutMs ?? 120_000;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      rej(new Error(`${name}: failed to start: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      liveChildren.delete(child);
      out.flush();
      err.flush();
      const output = log.all.map((l) => l.replace(/^\[[^\]]*\]\s*/, '')).join('\n');
      if (code === 0) res(output);
      else {
        const why = timedOut
          ? `timed out after ${timeoutMs} ms`
          : signal
            ? `was killed by ${signal}`
            : `exited with code ${code}`;
        rej(
          Object.assign(new Error(`${name} ${why}; output:\n${output || '(none)'}`), {
            exitCode: code,
            output,
          }),
        );
      }
    });
  });
}
