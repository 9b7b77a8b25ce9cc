import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { STREAMS } from '@stac/contracts';
import { anchorStreamName as authAnchorStreamName, anchorSubject as authAnchorSubject } from '@stac/auth';
import {
  BUS_DOMAIN_SERVICES,
  BUS_USERS,
  busPermissions,
  CONSUMED_STREAMS,
  deadLetterStreamName,
  inboxPrefix,
  natsPasswordVariable,
  streamName,
  type BusUser,
} from '@stac/messaging';
import { eventCatalogue } from '../../tools/docs/src/event-catalogue';
import { regeneratedNatsConf, SHIPPED_NATS_CONFS } from '../../tools/stack/src/nats-conf';
import { parseNatsConf, type NatsConfValue } from './nats-conf';

// The shipped NATS configurations are generated from libs/messaging/src/bus-permissions.ts; this keeps them,
// the event handlers in apps/ and the allow-lists from drifting apart (the e2e bus suite boots a server
// configured from the same code and tries every refusal for real).

const root = resolve(__dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
type Block = Record<string, NatsConfValue>;

/** NATS subject matching: `*` one token, `>` one or more trailing tokens. */
function matches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}
/** Whether some subject could match both patterns (enough for the patterns used here). */
function overlaps(a: string, b: string): boolean {
  const concrete = (x: string) => x.replace(/\.>$/, '.zz').replace(/\*/g, 'zz');
  return matches(a, concrete(b)) || matches(b, concrete(a));
}

const ns = 'e0a1b2c3d';
const perms = (u: BusUser, namespace = ns) => busPermissions(u, namespace);
const eventPrefixes = STREAMS.map((s) => ({ stream: s, subject: `${ns}.${s.subjectPrefix}.>` }));

