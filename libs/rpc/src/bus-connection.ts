import { readFileSync } from 'node:fs';

/**
 * The bus users (BUS-01) and how each connects: its credentials, TLS and its own inbox prefix. What each
 * user may do is decided in libs/messaging/src/bus-permissions.ts; this part is all a client needs, kept
 * free of the messaging library so the gateway loads none of it.
 */
export const BUS_DOMAIN_SERVICES = ['intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'] as const;
export type BusDomainService = (typeof BUS_DOMAIN_SERVICES)[number];
/** Operator tools: `pnpm dlq`, `pnpm events:reconcile`, `pnpm audit:verify`. */
export const BUS_TOOLS = ['dlq', 'reconcile', 'audit-verify'] as const;
export const BUS_USERS = ['gateway', ...BUS_DOMAIN_SERVICES, ...BUS_TOOLS] as const;
export type BusUser = (typeof BUS_USERS)[number];

export function isBusUser(name: string): name is BusUser {
  return (BUS_USERS as readonly string[]).includes(name);
}

/**
 * Replies to a user's requests (request/reply and every JetStream API call) arrive under this prefix, and
 * only that user may subscribe to it: nobody reads another's replies.
 */
export function inboxPrefix(user: BusUser, namespace = ''): string {
  return namespace ? `_INBOX_${namespace}_${user}` : `_INBOX_${user}`;
}

/** What a client needs to connect as its bus user (from libs/config: NATS_USER, NATS_PASSWORD, NATS_TLS_CA). */
export interface BusCredentials {
  user?: string;
  password?: string;
  /** PEM file of the CA that signed the server's certificate; set = TLS required. */
  tlsCaFile?: string;
}

/** The bus part of a process's configuration (libs/config env-spec), as credentials. */
export function busCredentials(c: { NATS_USER?: string; NATS_PASSWORD?: string; NATS_TLS_CA?: string }): BusCredentials {
  return { user: c.NATS_USER || undefined, password: c.NATS_PASSWORD || undefined, tlsCaFile: c.NATS_TLS_CA || undefined };
}

/** Connection options of one bus user: servers, credentials, TLS and its own inbox prefix. */
export function busConnectionOptions(
  url: string,
  busUser: BusUser,
  namespace = '',
  creds: BusCredentials = {},
): { servers: string[]; user?: string; pass?: string; tls?: { ca: string }; inboxPrefix: string; noAsyncTraces: true } {
  return {
    servers: url.split(',').map((s) => s.trim()),
    // The client would otherwise build an Error (a stack trace) for every request and publish acknowledgement,
    // to decorate a failure that we turn into a problem answer anyway: a measurable cost on every request.
    noAsyncTraces: true,
    ...(creds.user ? { user: creds.user, pass: creds.password ?? '' } : {}),
    ...(creds.tlsCaFile ? { tls: { ca: readFileSync(creds.tlsCaFile, 'utf8') } } : {}),
    inboxPrefix: inboxPrefix(busUser, namespace),
  };
}

/**
 * The gateway's shared rate limit (API-08): a JetStream stream of one subject per hashed key,
 * `ratelimit.<hash>`. Named here so the bus permissions grant the gateway exactly this stream.
 */
export const RATE_LIMIT_STREAM = 'RATE_LIMITS';
export function rateLimitStreamName(namespace = ''): string {
  return namespace ? `${namespace.toUpperCase()}_${RATE_LIMIT_STREAM}` : RATE_LIMIT_STREAM;
}
export function rateLimitSubjects(namespace = ''): string {
  return namespace ? `${namespace}.ratelimit.*` : 'ratelimit.*';
}
