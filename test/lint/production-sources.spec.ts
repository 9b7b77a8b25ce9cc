import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

// Test harnesses, builders and fault rigs live in `testing/` folders (or test files); the image build
// (deploy/docker/build-app.sh) compiles neither, and no production file may import them.
const root = resolve(__dirname, '../..');
const TEST_FILE = /\.(spec|int-spec|e2e-spec|fault-spec)\.ts$/;
const TEST_DIR = /(^|\/)(testing|fixtures)(\/|$)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}
const productionFiles = ['apps', 'libs']
  .flatMap((top) => readdirSync(join(root, top)).map((pkg) => join(root, top, pkg, 'src')))
  .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory())
  .flatMap(sources)
  .filter((f) => !TEST_FILE.test(f) && !TEST_DIR.test(f));

describe('production sources and images carry no test code', () => {
  it('the image build skips test files and testing/ folders', () => {
    const ignore = readFileSync(join(root, 'deploy/docker/build-app.sh'), 'utf8').match(/--ignore '([^']+)'/)?.[1].split(',');
    expect(ignore).toEqual(
      expect.arrayContaining(['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fault-spec.ts', '**/fixtures/**', '**/testing/**']),
    );
  });

  it('no production file imports a testing/ folder, @stac/testing or a test file', () => {
    expect(productionFiles.length).toBeGreaterThan(200); // the scan really found the sources
    const offending = productionFiles.filter((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/\bfrom\s+'([^']+)'|\brequire\('([^']+)'\)|\bimport\('([^']+)'\)/g)].some((m) => {
        const spec = m[1] ?? m[2] ?? m[3];
        return spec === '@stac/testing' || /(^|\/)testing(\/|$)/.test(spec) || /\.(spec|int-spec|e2e-spec|fault-spec)$/.test(spec);
      }),
    );
    expect(offending).toEqual([]);
  });

  it('harnesses and rigs live in testing/ folders', () => {
    expect(productionFiles.filter((f) => /(harness|test-rig|fault-rig)[^/]*\.ts$/.test(f))).toEqual([]);
  });

  it('point-main-at-dist repoints main and every export at compiled JavaScript and drops test-helper exports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stac-pkg-'));
    try {
      for (const f of ['dist/index.js', 'dist/tokens/index.js']) {
        mkdirSync(join(dir, f, '..'), { recursive: true });
        writeFileSync(join(dir, f), '');
      }
      const pkg = { name: '@stac/x', main: 'src/index.ts', types: 'src/index.ts', exports: { '.': './src/index.ts', './tokens': './src/tokens/index.ts', './testing': './src/testing/index.ts' } };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
      execFileSync(process.execPath, [join(root, 'deploy/docker/point-main-at-dist.mjs'), dir]);
      expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({
        name: '@stac/x',
        main: 'dist/index.js',
        exports: { '.': './dist/index.js', './tokens': './dist/tokens/index.js' },
      });
      // A package whose compiled export is missing breaks the build, not the running container.
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, exports: { ...pkg.exports, './other': './src/other.ts' } }));
      expect(() => execFileSync(process.execPath, [join(root, 'deploy/docker/point-main-at-dist.mjs'), dir], { stdio: 'pipe' })).toThrow(/other\.js was not produced/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
