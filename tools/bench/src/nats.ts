import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface PrivateNats {
  readonly url: string;
  stop(): Promise<void>;
}

/** `nats-server` from BENCH_NATS_SERVER, the PATH or /usr/sbin (where these machines install it). */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.BENCH_NATS_SERVER) return existsSync(env.BENCH_NATS_SERVER) ? env.BENCH_NATS_SERVER : undefined;
  return [...(env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']
    .filter((dir) => isAbsolute(dir))
    .map((dir) => join(dir, 'nats-server'))
    .find((file) => existsSync(file));
}

/**
 * A NATS server with JetStream of the bench's own (store in a temp directory), so no other stack on
 * the machine shares its request/reply subjects or streams: another stack's intake in the same queue
 * group would otherwise answer part of the bench's referrals. `stop()` ends it and removes the store.
 */
export async function startPrivateNats(bin: string, port: number): Promise<PrivateNats> {
  const store = mkdtempSync(join(tmpdir(), 'stac-bench-nats-'));
  const child = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  const exited = new Promise<void>((res) => child.once('close', () => res()));
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(store, { recursive: true, force: true });
    })();
    return stopped;
  };
  const url = `nats://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nats-server exited with code ${child.exitCode}: ${output}`);
    }
    try {
      const nc = await connect({ servers: url, timeout: 1000 });
      try {
        await (await jetstreamManager(nc)).getAccountInfo();
      } finally {
        await nc.close();
      }
      return { url, stop };
    } catch (e) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`nats-server on ${url} not ready: ${(e as Error).message}; ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
