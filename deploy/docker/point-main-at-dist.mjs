// Repoints a workspace package's `main` from its TypeScript source (src/x.ts) to the compiled
// JavaScript (dist/x.js) produced by build-app.sh. Fails when the compiled file is missing, so a
// package whose layout changed breaks the image build instead of the running container.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const file = join(dir, 'package.json');
const pkg = JSON.parse(readFileSync(file, 'utf8'));
const main = pkg.main ?? 'src/index.ts';
const compiled = main.replace(/^(\.\/)?src\/(.*)\.ts$/, 'dist/$2.js');
if (compiled === main && !/^(\.\/)?dist\/.*\.js$/.test(main)) {
  console.error(`point-main-at-dist: ${file}: main "${main}" is not a src/*.ts file`);
  process.exit(65);
}
if (!existsSync(join(dir, compiled))) {
  console.error(`point-main-at-dist: ${join(dir, compiled)} was not produced`);
  process.exit(65);
}
pkg.main = compiled;
delete pkg.types;
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
