import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageOf, summarizeProfile, summarizeProfiles, type CpuProfile } from './profile';

describe('packageOf', () => {
  it('names the package, built-in or repository project a frame belongs to', () => {
    expect(
      packageOf('file:///work/main/node_modules/.pnpm/typeorm@1.1.1/node_modules/typeorm/query.js'),
    ).toBe('typeorm');
    expect(
      packageOf('/work/main/node_modules/.pnpm/@nestjs+core@12.5.1/node_modules/@nestjs/core/router.js'),
    ).toBe('@nestjs/core');
    expect(packageOf('node:internal/streams/writable')).toBe('node:internal');
    expect(packageOf('node:net')).toBe('node:net');
    expect(packageOf('/work/main/libs/messaging/src/outbox.ts')).toBe('libs/messaging');
    expect(packageOf('')).toBe('(native)');
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 9 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)') },
      { id: 2, callFrame: frame('query', '/x/node_modules/pg/lib/client.js') },
      { id: 3, callFrame: frame('(garbage collector)') },
      { id: 4, callFrame: frame('verify', '/x/node_modules/jose/dist/verify.js') },
    ],
    samples: [4, 1, 2, 2, 3, 4, 1],
    // The first delta is the profiler starting, not the first sample's time.
    timeDeltas: [2_000_000, 1000, 2000, 2000, 1000, 3000, 1000],
  };

  it('splits idle from busy time and ranks self time by package and by function', () => {
    const s = summarizeProfile('intake', profile);
    expect(s).toMatchObject({ process: 'intake', sampledMs: 10, busyMs: 8 });
    expect(s.byPackage).toEqual([
      { name: 'pg', ms: 4 },
      { name: 'jose', ms: 3 },
      { name: '(garbage collector)', ms: 1 },
    ]);
    expect(s.byFunction[0]).toEqual({ name: 'query pg:10', ms: 4 });
  });
});

describe('summarizeProfiles', () => {
  it("reads each process's first profile only: a later one (<name>-<pid>.<n>.cpuprofile) is another run's", () => {
    const dir = mkdtempSync(join(tmpdir(), 'stac-prof-'));
    try {
      const sampled = (ms: number): CpuProfile => ({
        nodes: [{ id: 1, callFrame: { functionName: 'work', url: '/x/node_modules/pg/a.js', lineNumber: 1 } }],
        samples: [1, 1],
        timeDeltas: [0, ms * 1000],
      });
      writeFileSync(join(dir, 'risk-assessment-4242.cpuprofile'), JSON.stringify(sampled(5)));
      writeFileSync(join(dir, 'risk-assessment-4242.2.cpuprofile'), JSON.stringify(sampled(500)));
      const summaries = summarizeProfiles(dir);
      expect(summaries.map((s) => [s.process, s.busyMs])).toEqual([['risk-assessment', 5]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
