import { processRole } from './start-time';

describe('processRole', () => {
  it('names the services, the launcher, the build step and pnpm of a `pnpm start` process group, not its shell', () => {
    expect(processRole(['/usr/bin/node', '/repo/apps/risk-assessment/dist/local/main.js'])).toBe('risk-assessment');
    expect(processRole(['node', '-r', '@swc-node/register', '/repo/apps/intake/src/main.ts'])).toBe('intake');
    expect(processRole(['node', 'tools/stack/dist/local/main.js'])).toBe('launcher');
    expect(processRole(['node', '-r', '@swc-node/register', 'tools/stack/src/main.ts'])).toBe('launcher');
    expect(processRole(['node', 'tools/stack/build.mjs'])).toBe('build');
    expect(processRole(['node', '/repo/apps/probation/dist/local/migrate.js'])).toBe('migrate');
    expect(processRole(['node', '/usr/lib/node_modules/pnpm/bin/pnpm.cjs', 'start'])).toBe('pnpm');
    expect(processRole(['sh', '-c', 'node tools/stack/build.mjs && node tools/stack/dist/local/main.js'])).toBeUndefined();
  });
});
