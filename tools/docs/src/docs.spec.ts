import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(__dirname, '../../..');

// `pnpm run docs --check` regenerates everything in memory: it fails when a committed description or a
// service's REFERENCE.md is stale, when AsyncAPI does not parse, or when OpenAPI has a Redocly error.
it('generated API descriptions and service references are current; AsyncAPI parses; OpenAPI has 0 Redocly errors', async () => {
  const run = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'tools/docs/src/main.ts', '--check'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? '', failed: e.code }));
  expect(run.stdout).toMatch(/openapi: 0 errors, \d+ warnings \(Redocly recommended\); asyncapi: 0 errors/);
  expect(run.stdout).not.toMatch(/stale:/);
  expect((run as { failed?: number }).failed).toBeUndefined();
}, 240_000);
