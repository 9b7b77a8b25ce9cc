// Repoints a workspace package's `main` and `exports` from its TypeScript sources (src/x.ts) to the
// compiled JavaScript (dist/x.js) produced by build-app.sh. Fails when a compiled file is missing, so a
// package whose layout changed breaks the image build instead of the running container. Subpath
// exports of test helpers (`./testing`) are dropped: build-app.sh compiles no `testing/` folder.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const file = join(dir, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const main = pkg.main ?? 'src/index.ts';
const toDist = (path) => path.replace(/^(\.\/)?src\/(.*)\.ts$/, (_m, dot, rest) => `${dot ?? ''}dist/${rest}.js`);
const compiled = toDist(main);
if (compiled === main && !/^(\.\/)?dist\/.*\.js$/.test(main)) {
  console.error(`point-main-at-dist: ${file}: main "${main}" is not a src/*.ts file`);
  process.exit(65);
}
const mustExist = (path) => {
  if (!existsSync(join(dir, path))) {
    console.error(`point-main-at-dist: ${join(dir, path)} was not produced`);
    process.exit(65);
  }
};
mustExist(compiled);
pkg.main = compiled;
if (pkg.exports && typeof pkg.exports === 'object') {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'string') {
      console.error(`point-main-at-dist: ${file}: exports["${subpath}"] must be a path`);
      process.exit(65);
    }
    if (/(^|\/)testing(\/|$)/.test(target)) {
      delete pkg.exports[subpath];
      continue;
    }
    pkg.exports[subpath] = toDist(target);
    mustExist(pkg.exports[subpath]);
  }
}
delete pkg.types;
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
