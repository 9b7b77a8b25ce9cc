import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_DATABASES, type DatabaseService } from '@stac/config';
import { repoRoot } from '@stac/testing';
import { ENCRYPTED_TABLES } from './encrypted-tables';

/** Every `<name>_enc bytea` column the service's migrations create (CREATE TABLE or ADD COLUMN). */
function encryptedColumnsInMigrations(service: DatabaseService): string[] {
  const dir = join(repoRoot(), 'apps', service, 'src', 'migrations');
  const columns = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/\b([a-z_]+_enc)\s+bytea\b/g)) columns.add(m[1]);
  }
  return [...columns].sort();
}

describe('pnpm keys: the encrypted columns of every service', () => {
  it.each(Object.keys(SERVICE_DATABASES) as DatabaseService[])('DP-02: %s: the rotation knows every encrypted column its migrations create', (service) => {
    const listed = ENCRYPTED_TABLES[service].flatMap((t) => t.columns.filter((c) => c.format !== 'sealed-json').map((c) => c.column)).sort();
    expect(listed).toEqual(encryptedColumnsInMigrations(service));
    expect(listed.length).toBeGreaterThan(0);
    // Its first answers to Idempotency-Keys too (they can echo sealed fields).
    expect(ENCRYPTED_TABLES[service].some((t) => t.rowId === 'key' && t.columns.some((c) => c.column === 'response' && c.format === 'sealed-json'))).toBe(true);
  });
});
