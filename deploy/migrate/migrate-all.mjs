// The compose `migrate` job: runs each named service's compiled migrate entry (/app/<service>/dist/migrate.js)
// one after another, stopping at the first failure so no service starts on a half-migrated schema.
//
// Each service sees only its own settings: <SERVICE>_<VAR> in this job's environment becomes <VAR> for
// that service alone (INTAKE_DATABASE_MIGRATION_URL -> DATABASE_MIGRATION_URL, INTAKE_INTAKE_DATA_KEYS -> INTAKE_DATA_KEYS), and
// no service sees another's. Variables without a service prefix (NODE_ENV, LOG_LEVEL) go to all.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const services = process.argv.slice(2);
if (services.length === 0) {
  console.error('usage: node migrate-all.mjs <service>...');
  process.exit(64);
}
const prefixOf = (svc) => `${svc.toUpperCase().replace(/-/g, '_')}_`;
const prefixes = services.map(prefixOf);

for (const svc of services) {
  const own = prefixOf(svc);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!prefixes.some((p) => k.startsWith(p))) env[k] = v;
  }
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith(own)) env[k.slice(own.length)] = v;
  }
  // The owner role migrates; DATABASE_URL names the runtime role the migration grants (LAW-07).
  for (const name of ['DATABASE_MIGRATION_URL', 'DATABASE_URL']) {
    if (!env[name]) {
      console.error(`migrate-all: ${own}${name} is not set`);
      process.exit(78);
    }
  }
  console.log(`migrate-all: ${svc}`);
  const dir = join(process.env.MIGRATE_APPS_DIR ?? '/app', svc);
  const run = spawnSync(process.execPath, ['--enable-source-maps', 'dist/migrate.js'], {
    cwd: dir,
    env,
    stdio: 'inherit',
  });
  if (run.status !== 0) {
    console.error(`migrate-all: ${svc} failed (${run.signal ?? `exit ${run.status}`})`);
    process.exit(run.status || 1);
  }
}
console.log('migrate-all: done');
