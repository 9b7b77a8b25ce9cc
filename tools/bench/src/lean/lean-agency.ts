/**
 * Lean downstream agency (LEAN_SERVICE names it): a durable JetStream pull consumer of the referral event
 * that writes, for every message available at once, inbox row (the event id: a redelivery changes
 * nothing), the agency's own row and an access-log row in one transaction, and acknowledges only after
 * the commit; and the agency's part of the case read (token verified, one SELECT, one access-log row).
 */
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import {
  ACCESS_LOG_TABLE,
  env,
  answerCaseReads,
  healthServer,
  natsConnection,
  onStop,
  pool as newPool,
  tokenVerifier,
} from './lean-common';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS inbox (event_id uuid PRIMARY KEY, handled_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE IF NOT EXISTS case_part (case_id uuid PRIMARY KEY, referred_at timestamptz NOT NULL, opened_at timestamptz NOT NULL DEFAULT clock_timestamp(), status text NOT NULL DEFAULT 'OPEN');
  ${ACCESS_LOG_TABLE};`;

const HANDLE = `
  WITH ev AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS t(event_id, case_id, referred_at)),
  ins AS (INSERT INTO inbox (event_id) SELECT event_id FROM ev ON CONFLICT DO NOTHING RETURNING event_id),
  part AS (INSERT INTO case_part (case_id, referred_at)
           SELECT ev.case_id, ev.referred_at FROM ev JOIN ins USING (event_id) ON CONFLICT DO NOTHING RETURNING case_id)
  INSERT INTO access_log (operation, action, issuer, subject, record_ids, purpose, decision, correlation_id)
  SELECT 'collection', 'case.referred', 'system', $4, ARRAY[case_id], 'safeguarding', 'allow', case_id::text FROM part`;

const READ = `
  WITH l AS (INSERT INTO access_log (operation, action, issuer, subject, record_ids, purpose, decision, correlation_id)
             VALUES ('consultation', 'case.read', $2, $3, ARRAY[$1::uuid], $4, 'allow', $5))
  SELECT case_id, status, opened_at FROM case_part WHERE case_id = $1`;

async function main() {
  const namespace = env('LEAN_NAMESPACE');
  const service = env('LEAN_SERVICE');
  const verify = tokenVerifier(env('AUTH_DEV_ISSUER_DIR'));
  const db = newPool();
  await db.query(SCHEMA);
  const nc = await natsConnection(`lean-${service}`);
  const stream = `${namespace.toUpperCase()}_EVENTS`;
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(stream, {
    durable_name: service,
    ack_policy: AckPolicy.Explicit,
    filter_subject: `${namespace}.intake.case.referred`,
    ack_wait: 30_000_000_000,
    max_ack_pending: 1000,
  });
  const consumer = await jetstream(nc).consumers.get(stream, service);
  const messages = await consumer.consume({ max_messages: 200 });

  // Every message already delivered when the previous batch committed goes into the next transaction.
  let batch: JsMsg[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async () => {
    while (batch.length) {
      const taken = batch;
      batch = [];
      const events = taken.map((m) => m.json<{ eventId: string; caseId: string; referredAt: string }>());
      for (;;) {
        try {
          await db.query(HANDLE, [
            events.map((e) => e.eventId),
            events.map((e) => e.caseId),
            events.map((e) => e.referredAt),
            service,
          ]);
          break;
        } catch {
          await new Promise((res) => setTimeout(res, 200));
        }
      }
      for (const m of taken) m.ack();
    }
    flushing = undefined;
  };
  void (async () => {
    for await (const m of messages) {
      batch.push(m);
      flushing ??= flush();
    }
  })();

  answerCaseReads(nc, { namespace, part: service, db, read: READ, verify });
  const health = await healthServer();
  onStop(async () => {
    messages.stop();
    await flushing;
    health.close();
    await nc.drain();
    await db.end();
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
