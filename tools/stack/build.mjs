#!/usr/bin/env node
// `pnpm build` (and the first step of `pnpm start`, `pnpm migrate`, the e2e harness and the bench): compiles
// every workspace package's src/**/*.ts (not the tests) to plain CommonJS in <package>/dist/local/, so the
// stack runs as `node <package>/dist/local/main.js`, with no TypeScript loader in any process.
//
// Workspace imports are rewritten to relative paths of the compiled files: `@stac/auth` becomes
// `../../../libs/auth/dist/local/index.js` (from the package's `exports`/`main`, src/x.ts -> dist/local/x.js),
// and a relative import that leaves its package is pointed at the other package's output. Third-party
// packages resolve as before (through the package's own node_modules, next to dist/).
//
// Incremental: a file is compiled again only when its source is newer than its output; a change to this
// script, .swcrc, the swc version or any workspace package's entry points rebuilds everything. Outputs
// whose source is gone are removed. A run with nothing to do takes well under a second.
//
// Images are built differently (deploy/docker/build-app.sh: dist/, `main` repointed, pnpm deploy).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join('dist', 'local');
const TESTS = /\.(spec|int-spec|e2e-spec|fault-spec)\.ts$/;
const STAMP = '.build-stamp';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '../..');

/** Every workspace package with a src/ folder: { name, dir, src, out, entries: Map<subpath, out file> }. */
function workspacePackages(root) {
  const packages = [];
  for (const group of ['apps', 'libs', 'tools']) {
    const groupDir = join(root, group);
    if (!existsSync(groupDir)) continue;
    for (const name of readdirSync(groupDir).sort()) {
      const dir = join(groupDir, name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest) || !existsSync(join(dir, 'src'))) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      const out = join(dir, OUT_DIR);
      const toOut = (target) => {
        const m = /^(?:\.\/)?src\/(.*)\.ts$/.exec(target);
        return m ? join(out, `${m[1]}.js`) : undefined;
      };
      const entries = new Map();
      const exportsMap = typeof pkg.exports === 'string' ? { '.': pkg.exports } : (pkg.exports ?? { '.': pkg.main ?? 'src/index.ts' });
      for (const [subpath, target] of Object.entries(exportsMap)) {
        const file = typeof target === 'string' ? toOut(target) : undefined;
        if (file) entries.set(subpath, file);
      }
      packages.push({ name: pkg.name, dir, src: join(dir, 'src'), out, entries, manifest: JSON.stringify([pkg.name, pkg.main, pkg.exports]) });
    }
  }
  return packages;
}

function walk(dir, files = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') walk(path, files);
    } else files.push(path);
  }
  return files;
}

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

