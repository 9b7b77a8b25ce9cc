import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// architecture.md §1: apps never import apps; the boundary rule must fail the lint on a breach. The probe is
// written into a real app so the rule sees it exactly as it would see a developer's file.
const root = resolve(__dirname, '../..');
const RULE = '@nx/enforce-module-boundaries';

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  line: number;
}

async function lintProbe(source: string, where = 'apps/intake/src'): Promise<LintMessage[]> {
  const dir = join(root, where);
  const createdDir = !existsSync(dir);
  if (createdDir) mkdirSync(dir, { recursive: true });
  const file = join(dir, '__boundary_probe__.ts');
  writeFileSync(file, source);
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(__dirname, 'lint-files.mjs'), file],
      {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    const [result] = JSON.parse(stdout) as { messages: LintMessage[] }[];
    return result.messages;
  } finally {
    rmSync(file, { force: true });
    if (createdDir) rmSync(dir, { recursive: true, force: true });
  }
}

describe('module boundaries', () => {
  it('fails the lint when an app imports another app, by package name or by relative path', async () => {
    const messages = await lintProbe(
      "import '@stac/gateway';\nimport '../../gateway/src/main';\nexport const probe = 1;\n",
    );
    const boundary = messages.filter((m) => m.ruleId === RULE);
    expect(boundary.map((m) => [m.line, m.severity])).toEqual([
      [1, 2],
      [2, 2],
    ]);
  }, 60_000);

  it('lets an app import a shared library', async () => {
    const messages = await lintProbe(
      "import { SERVICE_ENV } from '@stac/config';\nexport const probe = SERVICE_ENV;\n",
    );
    expect(messages).toEqual([]);
  }, 60_000);

  it('fails the lint when the domain imports infrastructure (domain -> messaging)', async () => {
    const messages = await lintProbe("import { Outbox } from '@stac/messaging';\nexport const probe = Outbox;\n", 'libs/domain/src');
    expect(messages.filter((m) => m.ruleId === RULE).map((m) => [m.line, m.severity])).toEqual([[1, 2]]);
  }, 60_000);

  it('fails the lint when the contracts import infrastructure (contracts -> persistence)', async () => {
    const messages = await lintProbe("import { runMigrations } from '@stac/persistence';\nexport const probe = runMigrations;\n", 'libs/contracts/src');
    expect(messages.filter((m) => m.ruleId === RULE).map((m) => [m.line, m.severity])).toEqual([[1, 2]]);
  }, 60_000);

  it('fails the lint when an infrastructure library imports the service kernel or production code imports the testing library', async () => {
    const kernel = await lintProbe("import { Handles } from '@stac/runtime';\nexport const probe = Handles;\n", 'libs/messaging/src');
    expect(kernel.filter((m) => m.ruleId === RULE).map((m) => [m.line, m.severity])).toEqual([[1, 2]]);
    const testing = await lintProbe("import { createTestDatabase } from '@stac/testing';\nexport const probe = createTestDatabase;\n", 'libs/auth/src');
    expect(testing.filter((m) => m.ruleId === RULE).map((m) => [m.line, m.severity])).toEqual([[1, 2]]);
  }, 120_000);
});
