import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { launchServices, runToCompletion, type LaunchedServices } from './launch-services';

const FIXTURE = 'libs/testing/src/fixtures/health-fixture.ts';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

function sink() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _enc, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('launchServices', () => {
  let handle: LaunchedServices | undefined;
  afterEach(async () => {
    await handle?.stop();
    handle = undefined;
  });

  it('starts every service, waits for /health/ready and prefixes every output line with its name', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const out = sink();
    handle = await launchServices(
      [
        { name: 'alpha', entry: FIXTURE, env: { HTTP_PORT: String(a), READY_AFTER_MS: '500' } },
        { name: 'beta', entry: FIXTURE, env: { HTTP_PORT: String(b) } },
      ],
      { output: out.stream, readyTimeoutMs: 20_000 },
    );
    expect((await fetch(`${handle.url('alpha')}/health/ready`)).status).toBe(200);
    expect(handle.url('beta')).toBe(`http://127.0.0.1:${b}`);
    await handle.stop();
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        `[alpha] listening on ${a}`,
        '[beta]  an error-stream line',
        '[beta]  got SIGTERM',
      ]),
    );
    // The partial line without a newline is still emitted, prefixed, when the process ends.
    expect(lines).toContain('[alpha] second line');
    expect(lines.every((l) => /^\[(alpha|beta)\]/.test(l))).toBe(true);
    expect(handle.logs('beta')).toContain('[beta]  got SIGTERM');
    expect(handle.running('alpha')).toBe(false);
  });

  it('names the service that never becomes ready, with its last output, and stops the others', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const started = Date.now();
    const failure = launchServices(
      [
        { name: 'fine', entry: FIXTURE, env: { HTTP_PORT: String(a) } },
        { name: 'stuck', entry: FIXTURE, env: { HTTP_PORT: String(b), READY_AFTER_MS: '600000' } },
      ],
      { readyTimeoutMs: 3000 },
    );
    await expect(failure).rejects.toThrow(
      /not ready after 3000 ms: stuck \(http:\/\/127\.0\.0\.1:\d+\/health\/ready: HTTP 503\); last output:\n\[stuck\] listening on/,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    // "fine" was stopped: its port is free again.
    await expect(fetch(`http://127.0.0.1:${a}/health/ready`)).rejects.toThrow();
  });

  it('fails fast when a service exits before it is ready', async () => {
    const port = await freePort();
    await expect(
      launchServices(
        [{ name: 'broken', entry: FIXTURE, env: { HTTP_PORT: String(port), FAIL_WITH: '78' } }],
        { readyTimeoutMs: 30_000 },
      ),
    ).rejects.toThrow(
      /broken exited \(code 78\) before it was ready; last output:\n\[broken\] fixture: refusing to start/,
    );
  });

  it('refuses to start on a port something else already answers on', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as AddressInfo;
    try {
      await expect(
        launchServices([{ name: 'x', entry: FIXTURE, env: { HTTP_PORT: String(port) } }]),
      ).rejects.toThrow(/already in use before start: x/);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });

  it('kills with a signal, restarts, and falls back to SIGKILL when SIGTERM is ignored', async () => {
    const port = await freePort();
    const unexpected: string[] = [];
    handle = await launchServices(
      [{ name: 'svc', entry: FIXTURE, env: { HTTP_PORT: String(port), IGNORE_SIGTERM: '1' } }],
      {
        stopGraceMs: 500,
        onUnexpectedExit: (name) => unexpected.push(name),
      },
    );
    const firstPid = handle.pid('svc');
    expect(await handle.kill('svc', 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(handle.running('svc')).toBe(false);
    await handle.restart('svc');
    expect(handle.pid('svc')).not.toBe(firstPid);
    expect((await fetch(`${handle.url('svc')}/health/ready`)).status).toBe(200);
    await handle.kill('svc', 'SIGSTOP');
    await handle.kill('svc', 'SIGCONT');
    await handle.waitReady('svc', 5000);
    await handle.stop(); // ignores SIGTERM: ends by SIGKILL after the grace period
    expect(handle.running('svc')).toBe(false);
    expect(handle.logs('svc')).toContain('[svc] got SIGTERM');
    expect(unexpected).toEqual([]);
  });
});

describe('runToCompletion', () => {
  it('resolves with the output of a script that exits 0', async () => {
    const out = await runToCompletion('libs/testing/src/fixtures/health-fixture.ts', { FAIL_WITH: '0' });
    expect(out).toContain('fixture: refusing to start');
  });

  it('rejects with the exit code and output of a failing script', async () => {
    await expect(runToCompletion(FIXTURE, { FAIL_WITH: '3' }, { name: 'migrate-x' })).rejects.toThrow(
      /migrate-x exited with code 3; output:\nfixture: refusing to start/,
    );
  });

  it('rejects when the entry does not exist', async () => {
    await expect(runToCompletion('apps/nope/src/migrate.ts', {})).rejects.toThrow(/does not exist/);
    await expect(runToCompletion('apps/nope/dist/local/migrate.js', {})).rejects.toThrow(/run `pnpm build` first/);
  });

  it('runs compiled JavaScript as plain node with only the given flags, TypeScript under swc', async () => {
    const js = await runToCompletion('libs/testing/src/fixtures/exec-argv.cjs', {}, { nodeArgs: ['--max-semi-space-size=2'] });
    expect(JSON.parse(js)).toEqual(['--max-semi-space-size=2']);
    const ts = await runToCompletion('libs/testing/src/fixtures/health-fixture.ts', { FAIL_WITH: '0' }, { nodeArgs: ['--max-semi-space-size=2'] });
    expect(ts).toContain('fixture: refusing to start');
  });
});
