/**
 * Private servers for fault tests: a nats-server and a Postgres cluster of the test's own, on spare
 * loopback ports with their own data directories, so a test may kill, pause or stop them. The
 * shared servers are never touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_USERS, inboxPrefix, type BusUser } from '@stac/rpc/bus';
import { renderNatsAccounts } from '../bus-permissions';

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

/** A throwaway CA and a server certificate for 127.0.0.1 made with openssl; null when openssl is missing. */
export function throwawayTls(dir: string): { ca: string; cert: string; key: string } | null {
  const ossl = (args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  if (ossl(['version']).status !== 0) return null;
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const steps: string[][] = [
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=stac-test-ca'],
    ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
  ];
  for (const s of steps) {
    const r = ossl(s);
    if (r.status !== 0) throw new Error(`openssl ${s[0]} failed: ${r.stderr}`);
  }
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const r = ossl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext']);
  if (r.status !== 0) throw new Error(`openssl x509 failed: ${r.stderr}`);
  return { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
}

/**
 * A nats-server configured like the shipped one (BUS-01): one account, one user per service and tool with
 * the allow-lists of bus-permissions.ts for this namespace, fresh random passwords, TLS with a throwaway CA
 * when openssl is there. `observer` is a test-only user without restrictions, to look at what landed.
 */
export class PermissionedNats {
  private proc?: ChildProcess;
  readonly dir = mkdtempSync(join(tmpdir(), 'stac-bus-nats-'));
  port = 0;
  readonly passwords = new Map<string, string>(BUS_USERS.map((u) => [u, randomBytes(12).toString('hex')]));
  readonly observer = { user: 'observer', password: randomBytes(12).toString('hex') };
  tls: { ca: string; cert: string; key: string } | null = null;

  constructor(readonly namespace = '', private readonly opts: { tls?: boolean } = {}) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** NATS_URL, NATS_USER, NATS_PASSWORD and NATS_TLS_CA of one bus user, as a service's configuration gets them. */
  env(user: BusUser): Record<string, string> {
    return {
      NATS_URL: this.url,
      NATS_USER: user,
      NATS_PASSWORD: this.passwords.get(user)!,
      NATS_TLS_CA: this.tls?.ca ?? '',
    };
  }

  /** Connection options of a bus user (or the observer), TLS included. */
  connectOptions(user: BusUser | 'observer', password?: string) {
    const base = {
      servers: [this.url],
      ...(this.tls ? { tls: { ca: readFileSync(this.tls.ca, 'utf8') } } : {}),
      timeout: 5000,
    };
    if (user === 'observer') return { ...base, user: this.observer.user, pass: this.observer.password };
    return { ...base, user, pass: password ?? this.passwords.get(user)!, inboxPrefix: inboxPrefix(user, this.namespace) };
  }

  async start(): Promise<void> {
    this.port = await sparePort();
    if (this.opts.tls !== false) this.tls = throwawayTls(this.dir);
    const conf = [
      `server_name: bus-${this.port}`,
      `listen: 127.0.0.1:${this.port}`,
      ...(this.tls ? [`tls {`, `  cert_file: ${JSON.stringify(this.tls.cert)}`, `  key_file: ${JSON.stringify(this.tls.key)}`, `  timeout: 2`, `}`] : []),
      `jetstream {`,
      `  store_dir: ${JSON.stringify(join(this.dir, 'jetstream'))}`,
      `  max_memory_store: 64MB`,
      `  max_file_store: 1GB`,
      `}`,
      renderNatsAccounts({
        namespace: this.namespace,
        password: (u) => this.passwords.get(u)!,
        extraUsers: [this.observer],
      }),
    ].join('\n');
    const file = join(this.dir, 'nats.conf');
    writeFileSync(file, conf);
    const bin = process.env.NATS_SERVER_BIN ?? 'nats-server';
    this.proc = spawn(bin, ['-c', file, '-l', this.logFile], { stdio: 'ignore' });
    const proc = this.proc;
    await until('permissioned nats-server to listen', async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode} (config ${file})`);
      return portOpen(this.port);
    });
  }

  get logFile(): string {
    return join(this.dir, 'nats.log');
  }

  /** The server's log lines reporting a permissions violation (publish or subscription refused). */
  violations(): string[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((l) => /Violation/.test(l));
  }

  async close(): Promise<void> {
    const p = this.proc;
    if (p && p.exitCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
