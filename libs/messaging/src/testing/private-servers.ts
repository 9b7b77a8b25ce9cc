/**
 * Private servers for fault tests: a nats-server and a Postgres cluster of the test's own, on spare
 * loopback ports with their own data directories, so a test may kill, pause or stop them. The
 * shared servers are never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function portOpen(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** nats-server with JetStream on a spare port and its own store directory (kept across restarts). */
export class PrivateNats {
  private proc?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'stac-fault-nats-'));
  port = 0;

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await sparePort();
    const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
    this.proc = spawn(
      bin,
      [
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-js',
        '-sd',
        this.dir,
        '--server_name',
        `fault-${this.port}`,
      ],
      {
        stdio: 'ignore',
      },
    );
    const proc = this.proc;
    await until('nats-server to listen', async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}`);
      return portOpen(this.port);
    });
  }

  /** Sends a signal; SIGKILL/SIGTERM wait for the process to be gone. */
  async signal(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    if (sig === 'SIGSTOP' || sig === 'SIGCONT') {
      p.kill(sig);
      return;
    }
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill(sig);
    await exited;
  }

  async restart(sig: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    await this.signal(sig);
    await this.start();
  }

  async close(): Promise<void> {
    this.proc?.kill('SIGCONT');
    await this.signal('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** PG_BIN_DIR, else the newest /usr/lib/postgresql/<major>/bin (Debian's layout). */
function pgBin(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (!majors.length) throw new Error('no Postgres binaries found: set PG_BIN_DIR');
  return join(root, majors[0], 'bin');
}
const PG_BIN = pgBin();

/**
 * A Postgres cluster made with initdb in a temp directory. initdb refuses to run as root, so as
 * root the cluster belongs to (and runs as) the `postgres` account.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'stac-fault-pg-'));
  port = 0;
  private readonly owner?: { uid: number; gid: number };

  constructor() {
    if (process.getuid?.() === 0) {
      const id = (flag: string) =>
        Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
      this.owner = { uid: id('-u'), gid: id('-g') };
      chownSync(this.dir, this.owner.uid, this.owner.gid);
    }
    chmodSync(this.dir, 0o700);
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  private run(bin: string, args: string[]): void {
    const r = spawnSync(join(PG_BIN, bin), args, {
      encoding: 'utf8',
      ...this.owner,
      cwd: this.dir,
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`${bin} failed (${r.status}): ${r.stderr || r.stdout}`);
  }

  async init(): Promise<void> {
    this.port = await sparePort();
    this.run('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await this.start();
  }

  async start(): Promise<void> {
    // fsync off: the tests stop the server, never the machine, so the page cache keeps what was committed.
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 -c shared_buffers=16MB`;
    this.run('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
  }

  /** `immediate` is the closest to pulling the plug: no checkpoint, clients cut off. */
  async stop(mode: 'immediate' | 'fast' = 'fast'): Promise<void> {
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  async close(): Promise<void> {
    if (existsSync(join(this.data, 'postmaster.pid'))) {
      try {
        await this.stop('immediate');
      } catch {
        /* already gone */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
