import { Client } from 'pg';

/**
 * Two roles per service database (LAW-07): the owner, which the migrate step connects as and which owns
 * every table, trigger and function; and the runtime role the running service connects as, which owns
 * nothing, so it cannot alter or drop what the migrations made (the access log's triggers included).
 */
export interface ServiceDatabaseRoles {
  /** Owner role: migrations only. */
  readonly owner: string;
  /** Runtime role: the running service. */
  readonly runtime: string;
}

const ROLE = /^[a-z][a-z0-9_]{0,62}$/;
const ident = (name: string) => {
  if (!ROLE.test(name)) throw new Error(`database role "${name}" must be lower-case letters, digits and _`);
  return `"${name}"`;
};

/** The role names in a database URL (its user) and its database name. */
export function urlRole(url: string): string {
  return decodeURIComponent(new URL(url).username);
}
export function urlDatabase(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

/** The conventional role names of a service database: `<db>_owner` and `<db>_app`. */
export function serviceRoles(database: string): ServiceDatabaseRoles {
  return { owner: `${database}_owner`, runtime: `${database}_app` };
}

/** `url` with another user (and password, when given). */
export function withRole(url: string, role: string, password?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Local stacks and tests (what deploy/postgres/init does in compose): as a superuser on `adminUrl`, creates
 * both roles (no superuser, no CREATEDB/CREATEROLE) and the database owned by the owner role, closed to
 * everyone else. Idempotent; returns whether the database was created.
 */
export async function prepareServiceDatabase(
  adminUrl: string,
  database: string,
  roles: ServiceDatabaseRoles,
  passwords: { owner?: string; runtime?: string } = {},
): Promise<boolean> {
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error('database name must be lower-case letters, digits and _');
  const admin = new URL(adminUrl);
  admin.pathname = '/postgres';
  return withClient(admin.toString(), async (c) => {
    for (const [role, password] of [
      [roles.owner, passwords.owner],
      [roles.runtime, passwords.runtime],
    ] as const) {
      const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const pw = password ? ` PASSWORD '${password.replace(/'/g, "''")}'` : '';
      if (!exists.rowCount) {
        try {
          await c.query(`CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE${pw}`);
        } catch (e) {
          // Two starters racing: the other one created it.
          if ((e as { code?: string }).code !== '42710') throw e;
        }
      }
    }
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return false;
    try {
      await c.query(`CREATE DATABASE "${database}" OWNER ${ident(roles.owner)}`);
    } catch (e) {
      if ((e as { code?: string }).code === '42P04') return false;
      throw e;
    }
    await c.query(`REVOKE ALL ON DATABASE "${database}" FROM PUBLIC`);
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE "${database}" TO ${ident(roles.runtime)}`);
    return true;
  }).then(async (created) => {
    if (created) {
      // The owner role owns the schema too (on PostgreSQL < 15 it belongs to the superuser, open to PUBLIC).
      const db = new URL(adminUrl);
      db.pathname = `/${database}`;
      await withClient(db.toString(), (c) => c.query(`ALTER SCHEMA public OWNER TO ${ident(roles.owner)}`));
    }
    return created;
  });
}

/** Drops a database prepared by `prepareServiceDatabase` and its two roles (tests). */
export async function dropServiceDatabase(adminUrl: string, database: string, roles: ServiceDatabaseRoles): Promise<void> {
  const admin = new URL(adminUrl);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '')}" WITH (FORCE)`);
    for (const role of [roles.runtime, roles.owner]) await c.query(`DROP ROLE IF EXISTS ${ident(role)}`);
  });
}

/**
 * After the migrations, as the owner: the runtime role may use every table and sequence of the schema
 * (what the service does today), nothing it does not own can be altered, and the tables named in
 * `appendOnly` are INSERT and SELECT only, those in `readOnly` SELECT only. `functions` lists the ones the
 * runtime role may call that the migrations closed to PUBLIC (e.g. sealing the access log, SECURITY DEFINER).
 */
export async function grantRuntimeRole(
  ownerUrl: string,
  runtimeRole: string,
  o: { appendOnly?: readonly string[]; readOnly?: readonly string[]; functions?: readonly string[] } = {},
): Promise<void> {
  const owner = urlRole(ownerUrl);
  if (owner === runtimeRole)
    throw new Error('the runtime role must differ from the owner role (it would own, and could rewrite, its access log)');
  const r = ident(runtimeRole);
  await withClient(ownerUrl, async (c) => {
    await c.query('BEGIN');
    // Nobody but the owner creates objects here (PostgreSQL < 15 lets PUBLIC create in `public`).
    await c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    await c.query(`GRANT USAGE ON SCHEMA public TO ${r}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r}`);
    await c.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${r}`);
    // The migrations' own bookkeeping is read-only to the service.
    await c.query(`REVOKE INSERT, UPDATE, DELETE ON TABLE schema_migrations FROM ${r}`);
    for (const t of o.readOnly ?? []) await c.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON TABLE ${ident(t)} FROM ${r}`);
    for (const t of o.appendOnly ?? []) await c.query(`REVOKE UPDATE, DELETE, TRUNCATE ON TABLE ${ident(t)} FROM ${r}`);
    await c.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM ${r}`);
    for (const f of o.functions ?? []) await c.query(`GRANT EXECUTE ON FUNCTION ${f} TO ${r}`);
    await c.query('COMMIT');
  });
}
