import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@stac/testing';
import { AUDIENCE, DEV_ISSUER_DIR, startStack, type Stack } from './stack-harness';

// The README's API tour is the first thing a new user runs: this test runs exactly that block, with bash,
// against a real stack, so a change that breaks it fails here instead of in a reader's terminal.
const root = repoRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tour = /<!-- api-tour:start -->\s*```sh\n([\s\S]*?)```\s*<!-- api-tour:end -->/.exec(readme)?.[1];

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

it('the README API tour runs as written against a real stack', async () => {
  expect(tour).toBeDefined();
  const run = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', tour!], {
    cwd: root,
    env: { ...process.env, GW: stack.gatewayUrl, AUTH_DEV_ISSUER_DIR: DEV_ISSUER_DIR, AUTH_AUDIENCE: AUDIENCE },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
  }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    // Show where the tour broke, not only that it did.
    throw new Error(`README tour failed:\n--- stdout\n${e.stdout ?? ''}\n--- stderr\n${e.stderr ?? ''}`);
  });
  const caseId = /case ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
  expect(caseId).toBeDefined();
  expect(run.stdout).toContain('"status": "REFERRED"');
  expect(run.stdout).toContain('"caseStatus": "SCREENING"');
  expect(run.stdout).toMatch(/"relationshipId": "[0-9a-f-]{36}"/);
  // The DPO's CSV export lists the accesses to the case made by the tour itself.
  expect(run.stdout).toMatch(/referral\.create|case\.read|case\.screen/);
}, 180_000);
