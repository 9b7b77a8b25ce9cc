import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { loadConfig, SERVICE_ENV } from '@stac/config';
import type { StreamDefinition } from '@stac/contracts';
import {
  connectNats,
  deadLetterStreamName,
  ensureDeadLetterStream,
  ensureStream,
  EventConsumer,
  messagingLimits,
  renderNatsAccounts,
  withGeneratedAccounts,
} from '@stac/messaging';
import { eventually, uniqueToken } from '@stac/testing';
import { createMessagingDb, newWidget, silentLogger, widgetContract, widgetEnvelope, type TestDb } from '../../libs/messaging/src/testing/messaging-harness';
import { sparePort } from '../../libs/messaging/src/testing/private-servers';

jest.setTimeout(120_000);

/**
 * The shipped cluster configuration, booted: three nats-server processes on loopback, each from
 * deploy/nats/cluster/nats.conf with only its addresses and store directory rewritten, and the
 * platform's own provisioning (EVENT_STREAM_REPLICAS=3 through the service configuration) and event
 * consumer on top. Killing the stream's leader loses nothing and stops nothing for long.
 */
const CONF = readFileSync(resolve(__dirname, '../../deploy/nats/cluster/nats.conf'), 'utf8');
const BIN = process.env.NATS_SERVER_BIN ?? 'nats-server';
const PASSWORD = randomBytes(12).toString('hex');

/** `sync_interval` needs nats-server 2.10; an older local binary runs the file without that one line. */
function serverSupportsSyncInterval(): boolean {
  const v = /v?(\d+)\.(\d+)/.exec(spawnSync(BIN, ['--version'], { encoding: 'utf8' }).stdout ?? '');
  return !!v && (Number(v[1]) > 2 || (Number(v[1]) === 2 && Number(v[2]) >= 10));
}

/** Replaces exactly one occurrence, so the test breaks loudly when the shipped file changes shape. */
function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from.source, `${from.flags}g`)) ?? []).length;
  if (count !== 1) throw new Error(`expected one "${String(from)}" in the cluster configuration, found ${count}`);
  return text.replace(from, to);
}

interface Node {
  name: string;
  port: number;
  clusterPort: number;
  httpPort: number;
  dir: string;
  conf: string;
  proc?: ChildProcess;
}

