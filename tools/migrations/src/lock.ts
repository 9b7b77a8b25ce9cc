// `pnpm migrations:lock`: adds new migrations to migrations.lock.json. It never rewrites a landed entry:
// when a landed migration changed, moved or is gone, or a new one sorts before a landed one, it says so
// and exits 1 without writing.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkManifest, LOCK_FILE, readLock, scanMigrations, withNewMigrations } from './migration-manifest';

const root = resolve(__dirname, '../../..');
const locked = readLock(root);
const scanned = scanMigrations(root);
const { problems, unlocked } = checkManifest(locked, scanned.manifest);
const all = [...scanned.problems, ...problems];
if (all.length) {
  process.stderr.write(`${LOCK_FILE} not updated:\n${all.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
if (unlocked.length === 0) {
  process.stdout.write(`${LOCK_FILE} is up to date\n`);
} else {
  writeFileSync(join(root, LOCK_FILE), `${JSON.stringify(withNewMigrations(locked, unlocked), null, 2)}\n`);
  for (const { service, migration } of unlocked) process.stdout.write(`locked ${service}: ${migration.name} (${migration.file})\n`);
}
