import { Client } from 'pg';

/** Postgres URL of `database` on the server of `pgBase` (its own path, if any, is replaced). */
export function databaseUrl(pgBase: string, database: string): string {
  const u = new URL(pgBase);
  u.pathname = `/${database}`;
  return u.toString();
}

function split(url: string): { name: string; admin: string } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error(`bench: database name "${name}" must be lower-case letters, digits and _`);
  u.pathname = '/postgres';
  return { name, admin: u.toString() };
}

async function admin<T>(url: string, fn: (c: Client, name: string) => Promise<T>): Promise<T> {
  const { name, admin: adminUrl } = split(url);
  const c = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c, name);
  } finally {
    await c.end();
  }
}

export const createDatabase = (url: string) =>
  admin(url, (c, name) => c.query(`CREATE DATABASE "${name}"`)).then(() => undefined);

/** Drops the database, closing whatever still holds a connection to it. */
export const dropDatabase = (url: string) =>
  admin(url, (c, name) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined);

/** Runs one query on `url` with a short-lived connection. */
export async function query<R extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return (await c.query<R>(sql, params)).rows;
  } finally {
    await c.end();
  }
}
