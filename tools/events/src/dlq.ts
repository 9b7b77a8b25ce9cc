// `pnpm dlq list|replay|discard`: the operator's view of the JetStream dead-letter stream. See README.md.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Logger } from 'pino';
import { BUS_TOOL_ENV, loadConfig } from '@stac/config';
import {
  busCredentials,
  connectNats,
  deadLetterStats,
  discardDeadLetter,
  ensureDeadLetterStream,
  getDeadLetter,
  listDeadLetters,
  replayDeadLetter,
  type DeadLetter,
} from '@stac/messaging';
import { actionLogger, operatorId, parseArgs } from './operator';

const USAGE = `usage: pnpm dlq list [--consumer <service>] [--limit N] [--json]
       pnpm dlq replay <seq>... | --all [--consumer <service>]
       pnpm dlq discard <seq>... | --all [--consumer <service>]
env: NATS_URL (default nats://127.0.0.1:4222), NATS_NAMESPACE (isolated stacks; default none),
     NATS_USER/NATS_PASSWORD (the dlq bus user; required unless NODE_ENV=development), NATS_TLS_CA`;

export interface DlqContext {
  nc: NatsConnection;
  namespace: string;
  out: NodeJS.WritableStream;
  log: Logger;
  operator: string;
}

function describe(d: DeadLetter): string {
  const age = Math.round((Date.now() - d.at.getTime()) / 1000);
  return [
    `#${d.seq}`,
    d.at.toISOString(),
    `age=${age}s`,
    `consumer=${d.consumer}`,
    `from=${d.stream}${d.streamSeq !== null ? `#${d.streamSeq}` : ''}`,
    `subject=${d.subject || '?'}`,
    `deliveries=${d.deliveries ?? '?'}`,
    `event=${d.eventId ?? '-'}`,
    `reason=${JSON.stringify(d.reason)}`,
  ].join('  ');
}

async function selected(
  ctx: DlqContext,
  seqs: string[],
  all: boolean,
  consumer?: string,
): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(ctx.nc);
  if (all) return listDeadLetters(jsm, { namespace: ctx.namespace, consumer, limit: 100_000 });
  const out: DeadLetter[] = [];
  for (const s of seqs) {
    const seq = Number(s);
    if (!Number.isInteger(seq) || seq <= 0) throw new Error(`not a dead-letter sequence number: ${s}`);
    const d = await getDeadLetter(jsm, seq, ctx.namespace);
    if (!d) throw new Error(`no dead letter #${seq}`);
    if (consumer && d.consumer !== consumer)
      throw new Error(`dead letter #${seq} belongs to ${d.consumer}, not ${consumer}`);
    out.push(d);
  }
  return out;
}

/** Runs one dlq command; returns the process exit code. */
export async function runDlq(argv: string[], ctx: DlqContext): Promise<number> {
  const { positional, options, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  const consumer = options.get('consumer')?.[0];
  const jsm = await jetstreamManager(ctx.nc);
  const js = jetstream(ctx.nc);
  // Create-if-missing: the dlq user may not change the stream's limits (BUS-01).
  await ensureDeadLetterStream(jsm, ctx.namespace, undefined, { update: false });
  const who = { operator: ctx.operator, namespace: ctx.namespace || undefined };
  switch (command) {
    case 'list': {
      const limit = Number(options.get('limit')?.[0] ?? 1000);
      const letters = await listDeadLetters(jsm, { namespace: ctx.namespace, consumer, limit });
      const stats = await deadLetterStats(jsm, { namespace: ctx.namespace, consumer });
      if (flags.has('json')) {
        ctx.out.write(
          `${JSON.stringify(
            letters.map((d) => ({
              ...d,
              data: undefined,
              headers: undefined,
              at: d.at.toISOString(),
              bytes: d.data.length,
            })),
          )}\n`,
        );
      } else {
        for (const d of letters) ctx.out.write(`${describe(d)}\n`);
        ctx.out.write(
          `${stats.count} dead letter(s)${consumer ? ` of ${consumer}` : ''}; oldest ${Math.round(stats.oldestAgeSeconds)} s old\n`,
        );
      }
      ctx.log.info({ ...who, action: 'dlq.list', consumer, count: stats.count }, 'dead letters listed');
      return 0;
    }
    case 'replay':
    case 'discard': {
      if (!flags.has('all') && rest.length === 0) {
        ctx.out.write(`${USAGE}\n`);
        return 2;
      }
      const letters = await selected(ctx, rest, flags.has('all'), consumer);
      let failed = 0;
      for (const d of letters) {
        const what = {
          ...who,
          seq: d.seq,
          consumer: d.consumer,
          stream: d.stream,
          streamSeq: d.streamSeq,
          subject: d.subject,
          eventId: d.eventId,
        };
        try {
          if (command === 'replay') {
            const newSeq = await replayDeadLetter(js, jsm, d, ctx.namespace);
            ctx.log.info({ ...what, action: 'dlq.replay', replayedAs: newSeq }, 'dead letter replayed');
            ctx.out.write(`replayed #${d.seq} -> ${d.subject} (stream seq ${newSeq})\n`);
          } else {
            await discardDeadLetter(jsm, d, ctx.namespace);
            ctx.log.warn({ ...what, action: 'dlq.discard' }, 'dead letter discarded');
            ctx.out.write(`discarded #${d.seq}\n`);
          }
        } catch (e) {
          failed++;
          ctx.log.error(
            { ...what, action: `dlq.${command}`, err: { type: (e as Error)?.name } },
            `dead letter ${command} failed`,
          );
          ctx.out.write(`could not ${command} #${d.seq}: ${(e as Error)?.message}\n`);
        }
      }
      ctx.out.write(
        `${letters.length - failed} of ${letters.length} ${command === 'replay' ? 'replayed' : 'discarded'}\n`,
      );
      return failed ? 1 : 0;
    }
    default:
      ctx.out.write(`${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) {
  (async () => {
    // BUS-01: as the dlq bus user (NATS_USER/NATS_PASSWORD; production by default requires them).
    const c = loadConfig(BUS_TOOL_ENV);
    const nc = await connectNats(c.NATS_URL, 'stac-dlq', { user: 'dlq', namespace: c.NATS_NAMESPACE, credentials: busCredentials(c) });
    try {
      return await runDlq(process.argv.slice(2), {
        nc,
        namespace: c.NATS_NAMESPACE,
        out: process.stdout,
        log: actionLogger('dlq'),
        operator: operatorId(),
      });
    } finally {
      await nc.drain();
    }
  })().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`dlq: ${(e as Error)?.message ?? e}\n`);
      process.exit(1);
    },
  );
}
