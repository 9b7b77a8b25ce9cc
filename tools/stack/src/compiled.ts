import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@stac/testing/launch';

/**
 * Brings the compiled JavaScript up to date (`node tools/stack/build.mjs`, incremental: a no-op run takes
 * well under a second) for callers that start the stack from TypeScript: the e2e harness and the bench.
 * `pnpm start` and `pnpm migrate` run the build themselves before their launcher.
 */
export function buildCompiled(root = repoRoot()): void {
  const run = spawnSync(process.execPath, [join(root, 'tools/stack/build.mjs'), '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status !== 0) throw new Error(`pnpm build failed (${run.signal ?? `code ${run.status}`}):\n${run.stderr}`);
}
