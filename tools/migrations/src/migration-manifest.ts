import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The checked-in manifest, at the repository root. */
export const LOCK_FILE = 'migrations.lock.json';

export interface LockedMigration {
  /** The class name TypeORM records in the `migrations` table; it ends in the 13-digit timestamp. */
  name: string;
  file: string;
  /** SHA-256 of the file's bytes: a landed migration never changes, not even its formatting. */
  sha256: string;
}

export interface MigrationManifest {
  comment?: string;
  /** Per service database, every migration it runs, in the order TypeORM runs them (by timestamp). */
  services: Record<string, LockedMigration[]>;
}

export interface ManifestCheck {
  /** Landed migrations changed, moved or gone; new ones that sort before a landed one; bad names. */
  problems: string[];
  /** Migrations not in the manifest yet (fine to add with `pnpm migrations:lock` when nothing else is wrong). */
  unlocked: { service: string; migration: LockedMigration }[];
}

const MIGRATION_CLASS = /class\s+([A-Za-z_$][\w$]*)\s+implements\s+MigrationInterface/g;
const SOURCE = /\.ts$/;
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;

export function timestampOf(name: string): number | undefined {
  const m = /(\d{13})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n !== 'node_modules')
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return sourceFiles(p);
      return SOURCE.test(n) && !TEST_FILE.test(n) ? [p] : [];
    });
}

function migrationsIn(root: string, dir: string): { entries: LockedMigration[]; problems: string[] } {
  const entries: LockedMigration[] = [];
  const problems: string[] = [];
  for (const path of sourceFiles(dir)) {
    const bytes = readFileSync(path);
    const file = relative(root, path).split(sep).join('/');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    for (const [, name] of bytes.toString('utf8').matchAll(MIGRATION_CLASS)) {
      if (timestampOf(name) === undefined) problems.push(`${file}: migration class ${name} does not end in a 13-digit timestamp`);
      else entries.push({ name, file, sha256 });
    }
  }
  return { entries, problems };
}

const byTimestamp = (a: LockedMigration, b: LockedMigration) => timestampOf(a.name)! - timestampOf(b.name)! || a.name.localeCompare(b.name);

/**
 * Every migration in the repository, per service database: the ones in shared libraries (every domain
 * service runs them, see allMigrations in libs/runtime) plus those in `apps/<service>/src`. Services are
 * the apps that have migrations of their own.
 */
export function scanMigrations(root: string): { manifest: MigrationManifest; problems: string[] } {
  const problems: string[] = [];
  const shared: LockedMigration[] = [];
  for (const lib of readdirSync(join(root, 'libs')).sort()) {
    const found = migrationsIn(root, join(root, 'libs', lib, 'src'));
    shared.push(...found.entries);
    problems.push(...found.problems);
  }
  const services: Record<string, LockedMigration[]> = {};
  for (const app of readdirSync(join(root, 'apps')).sort()) {
    const found = migrationsIn(root, join(root, 'apps', app, 'src'));
    problems.push(...found.problems);
    if (found.entries.length === 0) continue;
    services[app] = [...shared, ...found.entries].sort(byTimestamp);
    const seen = new Map<number, string>();
    for (const m of services[app]) {
      const ts = timestampOf(m.name)!;
      if (seen.has(ts)) problems.push(`${app}: ${m.name} and ${seen.get(ts)} share the timestamp ${ts}; the order they run in is undefined`);
      seen.set(ts, m.name);
    }
  }
  return { manifest: { services }, problems };
}

/** Compares the repository with the checked-in manifest. */
export function checkManifest(locked: MigrationManifest, current: MigrationManifest): ManifestCheck {
  const problems: string[] = [];
  const unlocked: ManifestCheck['unlocked'] = [];
  const names = [...new Set([...Object.keys(locked.services), ...Object.keys(current.services)])].sort();
  for (const service of names) {
    const landed = locked.services[service] ?? [];
    const now = current.services[service] ?? [];
    const nowByName = new Map(now.map((m) => [m.name, m]));
    for (const l of landed) {
      const c = nowByName.get(l.name);
      if (!c) problems.push(`${service}: landed migration ${l.name} (${l.file}) is gone; a landed migration is never removed`);
      else if (c.sha256 !== l.sha256)
        problems.push(
          `${service}: landed migration ${l.name} changed (${l.file}: sha256 ${l.sha256.slice(0, 12)}… is now ${c.sha256.slice(0, 12)}…); ` +
            'never edit a landed migration, put it back and add a new one',
        );
      else if (c.file !== l.file) problems.push(`${service}: landed migration ${l.name} moved from ${l.file} to ${c.file}`);
    }
    const lastLanded = [...landed].sort(byTimestamp).at(-1);
    const landedNames = new Set(landed.map((m) => m.name));
    for (const m of now.filter((x) => !landedNames.has(x.name))) {
      if (lastLanded && timestampOf(m.name)! <= timestampOf(lastLanded.name)!)
        problems.push(
          `${service}: new migration ${m.name} (${m.file}) sorts before landed ${lastLanded.name}; ` +
            `a database that already ran ${lastLanded.name} would run it in a different order than a fresh one: ` +
            `give it a timestamp after ${timestampOf(lastLanded.name)}`,
        );
      else unlocked.push({ service, migration: m });
    }
  }
  return { problems, unlocked };
}

export function readLock(root: string): MigrationManifest {
  const path = join(root, LOCK_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MigrationManifest) : { services: {} };
}

/** The manifest with the new migrations added; landed entries are kept exactly as they were locked. */
export function withNewMigrations(locked: MigrationManifest, unlocked: ManifestCheck['unlocked']): MigrationManifest {
  const services: Record<string, LockedMigration[]> = {};
  for (const [service, entries] of Object.entries(locked.services)) services[service] = [...entries];
  for (const { service, migration } of unlocked) (services[service] ??= []).push(migration);
  for (const s of Object.keys(services)) services[s].sort(byTimestamp);
  return {
    comment:
      'Checksums of every landed migration, per service database. Never edit a landed migration: add a new one ' +
      'and run `pnpm migrations:lock` (it only adds). Checked by tools/migrations/src/migration-manifest.spec.ts.',
    services: Object.fromEntries(Object.keys(services).sort().map((s) => [s, services[s]])),
  };
}
