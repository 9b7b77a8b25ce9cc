import { Writable } from 'node:stream';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import pino from 'pino';
import { CORRELATION_HEADER } from '@stac/observability';
import {
  connectNats,
  deadLetterStreamName,
  ensureDeadLetterStream,
  ensureStream,
  publishDeadLetter,
  streamName,
  toNatsHeaders,
} from '@stac/messaging';
import { TEST_NATS_URL, uniqueToken } from '@stac/testing';
import { runDlq } from './dlq';

jest.setTimeout(30_000);

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(String(c));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** `pnpm dlq` against a namespaced dead-letter stream on the real NATS. */
describe('pnpm dlq', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const ns = uniqueToken();
  const source = { name: 'WIDGETS', subjectPrefix: 'widget', producer: 'widget-maker' };

  beforeAll(async () => {
    nc = await connectNats(TEST_NATS_URL, 'dlq-int-test');
    jsm = await jetstreamManager(nc);
    await ensureStream(jsm, source, ns);
    await ensureDeadLetterStream(jsm, ns);
  });

  afterAll(async () => {
    await jsm.streams.delete(streamName(source, ns)).catch(() => undefined);
    await jsm.streams.delete(deadLetterStreamName(ns)).catch(() => undefined);
    await nc.drain();
  });

  async function run(args: string[]) {
    const out = capture();
    const logs = capture();
    const code = await runDlq(args, {
      nc,
      namespace: ns,
      out: out.stream,
      log: pino({ base: null }, logs.stream),
      operator: 'op-test',
    });
    return {
      code,
      out: out.text(),
      logs: logs
        .text()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    };
  }

  async function deadLetter(consumer: string, eventId: string, reason: string) {
    const subject = `${ns}.widget.created.v1`;
    await publishDeadLetter(
      jetstream(nc),
      {
        consumer,
        stream: streamName(source, ns),
        streamSeq: Math.floor(Math.random() * 1e9),
        subject,
        reason,
        deliveries: 10,
        eventId,
        data: new TextEncoder().encode(JSON.stringify({ id: eventId })),
        headers: toNatsHeaders({ correlationId: `corr-${eventId}` }),
      },
      ns,
    );
  }

  it('REL-08: list shows each dead letter with its reason, origin and deliveries; replay re-publishes it on its subject; discard removes it; every action is logged', async () => {
    await deadLetter('probation', 'e-1', 'failed 10 deliveries; last error TypeError');
    await deadLetter('probation', 'e-2', 'invalid widget.created.v1: size: max');
    await deadLetter('advocacy', 'e-3', 'rejected by handler: unknown case');

    const listed = await run(['list', '--consumer', 'probation']);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^#1 .* consumer=probation .* subject=\S+\.widget\.created\.v1 +deliveries=10 +event=e-1 +reason="failed 10 deliveries; last error TypeError"/,
    );
    expect(lines[1]).toMatch(/#2 .*event=e-2/);
    expect(lines[2]).toMatch(/^2 dead letter\(s\) of probation; oldest \d+ s old$/);
    expect(listed.logs).toEqual([
      expect.objectContaining({ action: 'dlq.list', operator: 'op-test', consumer: 'probation', count: 2 }),
    ]);

    const before = (await jsm.streams.info(streamName(source, ns))).state.messages;
    const replayed = await run(['replay', '1']);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toMatch(/replayed #1 -> \S+\.widget\.created\.v1 \(stream seq \d+\)/);
    expect((await jsm.streams.info(streamName(source, ns))).state.messages).toBe(before + 1);
    const republished = await jsm.streams.getMessage(streamName(source, ns), {
      last_by_subj: `${ns}.widget.created.v1`,
    });
    expect(JSON.parse(new TextDecoder().decode(republished!.data))).toEqual({ id: 'e-1' });
    expect(republished!.header?.get(CORRELATION_HEADER)).toBe('corr-e-1');
    expect(replayed.logs).toEqual([
      expect.objectContaining({ action: 'dlq.replay', seq: 1, eventId: 'e-1', operator: 'op-test' }),
    ]);

    const discarded = await run(['discard', '--all', '--consumer', 'advocacy']);
    expect(discarded.code).toBe(0);
    expect(discarded.out).toMatch(/discarded #3/);
    expect(discarded.logs).toEqual([
      expect.objectContaining({ action: 'dlq.discard', seq: 3, consumer: 'advocacy' }),
    ]);

    const after = await run(['list']);
    const rest = after.out.trim().split('\n');
    expect(rest).toHaveLength(2);
    expect(rest[0]).toMatch(/^#2 .*event=e-2/);
    expect(rest[1]).toMatch(/^1 dead letter\(s\); oldest \d+ s old$/);
    await expect(run(['replay', '99'])).rejects.toThrow('no dead letter #99');
  });

  it('refuses an unknown command or a missing selection with the usage and exit code 2', async () => {
    expect((await run(['purge'])).code).toBe(2);
    const r = await run(['discard']);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/usage: pnpm dlq/);
  });
});
