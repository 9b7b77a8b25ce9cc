import 'reflect-metadata';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@stac/contracts';
import { TEST_NATS_URL, uniqueToken } from './test-database';
import { deleteNamespaceStreams, sweepTestStreams, TEST_STREAM_NAME } from './test-streams';

describe('test streams on the shared NATS server (real JetStream)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const exists = (name: string) => jsm.streams.info(name).then(() => true, () => false);
  const add = (name: string, subject: string) => jsm.streams.add({ name, subjects: [`${subject}.>`], max_bytes: 1024 * 1024 });

  beforeAll(async () => {
    nc = await connect({ servers: TEST_NATS_URL });
    jsm = await jetstreamManager(nc);
  });
  afterAll(async () => {
    await nc.close();
  });

  it('names of the platform streams never look like test streams; every test naming scheme does', () => {
    for (const s of STREAMS) expect(TEST_STREAM_NAME.test(s.name)).toBe(false);
    for (const name of ['AUDIT_ANCHORS', 'DEAD_LETTERS']) expect(TEST_STREAM_NAME.test(name)).toBe(false);
    const ns = uniqueToken().toUpperCase();
    for (const name of [`T_${ns}`, `${ns}_INTAKE`, 'E0A1B2C3D_AUDIT_ANCHORS', 'BENCHA1B2C3_RISK']) expect(TEST_STREAM_NAME.test(name)).toBe(true);
  });

  it('a sweep removes test streams older than its limit and keeps fresh ones and streams not named like a test', async () => {
    const ns = uniqueToken();
    const leftover = `${ns.toUpperCase()}_INTAKE`;
    const other = `KEEP_${ns.toUpperCase()}`;
    await add(leftover, `${ns}.intake`);
    await add(other, `${ns}.keep`);
    // Only this test's two streams are candidates, so streams of a run going on beside it are untouched.
    const isTestStream = (n: string) => (n === leftover || n === other) && TEST_STREAM_NAME.test(n);
    expect(await sweepTestStreams(TEST_NATS_URL, { isTestStream })).toEqual([]); // fresh: kept
    const removed = await sweepTestStreams(TEST_NATS_URL, { now: Date.now() + 2 * 3600_000, isTestStream });
    expect(removed).toEqual([leftover]);
    expect(await exists(leftover)).toBe(false);
    expect(await exists(other)).toBe(true);
    await jsm.streams.delete(other);
  });

  it('deleteNamespaceStreams removes every stream of one namespace and nothing else', async () => {
    const [a, b] = [uniqueToken(), uniqueToken()];
    await add(`${a.toUpperCase()}_ONE`, `${a}.one`);
    await add(`${a.toUpperCase()}_TWO`, `${a}.two`);
    await add(`${b.toUpperCase()}_ONE`, `${b}.one`);
    await deleteNamespaceStreams(TEST_NATS_URL, a);
    expect([await exists(`${a.toUpperCase()}_ONE`), await exists(`${a.toUpperCase()}_TWO`), await exists(`${b.toUpperCase()}_ONE`)]).toEqual([false, false, true]);
    await deleteNamespaceStreams(TEST_NATS_URL, b);
  });
});
