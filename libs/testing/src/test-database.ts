import { randomBytes } from 'node:crypto';
import { dropDatabase, dropServiceDatabase, ensureDatabase, prepareServiceDatabase, serviceRoles, withRole } from '@stac/persistence';

export const TEST_PG_BASE = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the real local Postgres; dropped by `drop()`. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `stac_test_${label.replace(/[^a-z0-9]/g, '_')}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const u = new URL(TEST_PG_BASE);
  u.pathname = `/${name}`;
  const url = u.toString();
  await ensureDatabase(url);
  return { url, name, drop: () => dropDatabase(url) };
}

export interface TestServiceDatabase extends TestDatabase {
  /** As the owner role: run the migrations (and `grantRuntimeRole`) with this. */
  ownerUrl: string;
  /** The runtime role's name; `url` connects as it. */
  runtimeRole: string;
}

/**
 * A fresh database with the two roles a service database has (LAW-07): `ownerUrl` owns it (migrations),
 * `url` is the runtime role, which owns nothing. `drop()` removes the database and both roles.
 */
export async function createTestServiceDatabase(label: string): Promise<TestServiceDatabase> {
  const name = `stac_test_${label.replace(/[^a-z0-9]/g, '_').slice(0, 20)}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const roles = serviceRoles(name);
  await prepareServiceDatabase(TEST_PG_BASE, name, roles);
  const u = new URL(TEST_PG_BASE);
  u.pathname = `/${name}`;
  return {
    name,
    url: withRole(u.toString(), roles.runtime),
    ownerUrl: withRole(u.toString(), roles.owner),
    runtimeRole: roles.runtime,
    drop: () => dropServiceDatabase(TEST_PG_BASE, name, roles),
  };
}

/**
 * A short unique token for stream names, subject prefixes and consumer names so test runs never
 * share JetStream state. Lower-case letters only (`t` + 8 of a-p), so it is also a valid event
 * producer and subject token under the envelope's `[a-z-]` rules.
 */
export function uniqueToken(): string {
  return `t${[...randomBytes(4).toString('hex')].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('')}`;
}
