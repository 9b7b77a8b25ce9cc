#!/usr/bin/env node
// `pnpm test`: the Jest layers in order (unit, integration, the reduced fault suite, end-to-end), stopping at
// the first failing layer with its exit code. Ends with one plain line `N passed, N failed` summed
// over the layers that ran, which CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const requireFromRoot = createRequire(join(root, 'package.json'));
const jestBin = requireFromRoot.resolve('jest/bin/jest');

// Jest 30 ignores `testTimeout` inside a `projects` entry (the runner reads the global value), so each
// layer's timeout from jest.config.js is passed on the command line.
const projects = requireFromRoot('./jest.config.js').projects ?? [];
const timeoutArgs = (project) => {
  const ms = projects.find((p) => p.displayName === project)?.testTimeout;
  return ms ? [`--testTimeout=${ms}`] : [];
};

// Integration and end-to-end suites share one Postgres and one NATS: one file at a time. The fault
// suite runs on private servers; here its reduced set (under 3 minutes), `pnpm test:faults` the full one.
const LAYERS = [
  { project: 'unit', args: [] },
  { project: 'int', args: ['--runInBand'] },
  { project: 'faults', args: ['--runInBand'], env: { STAC_FAULT_SET: 'reduced' } },
  { project: 'e2e', args: ['--runInBand'] },
];

// The end-to-end stacks run the compiled services (`pnpm build`, incremental), as `pnpm start` does.
const build = spawnSync(process.execPath, ['tools/stack/build.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(build.status || 1);
}

// Streams of earlier test runs that were killed part-way hold storage on the shared NATS server.
spawnSync(process.execPath, ['-r', '@swc-node/register', 'libs/testing/src/sweep-test-streams.ts'], {
  cwd: root,
  stdio: 'inherit',
});

const extra = process.argv.slice(2);
const tmp = mkdtempSync(join(tmpdir(), 'stac-test-'));
let passed = 0;
let failed = 0;
let exitCode = 0;

try {
  for (const { project, args, env } of LAYERS) {
    const outputFile = join(tmp, `${project}.json`);
    process.stdout.write(`\n=== ${project} tests ===\n`);
    const run = spawnSync(
      process.execPath,
      [
        jestBin,
        '--selectProjects',
        project,
        ...args,
        ...timeoutArgs(project),
        '--passWithNoTests',
        '--json',
        `--outputFile=${outputFile}`,
        ...extra,
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } },
    );
    let report;
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8'));
    } catch {
      report = undefined; // Jest died before writing its report (bad config, crash): counted as a failure below.
    }
    passed += report?.numPassedTests ?? 0;
    // A suite that fails with no failing test (it did not load, an afterAll threw) still counts once.
    const silentSuiteFailures = (report?.testResults ?? []).filter(
      (suite) =>
        suite.status === 'failed' && !(suite.assertionResults ?? []).some((t) => t.status === 'failed'),
    ).length;
    failed += (report?.numFailedTests ?? 0) + silentSuiteFailures;
    const code = run.status ?? 1;
    if (code !== 0 || !report) {
      if (run.signal) process.stderr.write(`${project} tests were killed by ${run.signal}\n`);
      else if (!report) process.stderr.write(`${project} tests ended without a Jest report\n`);
      // The summary must never read "0 failed" for a failed run (a crash, an open-handle hang killed).
      if (failed === 0) failed = 1;
      exitCode = code || 1;
      break;
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exit(exitCode);