/** Writes through a temporary file, so a process starting meanwhile never reads half a module. */
function writeAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Rewrites `require("…")` of workspace packages and of other packages' sources to the compiled files. */
function rewriteRequires(code, { srcFile, outFile, byName, packages }) {
  return code.replace(/\brequire\((["'])([^"']+)\1\)/g, (whole, quote, spec) => {
    let target;
    if (spec.startsWith('@stac/')) {
      const [scope, name, ...rest] = spec.split('/');
      const pkg = byName.get(`${scope}/${name}`);
      if (!pkg) throw new Error(`${relative(ROOT, srcFile)}: unknown workspace package in "${spec}"`);
      const subpath = rest.length ? `./${rest.join('/')}` : '.';
      target = pkg.entries.get(subpath);
      if (!target) throw new Error(`${relative(ROOT, srcFile)}: "${spec}" is not an entry point of ${pkg.name} (package.json exports)`);
    } else if (spec.startsWith('.')) {
      const abs = resolve(dirname(srcFile), spec);
      const owner = packages.find((p) => abs === p.src || abs.startsWith(p.src + sep));
      const rel = owner ? relative(owner.src, abs) : '';
      const isFile = (f) => existsSync(f) && statSync(f).isFile();
      const found = owner && [`${rel}.ts`, join(rel, 'index.ts'), rel].find((c) => isFile(join(owner.src, c)));
      // A module of some package's src/: its compiled (or copied) file. Anything else (a package.json, a
      // file outside src/): the original, since the output sits one folder deeper than its source.
      target = found ? join(owner.out, found.replace(/\.ts$/, '.js')) : abs;
    } else return whole;
    let path = relative(dirname(outFile), target).split(sep).join('/');
    if (!path.startsWith('.')) path = `./${path}`;
    return `require(${quote}${path}${quote})`;
  });
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Compiles what is out of date. Returns { compiled, copied, removed, files, ms }. Throws on a compile error,
 * naming the file.
 */
export async function buildWorkspace({ root = ROOT, log = () => {} } = {}) {
  const started = Date.now();
  const require = createRequire(join(root, 'package.json'));
  const swcVersion = JSON.parse(readFileSync(require.resolve('@swc/core/package.json'), 'utf8')).version;
  const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const stamp = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(JSON.stringify(swcrc))
    .update(swcVersion)
    .update(packages.map((p) => p.manifest).join('\n'))
    .digest('hex');

  const jobs = [];
  let removed = 0;
  let files = 0;
  for (const pkg of packages) {
    const stampFile = join(pkg.out, STAMP);
    const fresh = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
    if (!fresh) rmSync(pkg.out, { recursive: true, force: true });
    const wanted = new Set([stampFile]);
    for (const srcFile of walk(pkg.src)) {
      if (TESTS.test(srcFile) || srcFile.endsWith('.d.ts')) continue;
      const rel = relative(pkg.src, srcFile);
      const isTs = srcFile.endsWith('.ts');
      const outFile = join(pkg.out, isTs ? rel.replace(/\.ts$/, '.js') : rel);
      files++;
      wanted.add(outFile);
      if (isTs) wanted.add(`${outFile}.map`);
      if (mtime(outFile) >= mtime(srcFile)) continue;
      jobs.push({ pkg, srcFile, outFile, isTs });
    }
    if (fresh && existsSync(pkg.out)) {
      for (const file of walk(pkg.out)) {
        if (!wanted.has(file)) {
          rmSync(file, { force: true });
          removed++;
        }
      }
    }
    jobs.push({ pkg, stampFile, stamp });
  }

  let compiled = 0;
  let copied = 0;
  const work = jobs.filter((j) => j.srcFile);
  // Loaded only when there is something to compile: the native binding alone takes a few hundred ms.
  const swc = work.some((j) => j.isTs) ? require('@swc/core') : undefined;
  await mapLimit(work, Math.max(2, availableParallelism()) * 2, async ({ pkg, srcFile, outFile, isTs }) => {
    if (!isTs) {
      mkdirSync(dirname(outFile), { recursive: true });
      copyFileSync(srcFile, outFile);
      copied++;
      return;
    }
    let result;
    try {
      result = await swc.transformFile(srcFile, {
        ...swcrc,
        swcrc: false,
        configFile: false,
        filename: srcFile,
        sourceFileName: relative(dirname(outFile), srcFile).split(sep).join('/'),
        sourceMaps: true,
      });
    } catch (e) {
      throw new Error(`build: ${relative(root, srcFile)}: ${e.message ?? e}`);
    }
    const code = rewriteRequires(result.code, { srcFile, outFile, byName, packages, pkg });
    const mapName = `${outFile.slice(dirname(outFile).length + 1)}.map`;
    if (result.map) writeAtomic(`${outFile}.map`, result.map);
    writeAtomic(outFile, `${code}\n//# sourceMappingURL=${mapName}\n`);
    compiled++;
  });
  for (const j of jobs) if (j.stampFile) writeAtomic(j.stampFile, j.stamp);
  const result = { compiled, copied, removed, files, ms: Date.now() - started };
  log(
    compiled || copied || removed
      ? `compiled ${compiled} of ${files} files to <package>/${OUT_DIR.split(sep).join('/')} in ${result.ms} ms`
      : `compiled JavaScript is up to date (${files} files, ${result.ms} ms)`,
  );
  return result;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quiet = process.argv.includes('--quiet');
  buildWorkspace({ log: quiet ? () => {} : (line) => process.stderr.write(`[build] ${line}\n`) }).catch((e) => {
    process.stderr.write(`[build] ${e.message}\n`);
    process.exit(1);
  });
}
