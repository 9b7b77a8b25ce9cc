/**
 * Tells a failure of the infrastructure (the database or NATS is unreachable, refusing, restarting
 * or saturated) from a failure of the message itself. The first pauses the consumer until the
 * dependency is back and never spends a delivery; only the second is retried with backoff and
 * finally dead-lettered (REL-07).
 */

/** SQLSTATEs no redelivery can fix: the event names a row that does not exist, breaks a constraint, holds a value of the wrong type. */
const PERMANENT_PG_CODES = new Set(['23503', '23502', '23514', '22P02', '22007', '22008']);

/** SQLSTATE classes and codes that say "the database is not there for anyone right now". */
const INFRA_PG_CLASSES = ['08', '53', '57P']; // connection exception, insufficient resources, operator intervention
const INFRA_PG_CODES = new Set(['57P01', '57P02', '57P03', '3D000', '28000', '58030']);

/** Socket-level errors of the pg driver (Node's `code`). */
const INFRA_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** Messages of pg / pg-pool / TypeORM that carry no code but mean a lost or unobtainable connection. */
const INFRA_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i, // pool exhausted for the whole acquire timeout
  /not currently accepting connections/i, // ALTER DATABASE ... ALLOW_CONNECTIONS false (SQLSTATE 55000)
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /Connection is not established/i,
  /sorry, too many clients/i,
];

/**
 * Error names that mean a lost connection: NATS client errors while the connection is down or
 * reconnecting, and TypeORM's released query runner: when the server ends a session mid-transaction,
 * TypeORM releases the transaction's query runner on the connection's error event, so the statements
 * after the loss fail with this rather than with the socket error. (A handler that used a manager
 * after its transaction would fail this way while every probe answers: the consumer then treats it
 * as a failure of the message after a few attempts, see MAX_INFRA_FAILURES_WHILE_HEALTHY.)
 */
const INFRA_ERROR_NAMES = new Set([
  'ClosedConnectionError',
  'TimeoutError',
  'RequestError',
  'NoRespondersError',
  'ConnectionError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur);
    const c = cur as { driverError?: unknown; cause?: unknown };
    cur = c.driverError ?? c.cause;
  }
  return out;
}

export function databaseErrorCode(e: unknown): string | undefined {
  for (const x of chain(e)) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export function isPermanentDatabaseError(e: unknown): boolean {
  const code = databaseErrorCode(e);
  return typeof code === 'string' && PERMANENT_PG_CODES.has(code);
}

/** True when retrying the same message later, unchanged, is expected to succeed once a dependency is back. */
export function isInfrastructureFailure(e: unknown): boolean {
  for (const x of chain(e)) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (INFRA_SOCKET_CODES.has(code) || INFRA_PG_CODES.has(code)) return true;
      if (/^[0-9A-Z]{5}$/.test(code) && INFRA_PG_CLASSES.some((c) => code.startsWith(c))) return true;
    }
    const name = (x as { name?: unknown }).name;
    if (typeof name === 'string' && INFRA_ERROR_NAMES.has(name)) return true;
    const message = (x as { message?: unknown }).message;
    if (typeof message === 'string' && INFRA_MESSAGES.some((r) => r.test(message))) return true;
  }
  return false;
}
