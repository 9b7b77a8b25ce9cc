import { STREAMS, type StreamDefinition } from '@stac/contracts';
import { deadLetterFilter, deadLetterStreamName } from './dead-letters';
import { streamName, wireSubject } from './provisioning';
import { BUS_USERS, inboxPrefix, rateLimitStreamName, rateLimitSubjects, type BusDomainService, type BusUser } from '@stac/rpc/bus';

// The users and how they connect (inbox prefixes, credentials) live in libs/rpc, which the gateway loads.
export * from '@stac/rpc/bus';

/**
 * Who may do what on the bus (BUS-01, BUS-02): the ONE place the NATS users' allow-lists come from. The
 * shipped server configurations (deploy/nats/nats.conf, deploy/nats/cluster/nats.conf) are generated from
 * it (`pnpm run nats:conf`, checked by test/nats/nats-permissions.spec.ts), the private server of the
 * end-to-end bus suite is configured from it, and each client derives its inbox prefix from it.
 *
 * Every service runs as its own NATS user in the deployment's one account. A domain service may publish
 * only its own stream's subjects (so a consumer can trust that an event on `intake.>` came from intake),
 * its own dead letters and access-log anchor, and answer only requests sent to `rpc.<service>.>` (replies
 * go through `allow_responses`: only to the reply subject of a request it received). It reads replies only
 * on its own inbox prefix, and calls only the JetStream API operations it needs: create/update of its own
 * stream, create-if-missing and info of the streams it reads, its own durable consumers on them, message
 * get for lag and dead-letter figures. No user of a service may delete or purge a stream, delete a message
 * or touch another service's consumer.
 */

/** Where the access-log chain heads are anchored (LAW-07; written by libs/auth's access log). */
export const ANCHOR_STREAM = 'AUDIT_ANCHORS';
export function anchorStreamName(namespace = ''): string {
  return namespace ? `${namespace.toUpperCase()}_${ANCHOR_STREAM}` : ANCHOR_STREAM;
}
export function anchorSubject(service: string, namespace = ''): string {
  return wireSubject(`audit.anchor.${service}`, namespace);
}

/** Request/reply subjects of a service (libs/contracts operations: `rpc.<service>.<...>`). */
export function rpcSubjects(service: string, namespace = ''): string {
  return wireSubject(`rpc.${service}.>`, namespace);
}

/**
 * The streams each domain service reads (its `@OnEvent` handlers' streams). The event consumer refuses to
 * start with a handler on a stream not listed here (its user could not read it), and
 * test/nats/nats-permissions.spec.ts checks this against the handlers in apps/, so neither can drift.
 */
export const CONSUMED_STREAMS: Readonly<Record<BusDomainService, readonly string[]>> = {
  intake: ['ADVOCACY', 'INTAKE', 'MENTAL_HEALTH', 'PROBATION', 'RISK'],
  'risk-assessment': ['ADVOCACY', 'INTAKE', 'PROBATION'],
  advocacy: ['INTAKE', 'PROBATION', 'RISK'],
  'mental-health': ['INTAKE'],
  probation: ['INTAKE', 'MENTAL_HEALTH'],
};

export interface BusPermissions {
  publish: string[];
  subscribe: string[];
  /** May answer requests it received (one reply each), whatever their reply subject. */
  allowResponses: boolean;
}

const API = '$JS.API';

function streamNamed(name: string, streams: readonly StreamDefinition[]): StreamDefinition {
  const s = streams.find((x) => x.name === name);
  if (!s) throw new Error(`bus permissions: no stream ${name}`);
  return s;
}