describe('bus permissions (libs/messaging/src/bus-permissions.ts)', () => {
  it.each(SHIPPED_NATS_CONFS)('BUS-01: %s carries exactly the generated accounts (pnpm run nats:conf)', (path) => {
    const text = read(path);
    expect(regeneratedNatsConf(text)).toBe(text);
    const conf = parseNatsConf(text);
    const account = (conf.accounts as Block).STAC as Block;
    expect(account.jetstream).toBe('enabled');
    const users = account.users as Block[];
    expect(users.map((u) => u.user)).toEqual([...BUS_USERS]);
    for (const u of users) {
      // Passwords from the server's environment (the operator's secrets), never in the file.
      expect(u.password).toBe(`$${natsPasswordVariable(u.user as BusUser)}`);
      const p = u.permissions as Block;
      const expected = busPermissions(u.user as BusUser);
      expect((p.publish as Block).allow).toEqual(expected.publish);
      expect((p.subscribe as Block).allow).toEqual(expected.subscribe);
    }
    // No anonymous user, no authorization block that would let a client in without one of the users above.
    expect(conf.no_auth_user).toBeUndefined();
    expect(conf.authorization).toBeUndefined();
  });

  it.each(SHIPPED_NATS_CONFS)('BUS-01: %s requires TLS from every client and keeps monitoring on loopback', (path) => {
    const conf = parseNatsConf(read(path));
    const tls = conf.tls as Block;
    expect(tls.cert_file).toMatch(/^\/etc\/nats\/tls\//);
    expect(tls.key_file).toMatch(/^\/etc\/nats\/tls\//);
    expect(conf.http === undefined || /^127\.0\.0\.1:\d+$/.test(String(conf.http))).toBe(true);
    expect(conf.https).toBeUndefined();
    expect(conf.http_port).toBeUndefined();
    expect(conf.monitor_port).toBeUndefined();
  });

  it('BUS-01: CONSUMED_STREAMS is exactly the streams of each service\'s @OnEvent handlers', () => {
    const read = new Map<string, Set<string>>();
    for (const e of eventCatalogue(root)) for (const c of e.consumers) read.set(c, (read.get(c) ?? new Set()).add(e.stream));
    expect(Object.fromEntries([...read].map(([s, streams]) => [s, [...streams].sort()]))).toEqual(
      Object.fromEntries(Object.entries(CONSUMED_STREAMS).map(([s, streams]) => [s, [...streams].sort()])),
    );
  });

  it.each(BUS_DOMAIN_SERVICES)("BUS-02: %s may publish events only into its own stream's subjects", (svc) => {
    const own = STREAMS.find((s) => s.producer === svc)!;
    const { publish } = perms(svc);
    for (const { stream, subject } of eventPrefixes) {
      const granted = publish.some((p) => overlaps(p, subject));
      expect({ stream: stream.name, granted }).toEqual({ stream: stream.name, granted: stream === own });
    }
    // Its own dead letters and access-log anchor only.
    expect(publish.filter((p) => p.startsWith(`${ns}.deadletter.`))).toEqual([`${ns}.deadletter.${svc}.>`]);
    expect(publish.filter((p) => p.startsWith(`${ns}.audit.`))).toEqual([`${ns}.audit.anchor.${svc}`]);
    // Only the producer may change its stream.
    for (const s of STREAMS)
      expect(publish.includes(`$JS.API.STREAM.UPDATE.${streamName(s, ns)}`)).toBe(s === own);
  });

  it.each(BUS_DOMAIN_SERVICES)("BUS-01: %s answers only its own requests and reads only its own replies and consumers", (svc) => {
    const { publish, subscribe, allowResponses } = perms(svc);
    expect(allowResponses).toBe(true);
    expect(subscribe.filter((p) => p.includes('.rpc.') || p.startsWith('rpc.'))).toEqual([`${ns}.rpc.${svc}.>`]);
    expect(publish.some((p) => p.includes('rpc.'))).toBe(false);
    for (const other of BUS_USERS) {
      if (other === svc) continue;
      const theirInbox = `${inboxPrefix(other, ns)}.x`;
      expect(subscribe.some((p) => matches(p, theirInbox))).toBe(false);
      expect(publish.some((p) => matches(p, theirInbox))).toBe(false);
      // Another's durable consumer: no JetStream operation names it.
      expect(publish.filter((p) => p.startsWith('$JS.') && new RegExp(`\\.${other}(\\.|$)`).test(p))).toEqual([]);
    }
    for (const p of [...publish, ...subscribe]) expect(p).not.toMatch(/^(>|\*|_INBOX\.>|\$JS\.API\.>|\$JS\.>)$/);
  });

  it.each(BUS_USERS)('BUS-01: %s can delete or purge no stream and delete no consumer', (u) => {
    const { publish } = perms(u);
    expect(publish.filter((p) => /\.(STREAM\.(DELETE|PURGE)|CONSUMER\.DELETE)\b/.test(p))).toEqual([]);
    // A JetStream wildcard only ever after a named stream and the user's own consumer (filtered create, acks).
    const wild = publish.filter((p) => p.startsWith('$JS') && /[*>]/.test(p));
    for (const p of wild) expect(p).toMatch(new RegExp(`^\\$JS\\.(API\\.CONSUMER\\.CREATE|ACK)\\.[A-Z0-9_]+\\.${u}\\.>$`));
    // Message deletion: only pnpm dlq, only in the dead-letter stream (discard).
    const deletes = publish.filter((p) => p.includes('.MSG.DELETE.'));
    expect(deletes).toEqual(u === 'dlq' ? [`$JS.API.STREAM.MSG.DELETE.${deadLetterStreamName(ns)}`] : []);
  });

  it('BUS-01: the gateway calls services and keeps its shared rate limit, nothing else; the tools have their own operations only', () => {
    const rl = `${ns.toUpperCase()}_RATE_LIMITS`;
    expect(perms('gateway')).toEqual({
      publish: [
        `${ns}.rpc.>`,
        `${ns}.ratelimit.*`,
        '$JS.API.INFO',
        `$JS.API.STREAM.INFO.${rl}`,
        `$JS.API.STREAM.CREATE.${rl}`,
        `$JS.API.STREAM.UPDATE.${rl}`,
        `$JS.API.STREAM.MSG.GET.${rl}`,
      ],
      subscribe: [`_INBOX_${ns}_gateway.>`],
      allowResponses: false,
    });
    // No event stream, no consumer: the gateway cannot publish or read an event.
    for (const { subject } of eventPrefixes) expect(perms('gateway').publish.some((p) => overlaps(p, subject))).toBe(false);
    expect(perms('audit-verify').publish.filter((p) => !/\.INFO(\.|$)/.test(p))).toEqual([`$JS.API.STREAM.MSG.GET.${authAnchorStreamName(ns)}`]);
    for (const t of ['dlq', 'reconcile', 'audit-verify'] as const) {
      expect(perms(t).allowResponses).toBe(false);
      expect(perms(t).subscribe).toEqual([`${inboxPrefix(t, ns)}.>`]);
    }
  });

  it('BUS-01: every inbox prefix is its own, the anchor names are the access log\'s, production has no namespace', () => {
    expect(new Set(BUS_USERS.map((u) => inboxPrefix(u, ns))).size).toBe(BUS_USERS.length);
    expect(inboxPrefix('intake')).toBe('_INBOX_intake');
    expect(authAnchorSubject('intake', ns)).toBe(`${ns}.audit.anchor.intake`);
    expect(perms('intake', '').publish).toContain('intake.>');
    expect(perms('intake', '').publish).toContain(`$JS.API.STREAM.CREATE.${authAnchorStreamName('')}`);
  });
});
