import { randomUUID } from 'node:crypto';
import { Checker, FaultRig, ParcelSentV1, STREAM, type FaultFigures } from '../testing/fault-rig';

/**
 * `pnpm test:faults` (the full set) and, reduced, a layer of `pnpm test`: faults of the event
 * backbone on a private NATS and a private Postgres cluster, every one judged by lost = 0 and
 * duplicated effects = 0 (REL-04, REL-07). STAC_FAULT_SET=reduced shortens outages and repeats.
 */
const reduced = process.env.STAC_FAULT_SET === 'reduced';
// The issue's bar (issue 12): one consumer's database refusing connections for 10 minutes.
const OUTAGE_MS = reduced ? 10_000 : 600_000;
const NATS_RESTARTS = reduced ? 1 : 5;
const RELAY_KILLS = reduced ? 2 : 5;
const SETTLE_MS = 60_000;
const LOAD_INTERVAL_MS = 100;

jest.setTimeout(reduced ? 120_000 : 600_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe(`event backbone under faults (${reduced ? 'reduced' : 'full'} set)`, () => {
  const rig = new FaultRig();
  const report: FaultFigures[] = [];

  beforeAll(async () => {
    await rig.start();
  }, 180_000);

  afterAll(async () => {
    process.stdout.write(
      `\n[faults] summary\n${report
        .map(
          (f) =>
            `  ${f.fault}: sent ${f.sent}, acknowledged ${f.acknowledged}, lost ${f.lost}, duplicated ${f.duplicated}, dead letters ${f.deadLetters}, max lag ${f.maxLagMs} ms, recovery ${f.recoveryMs} ms`,
        )
        .join('\n')}\n`,
    );
    await rig.close();
  }, 60_000);

  async function judge(c: Checker, recoveredFrom: number, expectedDeadLetters = 0): Promise<FaultFigures> {
    const f = await c.settle(recoveredFrom, SETTLE_MS);
    report.push(f);
    expect(f).toMatchObject({ lost: 0, duplicated: 0, deadLetters: expectedDeadLetters });
    expect(f.acknowledged).toBeGreaterThan(0);
    expect(f.recoveryMs).toBeGreaterThanOrEqual(0);
    return f;
  }

  it(`REL-07: the consumer's database refuses connections for ${OUTAGE_MS / 1000} s while events arrive: each takes effect once after it returns, no dead letter`, async () => {
    const c = new Checker(rig, `consumer database refusing connections ${OUTAGE_MS / 1000} s`);
    c.startLoad(LOAD_INTERVAL_MS);
    await sleep(1_000);
    await rig.consumerDbRefuses(true);
    await sleep(OUTAGE_MS);
    expect(rig.consumer.paused).toBe(true);
    await rig.consumerDbRefuses(false);
    const back = Date.now();
    await sleep(1_000);
    await c.stopLoad();
    await judge(c, back);
  }, OUTAGE_MS + 180_000);

  it(`REL-04: NATS killed (SIGKILL, SIGTERM) and restarted ${NATS_RESTARTS} time(s) under load: nothing lost, nothing doubled`, async () => {
    const c = new Checker(rig, `NATS killed and restarted x${NATS_RESTARTS}`);
    c.startLoad(LOAD_INTERVAL_MS);
    let back = Date.now();
    for (let i = 0; i < NATS_RESTARTS; i++) {
      await sleep(1_500);
      await rig.nats.signal(i % 2 === 0 ? 'SIGKILL' : 'SIGTERM');
      await sleep(1_000);
      await rig.nats.start();
      back = Date.now();
    }
    await sleep(1_000);
    await c.stopLoad();
    await judge(c, back);
  });

  it('REL-04: NATS paused (SIGSTOP) for 10 s under load: nothing lost, nothing doubled', async () => {
    const c = new Checker(rig, 'NATS paused 10 s');
    c.startLoad(LOAD_INTERVAL_MS);
    await sleep(1_000);
    await rig.nats.signal('SIGSTOP');
    await sleep(10_000);
    await rig.nats.signal('SIGCONT');
    const back = Date.now();
    await sleep(1_000);
    await c.stopLoad();
    await judge(c, back);
  });

  it('REL-04: Postgres (producer and consumer) stopped immediately and restarted under load: every acknowledged event once', async () => {
    const c = new Checker(rig, 'Postgres stopped immediately and restarted');
    c.startLoad(LOAD_INTERVAL_MS);
    await sleep(1_000);
    await rig.pg.stop('immediate');
    await sleep(reduced ? 3_000 : 15_000);
    await rig.pg.start();
    const back = Date.now();
    await sleep(1_000);
    await c.stopLoad();
    await judge(c, back);
  });

  it("REL-04: the relay's Postgres connection is killed repeatedly under load: its lock is released and relaying resumes", async () => {
    const c = new Checker(rig, `relay connection killed x${RELAY_KILLS}`);
    c.startLoad(LOAD_INTERVAL_MS);
    for (let i = 0; i < RELAY_KILLS; i++) {
      await sleep(1_000);
      await rig.killRelayConnection();
    }
    const back = Date.now();
    await sleep(1_000);
    await c.stopLoad();
    await judge(c, back);
  });

  it('REL-02: the stream is deleted and rebuilt with events:reconcile (run twice): every event once', async () => {
    const c = new Checker(rig, 'stream deleted, rebuilt by events:reconcile twice');
    for (let i = 0; i < 20; i++) await c.sendOne();
    await c.settle(Date.now(), SETTLE_MS, false);
    await rig.jsm.streams.delete(STREAM.name);
    for (let i = 0; i < 10; i++) await c.sendOne();
    const first = await rig.reconcile();
    const second = await rig.reconcile();
    expect(second.published).toBe(0);
    expect(first.read).toBeGreaterThanOrEqual(30);
    await judge(c, Date.now());
  });

  it('REL-03: a poison message ends as one dead letter while the events around it flow', async () => {
    const c = new Checker(rig, 'poison message');
    for (let i = 0; i < 5; i++) await c.sendOne();
    await c.sendOne('poison');
    for (let i = 0; i < 5; i++) await c.sendOne();
    await judge(c, Date.now(), 1);
  });

  it('REL-04: duplicated and reordered deliveries have one effect each', async () => {
    const c = new Checker(rig, 'duplicated and reordered deliveries');
    const envelopes = Array.from({ length: 5 }, (_, i) => {
      const parcelId = randomUUID();
      c.track(parcelId);
      return {
        id: randomUUID(),
        eventType: ParcelSentV1.eventType,
        version: ParcelSentV1.version,
        occurredAt: new Date().toISOString(),
        producer: STREAM.producer,
        aggregateVersion: 1,
        additionalInformation: { parcelId, n: 100_000 + i },
      };
    });
    // Each published three times with distinct message ids (past the server's dedup), newest first.
    for (const round of [0, 1, 2]) {
      for (const env of [...envelopes].reverse()) await rig.publishEnvelope(env, `${env.id}-${round}`);
    }
    await judge(c, Date.now());
  });
});
