/**
 * Node CPU per event of the EventConsumer alone, against the real local Postgres and NATS: a backlog
 * of `--events` widget events (published first, not measured) is consumed by one consumer whose
 * handler writes one row through the inbox transaction, as the services' handlers do. Prints CPU
 * (user + system of this process) and wall time per event, and the database's commits per event.
 *
 *   node -r @swc-node/register libs/messaging/src/testing/consumer-cpu.bench.ts [--events 4000] [--prefetch 32] [--max-batch n] [--cpu-prof]
 *
 * `--max-batch 1`: one transaction per event (the consumer before batching).
 *
 * Test-only (not part of the library); removes its database and stream at the end.
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { ServiceMetrics } from '@stac/observability';
import { MessagingHarness, newWidget, widgetEnvelope } from './messaging-harness';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const events = arg('events', 4000);
  const prefetch = arg('prefetch', 32);
  const maxBatch = process.argv.includes('--max-batch') ? arg('max-batch', prefetch) : undefined;
  const profile = process.argv.includes('--cpu-prof');
  const h = await new MessagingHarness().connect();
  try {
    const db = await h.db('cpubench');
    const s = await h.newStream();
    const name = `bench-${s.tok}`;
    for (let i = 0; i < events; i += 200) {
      await Promise.all(
        Array.from({ length: Math.min(200, events - i) }, () => {
          const env = widgetEnvelope(s, newWidget());
          return h.js.publish(s.Contract.subject, JSON.stringify(env), { msgID: env.id });
        }),
      );
    }
    const dbName = db.db.name;
    const commits = async () =>
      Number(
        (await db.ds.query<{ n: string }[]>(`SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1`, [dbName]))[0].n,
      );
    const metrics = new ServiceMetrics('bench');
    const consumer = h.consumer(db, s, name, { metrics, prefetch, ackWaitMs: 30_000, ...(maxBatch ? { maxBatch } : {}) });
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const commitsBefore = await commits();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await consumer.start();
    for (;;) {
      const [r] = await db.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM widget_effect`);
      if (r.n >= events) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    if (session) {
      const { profile: p } = await session.post('Profiler.stop');
      writeFileSync(`/tmp/consumer-cpu-${process.pid}.cpuprofile`, JSON.stringify(p));
      console.log(`profile: /tmp/consumer-cpu-${process.pid}.cpuprofile`);
    }
    // pg_stat_database is updated when a backend reports (at most every second or so): let it settle.
    await new Promise((res) => setTimeout(res, 1500));
    const txs = (await commits()) - commitsBefore;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const outcomes = (await metrics.eventsHandled.get()).values.map((v) => `${v.labels.outcome} ${v.value}`).join(', ');
    console.log(
      JSON.stringify({
        events,
        prefetch,
        maxBatch: maxBatch ?? prefetch,
        cpuMsPerEvent: Number((cpuMs / events).toFixed(3)),
        wallMsPerEvent: Number((wallMs / events).toFixed(3)),
        eventsPerSecond: Math.round(events / (wallMs / 1000)),
        commitsPerEvent: Number((txs / events).toFixed(3)),
        outcomes,
      }),
    );
    await consumer.stop();
  } finally {
    await h.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
