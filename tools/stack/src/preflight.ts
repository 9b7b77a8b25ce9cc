import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';

/**
 * Checks that the local Postgres and NATS (with JetStream) answer before anything is started, so a
 * missing server is reported as one clear line with the command that starts it, not as six services
 * failing their readiness checks.
 */

export interface Problem {
  readonly what: 'Postgres' | 'NATS';
  readonly detail: string;
  readonly fix: readonly string[];
}

const PG_START = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
const NATS_START =
  'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server';

// docker-compose.yml publishes only the gateway; this override publishes Postgres and NATS on loopback.
const COMPOSE_UP = 'docker compose -f docker-compose.yml -f deploy/compose/local-infra.yml up -d';

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

const reason = (e: unknown) => {
  const err = e as { code?: string; message?: string; errors?: { code?: string }[] };
  return err.code ?? err.errors?.[0]?.code ?? err.message ?? String(e);
};

export async function checkPostgres(pgBase: string): Promise<Problem | undefined> {
  const u = new URL(pgBase);
  u.pathname = '/postgres';
  const client = new Client({ connectionString: u.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return {
      what: 'Postgres',
      detail: `cannot connect to ${redact(pgBase)} (${reason(e)})`,
      fix: [
        `locally:  ${PG_START}`,
        `with Docker:  ${COMPOSE_UP} postgres`,
        '  then STAC_PG_URL=postgres://postgres:$STAC_PG_SUPERUSER_PASSWORD@127.0.0.1:5432 (the compose superuser)',
        'or point STAC_PG_URL at a running server',
      ],
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `auth`: a bus user's credentials and TLS, when the NATS is a permissioned one (compose's; BUS-01). */
export async function checkNats(natsUrl: string, auth: Record<string, unknown> = {}): Promise<Problem | undefined> {
  const fix = [
    `locally:  ${NATS_START}`,
    `with Docker:  ${COMPOSE_UP} nats`,
    'or point NATS_URL at a running server',
  ];
  let nc;
  try {
    nc = await connect({
      ...auth,
      servers: natsUrl.split(',').map((s) => s.trim()),
      timeout: 3000,
      reconnect: false,
      name: 'stac-stack-preflight',
    });
  } catch (e) {
    return { what: 'NATS', detail: `cannot connect to ${redact(natsUrl)} (${reason(e)})`, fix };
  }
  try {
    // The server announces JetStream in its INFO; without it every service fails to provision its stream.
    if (!nc.info?.jetstream) {
      return {
        what: 'NATS',
        detail: `${redact(natsUrl)} answers but JetStream is not enabled`,
        fix: ['restart nats-server with -js (and -sd <dir>)', ...fix],
      };
    }
    return undefined;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

/** Runs the requested checks; prints every problem with its fix to `out` and returns whether all passed. */
export async function preflight(
  checks: { pgBase?: string; natsUrl?: string; natsAuth?: Record<string, unknown> },
  out: NodeJS.WritableStream = process.stderr,
): Promise<boolean> {
  const problems = (
    await Promise.all([
      checks.pgBase !== undefined ? checkPostgres(checks.pgBase) : undefined,
      checks.natsUrl !== undefined ? checkNats(checks.natsUrl, checks.natsAuth) : undefined,
    ])
  ).filter((p): p is Problem => p !== undefined);
  for (const p of problems) {
    out.write(
      `\n${p.what} is not reachable: ${p.detail}\nStart it with one of:\n${p.fix.map((f) => `  ${f}`).join('\n')}\n`,
    );
  }
  return problems.length === 0;
}
