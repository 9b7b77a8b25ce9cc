import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkManifest, readLock, scanMigrations, type LockedMigration, type MigrationManifest } from './migration-manifest';

const ROOT = resolve(__dirname, '../../..');

describe('migrations.lock.json: landed migrations never change', () => {
  it('every migration in the repository is locked with its checksum, unchanged, in timestamp order', () => {
    const scanned = scanMigrations(ROOT);
    const { problems, unlocked } = checkManifest(readLock(ROOT), scanned.manifest);
    expect([...scanned.problems, ...problems]).toEqual([]);
    // A new migration is locked in the change that adds it (`pnpm migrations:lock`).
    expect(unlocked.map((u) => `${u.service}: ${u.migration.name} is not in migrations.lock.json; run pnpm migrations:lock`)).toEqual([]);
  });

  it('every service database runs the shared library migrations and its own', () => {
    const { services } = scanMigrations(ROOT).manifest;
    expect(Object.keys(services).sort()).toEqual(['advocacy', 'intake', 'mental-health', 'probation', 'risk-assessment']);
    for (const list of Object.values(services)) {
      expect(list.map((m) => m.name)).toEqual(expect.arrayContaining(['MessagingSchema1764201600000', 'AccessSchema1764201650000']));
    }
  });
});

describe('checkManifest', () => {
  const m = (name: string, sha = `sha-${name}`): LockedMigration => ({ name, file: `apps/x/src/migrations/${name}.ts`, sha256: sha });
  const manifest = (...list: LockedMigration[]): MigrationManifest => ({ services: { x: list } });
  const landed = manifest(m('Schema1700000000000'), m('Later1700000100000'));

  it('passes an unchanged repository and offers a later new migration for locking', () => {
    const result = checkManifest(landed, manifest(m('Schema1700000000000'), m('Later1700000100000'), m('Next1700000200000')));
    expect(result.problems).toEqual([]);
    expect(result.unlocked.map((u) => u.migration.name)).toEqual(['Next1700000200000']);
  });

  it('fails when a landed migration is edited in place', () => {
    const result = checkManifest(landed, manifest(m('Schema1700000000000', 'edited'), m('Later1700000100000')));
    expect(result.problems).toEqual([expect.stringMatching(/^x: landed migration Schema1700000000000 changed/)]);
  });

  it('fails when a new migration sorts before a landed one', () => {
    const result = checkManifest(landed, manifest(m('Schema1700000000000'), m('Sneaky1700000050000'), m('Later1700000100000')));
    expect(result.problems).toEqual([expect.stringMatching(/new migration Sneaky1700000050000 .* sorts before landed Later1700000100000/)]);
    expect(result.unlocked).toEqual([]);
  });

  it('fails when a landed migration is removed or moved', () => {
    const moved = { ...m('Later1700000100000'), file: 'apps/x/src/elsewhere.ts' };
    expect(checkManifest(landed, manifest(m('Schema1700000000000'))).problems).toEqual([expect.stringMatching(/Later1700000100000 .* is gone/)]);
    expect(checkManifest(landed, manifest(m('Schema1700000000000'), moved)).problems).toEqual([expect.stringMatching(/Later1700000100000 moved/)]);
  });
});

describe('scanMigrations', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const migration = (name: string) => `export class ${name} implements MigrationInterface { name = '${name}'; }\n`;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'stac-migrations-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists shared and own migrations per service in timestamp order, skipping tests', () => {
    write('libs/base/src/base.migration.ts', migration('Base1700000000000'));
    write('libs/base/src/base.int-spec.ts', migration('Fixture1600000000000'));
    write('apps/svc/src/migrations/1700000100000-own.ts', migration('Own1700000100000'));
    write('apps/svc/src/migrations/1650000000000-early.ts', migration('Early1650000000000'));
    write('apps/edge/src/main.ts', 'export {};\n');
    const { manifest, problems } = scanMigrations(root);
    expect(problems).toEqual([]);
    expect(Object.keys(manifest.services)).toEqual(['svc']);
    expect(manifest.services.svc.map((x) => [x.name, x.file])).toEqual([
      ['Early1650000000000', 'apps/svc/src/migrations/1650000000000-early.ts'],
      ['Base1700000000000', 'libs/base/src/base.migration.ts'],
      ['Own1700000100000', 'apps/svc/src/migrations/1700000100000-own.ts'],
    ]);
    expect(manifest.services.svc[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names a class without a timestamp and two migrations sharing one', () => {
    write('libs/base/src/base.migration.ts', migration('Base1700000000000'));
    write('apps/svc/src/migrations/a.ts', migration('NoTimestamp'));
    write('apps/svc/src/migrations/b.ts', migration('Twin1700000000000'));
    expect(scanMigrations(root).problems).toEqual([
      'apps/svc/src/migrations/a.ts: migration class NoTimestamp does not end in a 13-digit timestamp',
      expect.stringMatching(/Twin1700000000000 and Base1700000000000 share the timestamp/),
    ]);
  });
});