describe('NATS cluster from the shipped configuration (R3)', () => {
  const nodes: Node[] = [];
  const tok = uniqueToken();
  const stream: StreamDefinition = { name: `T${tok.toUpperCase()}_R3`, subjectPrefix: tok, producer: `producer-${tok}` };
  const Contract = widgetContract(tok);
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let db: TestDb;
  let consumer: EventConsumer;

  const start = (n: Node) =>
    new Promise<void>((res, rej) => {
      n.proc = spawn(BIN, ['-c', n.conf], { env: { ...process.env, NATS_SERVER_NAME: n.name }, stdio: 'ignore' });
      n.proc.once('error', rej);
      setTimeout(res, 100);
    });
  const kill = async (n: Node) => {
    const p = n.proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };

  beforeAll(async () => {
    for (const name of ['nats-1', 'nats-2', 'nats-3']) {
      const dir = mkdtempSync(join(tmpdir(), `stac-r3-${name}-`));
      nodes.push({ name, port: await sparePort(), clusterPort: await sparePort(), httpPort: await sparePort(), dir, conf: join(dir, 'nats.conf') });
    }
    const withSync = serverSupportsSyncInterval();
    for (const n of nodes) {
      let text = CONF;
      text = replaceOnce(text, 'listen: 0.0.0.0:4222', `listen: 127.0.0.1:${n.port}`);
      text = replaceOnce(text, 'http: 127.0.0.1:8222', `http: 127.0.0.1:${n.httpPort}`);
      // No certificates here: the client and route TLS blocks go (the e2e bus suite runs TLS). The shipped
      // users stay, with this test's passwords, plus an unrestricted test user for the test's own streams.
      text = replaceOnce(text, /^tls \{[^}]*\}$/m, '');
      text = replaceOnce(text, /^ {2}tls \{[^}]*\}$/m, '');
      text = withGeneratedAccounts(text, renderNatsAccounts({ password: () => PASSWORD, extraUsers: [{ user: 'r3-test', password: PASSWORD }] }));
      text = replaceOnce(text, 'listen: 0.0.0.0:6222', `listen: 127.0.0.1:${n.clusterPort}`);
      text = replaceOnce(text, 'store_dir: /data/jetstream', `store_dir: ${join(n.dir, 'jetstream')}`);
      for (const other of nodes) text = replaceOnce(text, `nats-route://${other.name}:6222`, `nats-route://127.0.0.1:${other.clusterPort}`);
      if (!withSync) text = replaceOnce(text, /^\s*sync_interval: always\s*$/m, '');
      writeFileSync(n.conf, text);
    }
    await Promise.all(nodes.map(start));
    nc = await connectNats(nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(','), 'r3-test', {
      user: 'r3-test',
      credentials: { user: 'r3-test', password: PASSWORD },
    });
    js = jetstream(nc);
    jsm = await jetstreamManager(nc, { checkAPI: false });
    // JetStream answers once the three servers elected a meta leader.
    await eventually(async () => (await jsm.getAccountInfo().then(() => true, () => false)), { what: 'the JetStream cluster', timeoutMs: 30_000, intervalMs: 250 });
    db = await createMessagingDb('r3');
  }, 90_000);

  afterAll(async () => {
    await consumer?.stop().catch(() => undefined);
    await nc?.close().catch(() => undefined);
    await Promise.all(nodes.map(kill));
    for (const n of nodes) rmSync(n.dir, { recursive: true, force: true });
    await db?.ds.destroy().catch(() => undefined);
    await db?.db.drop().catch(() => undefined);
  });

  async function publish(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const env = widgetEnvelope({ tok, stream, Contract, producer: stream.producer }, newWidget());
      // As the relay does: retried until acknowledged (a leader election takes a moment).
      await eventually(async () => js.publish(Contract.subject, JSON.stringify(env), { msgID: env.id, timeout: 2000 }).then(() => true, () => false), {
        what: 'a publish to be acknowledged',
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      ids.push(env.id);
    }
    return ids;
  }

  const effects = async () =>
    (await db.ds.query<{ event_id: string }[]>(`SELECT event_id FROM widget_effect ORDER BY n`)).map((r) => r.event_id);

  it('REL-07: services configured with EVENT_STREAM_REPLICAS=3 keep three copies; killing the stream leader loses nothing, doubles nothing, and the server catches up when it returns', async () => {
    const config = loadConfig(SERVICE_ENV.intake, {
      DATABASE_URL: db.url,
      INTAKE_DATA_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      INTAKE_SEARCH_KEY: Buffer.alloc(32, 8).toString('base64'),
      AUDIT_CHAIN_KEY: Buffer.alloc(32, 9).toString('base64'),
      NATS_URL: nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(','),
      EVENT_STREAM_REPLICAS: '3',
      EVENT_STREAM_MAX_MB: '64',
      NATS_USER: 'intake',
      NATS_PASSWORD: PASSWORD,
    });
    const { streamLimits, deadLetterLimits } = messagingLimits(config);
    // A stream made by a single-server deployment (R1) is scaled to R3 by the next service start.
    await ensureStream(jsm, stream, '', { ...streamLimits!, replicas: 1 });
    expect((await jsm.streams.info(stream.name)).config.num_replicas).toBe(1);
    await ensureStream(jsm, stream, '', streamLimits);
    await ensureDeadLetterStream(jsm, '', deadLetterLimits);
    for (const name of [stream.name, deadLetterStreamName()]) {
      const info = await eventually(async () => {
        const i = await jsm.streams.info(name);
        return (i.cluster?.replicas ?? []).length === 2 ? i : undefined;
      }, { what: `${name} on three servers` });
      expect(info.config.num_replicas).toBe(3);
    }

    consumer = new EventConsumer({
      consumer: `svc-${tok}`,
      nc,
      js,
      jsm,
      dataSource: db.ds,
      maxDeliver: 5,
      ackWaitMs: 5000,
      streams: [stream],
      streamLimits: streamLimits!,
      deadLetterLimits: deadLetterLimits!,
      logger: silentLogger,
      handlers: [
        {
          contract: Contract,
          handle: async (_e, ctx) => {
            await ctx.manager.query(
              `INSERT INTO widget_effect (consumer, event_id, widget_id, size) VALUES ($1, $2, gen_random_uuid(), 0)`,
              [`svc-${tok}`, ctx.envelope.id],
            );
          },
        },
      ],
    });
    await consumer.start();
    const before = await publish(10);
    await eventually(async () => (await effects()).length === 10, { what: 'the first ten events handled' });

    const leaderName = (await jsm.streams.info(stream.name)).cluster?.leader;
    const leader = nodes.find((n) => n.name === leaderName)!;
    expect(leader).toBeDefined();
    await kill(leader);
    const after = await publish(10);
    await eventually(async () => (await effects()).length >= 20, { what: 'every event handled after the leader died', timeoutMs: 60_000 });
    const seen = await effects();
    expect([...seen].sort()).toEqual([...before, ...after].sort());
    expect(new Set(seen).size).toBe(20);
    const info = await jsm.streams.info(stream.name);
    expect(info.cluster?.leader).not.toBe(leaderName);
    expect(info.state.messages).toBe(20);

    // The killed server comes back with its store and catches up from the other two.
    await start(leader);
    await eventually(
      async () => {
        const i = await jsm.streams.info(stream.name);
        const back = i.cluster?.replicas?.find((r) => r.name === leaderName) ?? (i.cluster?.leader === leaderName ? { current: true } : undefined);
        return !!back?.current && (i.cluster?.replicas ?? []).every((r) => r.current);
      },
      { what: 'the returning server to catch up', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect((await jsm.streams.info(stream.name)).state.messages).toBe(20);
  });
});