/** Each user's allow-lists, for one NATS_NAMESPACE (empty in production). */
export function busPermissions(user: BusUser, namespace = '', streams: readonly StreamDefinition[] = STREAMS): BusPermissions {
  const inbox = `${inboxPrefix(user, namespace)}.>`;
  const dlq = deadLetterStreamName(namespace);
  const anchors = anchorStreamName(namespace);
  const events = (s: StreamDefinition) => wireSubject(`${s.subjectPrefix}.>`, namespace);
  switch (user) {
    case 'gateway': {
      // Calls every service; of JetStream only its shared rate limit (API-08): one publish per request on
      // `ratelimit.<hash>`, its stream's create/update/info and the oldest message for Retry-After.
      const rl = rateLimitStreamName(namespace);
      return {
        publish: [
          wireSubject('rpc.>', namespace),
          rateLimitSubjects(namespace),
          `${API}.INFO`,
          `${API}.STREAM.INFO.${rl}`,
          `${API}.STREAM.CREATE.${rl}`,
          `${API}.STREAM.UPDATE.${rl}`,
          `${API}.STREAM.MSG.GET.${rl}`,
        ],
        subscribe: [inbox],
        allowResponses: false,
      };
    }
    case 'dlq':
      // Lists, replays (the original bytes on their original subject) and discards dead letters.
      return {
        publish: [
          `${API}.INFO`,
          `${API}.STREAM.INFO.${dlq}`,
          `${API}.STREAM.CREATE.${dlq}`,
          `${API}.STREAM.MSG.GET.${dlq}`,
          `${API}.STREAM.MSG.DELETE.${dlq}`,
          ...streams.map(events),
        ],
        subscribe: [inbox],
        allowResponses: false,
      };
    case 'reconcile':
      // Re-publishes the services' retained outbox rows; creates a lost stream again.
      return {
        publish: [
          `${API}.INFO`,
          ...streams.flatMap((s) => [`${API}.STREAM.INFO.${streamName(s, namespace)}`, `${API}.STREAM.CREATE.${streamName(s, namespace)}`]),
          ...streams.map(events),
        ],
        subscribe: [inbox],
        allowResponses: false,
      };
    case 'audit-verify':
      // Reads the newest anchor of each service.
      return {
        publish: [`${API}.INFO`, `${API}.STREAM.INFO.${anchors}`, `${API}.STREAM.MSG.GET.${anchors}`],
        subscribe: [inbox],
        allowResponses: false,
      };
    default: {
      const own = streams.find((s) => s.producer === user);
      const ownName = own ? streamName(own, namespace) : undefined;
      const read = CONSUMED_STREAMS[user].map((n) => streamName(streamNamed(n, streams), namespace));
      const publish = [
        ...(own ? [events(own)] : []),
        anchorSubject(user, namespace),
        deadLetterFilter(user, namespace),
        `${API}.INFO`,
        ...(ownName ? [`${API}.STREAM.INFO.${ownName}`, `${API}.STREAM.CREATE.${ownName}`, `${API}.STREAM.UPDATE.${ownName}`] : []),
        ...read.flatMap((s) => [
          ...(s === ownName ? [] : [`${API}.STREAM.INFO.${s}`, `${API}.STREAM.CREATE.${s}`]),
          `${API}.STREAM.MSG.GET.${s}`,
          `${API}.CONSUMER.INFO.${s}.${user}`,
          `${API}.CONSUMER.CREATE.${s}.${user}`,
          `${API}.CONSUMER.CREATE.${s}.${user}.>`,
          `${API}.CONSUMER.DURABLE.CREATE.${s}.${user}`,
          `${API}.CONSUMER.MSG.NEXT.${s}.${user}`,
          `$JS.ACK.${s}.${user}.>`,
        ]),
        `${API}.STREAM.INFO.${dlq}`,
        `${API}.STREAM.CREATE.${dlq}`,
        `${API}.STREAM.MSG.GET.${dlq}`,
        `${API}.STREAM.INFO.${anchors}`,
        `${API}.STREAM.CREATE.${anchors}`,
      ];
      const subscribe = [
        rpcSubjects(user, namespace),
        inbox,
        ...read.map((s) => `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${s}.${user}`),
      ];
      return { publish, subscribe, allowResponses: true };
    }
  }
}

/** The account every user of one deployment belongs to. */
export const BUS_ACCOUNT = 'STAC';

/** The environment variable the NATS server reads a user's password from in the shipped configurations. */
export function natsPasswordVariable(user: BusUser): string {
  return `STAC_NATS_${user.toUpperCase().replace(/-/g, '_')}_PASSWORD`;
}

export interface NatsAccountsOptions {
  namespace?: string;
  /** A user's password as written in the file: `$VAR` (read from the server's environment) or a literal. */
  password: (user: BusUser) => string;
  /** Test servers only: more users (no permissions = may do anything), e.g. a test's own observer. */
  extraUsers?: { user: string; password: string }[];
}

const quote = (s: string) => JSON.stringify(s);

/** The `accounts { ... }` block of nats.conf: one account, one user per service and tool, their allow-lists. */
export function renderNatsAccounts(o: NatsAccountsOptions): string {
  const pw = (p: string) => (/^\$[A-Z_][A-Z0-9_]*$/.test(p) ? p : quote(p));
  const allow = (key: string, xs: string[]) =>
    [`          ${key}: {`, `            allow: [`, ...xs.map((x) => `              ${quote(x)}`), `            ]`, `          }`];
  const lines = [`accounts {`, `  ${BUS_ACCOUNT} {`, `    jetstream: enabled`, `    users: [`];
  for (const user of BUS_USERS) {
    const p = busPermissions(user, o.namespace ?? '');
    lines.push(`      {`);
    lines.push(`        user: ${quote(user)}`);
    lines.push(`        password: ${pw(o.password(user))}`);
    lines.push(`        permissions: {`);
    lines.push(...allow('publish', p.publish), ...allow('subscribe', p.subscribe));
    if (p.allowResponses) lines.push(`          allow_responses: { max: 1 }`);
    lines.push(`        }`);
    lines.push(`      }`);
  }
  for (const u of o.extraUsers ?? []) lines.push(`      { user: ${quote(u.user)}, password: ${quote(u.password)} }`);
  lines.push(`    ]`, `  }`, `}`);
  return lines.join('\n');
}

export const GENERATED_BEGIN = '# --- generated by `pnpm run nats:conf` from libs/messaging/src/bus-permissions.ts: do not edit ---';
export const GENERATED_END = '# --- end of generated ---';

/** The shipped configurations' generated part: passwords from the server's environment, no namespace. */
export function shippedNatsAccounts(): string {
  return renderNatsAccounts({ password: (u) => `$${natsPasswordVariable(u)}` });
}

/** Replaces the text between the generated markers of a configuration file. */
export function withGeneratedAccounts(conf: string, accounts: string): string {
  const begin = conf.indexOf(GENERATED_BEGIN);
  const end = conf.indexOf(GENERATED_END);
  if (begin < 0 || end < begin) throw new Error('nats.conf has no generated-accounts markers');
  return `${conf.slice(0, begin + GENERATED_BEGIN.length)}\n${accounts}\n${conf.slice(end)}`;
}
