/**
 * Lean intake: answers the referral request (token verified again; case, people with encrypted fields and
 * keyed search tokens, participants, incidents, the owning team's grant, the access log and the outbox
 * in one transaction) and the case read; a relay in the same process publishes the outbox to JetStream
 * with the event id as message id and marks the rows published only after JetStream acknowledged them.
 */
import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import {
  ACCESS_LOG_TABLE,
  env,
  answerCaseReads,
  healthServer,
  keyedHash,
  natsConnection,
  onStop,
  pool as newPool,
  seal,
  tokenVerifier,
} from './lean-common';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS stalking_case (
    id uuid PRIMARY KEY, crime_reference text NOT NULL UNIQUE, source text NOT NULL, offence_class text NOT NULL,
    flags text[] NOT NULL, bcu text NOT NULL, case_officer text, status text NOT NULL, referred_at timestamptz NOT NULL);
  CREATE TABLE IF NOT EXISTS person (id uuid PRIMARY KEY, identity_enc bytea NOT NULL, contact_enc bytea);
  CREATE TABLE IF NOT EXISTS person_match_key (key bytea NOT NULL, person_id uuid NOT NULL, PRIMARY KEY (key, person_id));
  CREATE TABLE IF NOT EXISTS case_participant (case_id uuid NOT NULL, person_id uuid NOT NULL, role text NOT NULL, PRIMARY KEY (case_id, person_id));
  CREATE TABLE IF NOT EXISTS incident (id uuid PRIMARY KEY, case_id uuid NOT NULL, occurred_at timestamptz NOT NULL, behaviours jsonb NOT NULL);
  CREATE INDEX IF NOT EXISTS incident_case ON incident (case_id);
  CREATE TABLE IF NOT EXISTS case_relationship (id uuid PRIMARY KEY, case_id uuid NOT NULL, kind text NOT NULL, agency text NOT NULL, valid_from timestamptz NOT NULL);
  CREATE INDEX IF NOT EXISTS case_relationship_case ON case_relationship (case_id);
  CREATE TABLE IF NOT EXISTS outbox (id bigserial PRIMARY KEY, event_id uuid NOT NULL, subject text NOT NULL, payload jsonb NOT NULL, published_at timestamptz);
  CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
  ${ACCESS_LOG_TABLE};`;

interface Person {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  contact?: unknown;
}
interface Referral {
  crimeReference: string;
  source: string;
  offenceClass: string;
  flags: string[];
  bcu: string;
  caseOfficer?: string;
  victim: Person;
  personOfConcern: Person;
  incidents: { occurredAt: string; behaviours: string[] }[];
}

const REFER = `
  WITH c AS (
    INSERT INTO stalking_case (id, crime_reference, source, offence_class, flags, bcu, case_officer, status, referred_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'REFERRED', now()) RETURNING id, referred_at),
  p AS (INSERT INTO person (id, identity_enc, contact_enc) SELECT * FROM unnest($8::uuid[], $9::bytea[], $10::bytea[])),
  k AS (INSERT INTO person_match_key (key, person_id) SELECT * FROM unnest($11::bytea[], $12::uuid[]) ON CONFLICT DO NOTHING),
  cp AS (INSERT INTO case_participant (case_id, person_id, role) SELECT $1, * FROM unnest($8::uuid[], $13::text[])),
  i AS (INSERT INTO incident (id, case_id, occurred_at, behaviours)
        SELECT gen_random_uuid(), $1, o, b FROM unnest($14::timestamptz[], $15::jsonb[]) AS t(o, b)),
  g AS (INSERT INTO case_relationship (id, case_id, kind, agency, valid_from) VALUES (gen_random_uuid(), $1, 'OWNING_TEAM', 'police', now())),
  l AS (INSERT INTO access_log (operation, action, issuer, subject, record_ids, purpose, decision, correlation_id)
        VALUES ('collection', 'case.refer', $16, $17, ARRAY[$1::uuid], $18, 'allow', $19))
  INSERT INTO outbox (event_id, subject, payload)
  SELECT $20::uuid, $21, jsonb_build_object('eventId', $20::text, 'caseId', c.id, 'referredAt', c.referred_at) FROM c
  RETURNING (SELECT referred_at FROM c) AS referred_at`;

const READ = `
  WITH l AS (INSERT INTO access_log (operation, action, issuer, subject, record_ids, purpose, decision, correlation_id)
             VALUES ('consultation', 'case.read', $2, $3, ARRAY[$1::uuid], $4, 'allow', $5))
  SELECT id, crime_reference, status, flags, bcu, referred_at FROM stalking_case WHERE id = $1`;

async function main() {
  const namespace = env('LEAN_NAMESPACE');
  const dataKey = Buffer.from(env('DATA_KEY'), 'base64');
  const indexKey = keyedHash(dataKey, 'index', 'v1');
  const verify = tokenVerifier(env('AUTH_DEV_ISSUER_DIR'));
  const db = newPool();
  await db.query(SCHEMA);
  const nc = await natsConnection('lean-intake');
  const stream = `${namespace.toUpperCase()}_EVENTS`;
  const eventSubject = `${namespace}.intake.case.referred`;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${namespace}.intake.>`], max_bytes: 64 * 1024 * 1024 });
  const js = jetstream(nc);

  // --- relay --------------------------------------------------------------------------------------
  let kicked = false;
  let wake: (() => void) | undefined;
  const kick = () => {
    kicked = true;
    wake?.();
  };
  let running = true;
  const relay = (async () => {
    while (running) {
      if (!kicked) await new Promise<void>((res) => ((wake = res), setTimeout(res, 100)));
      kicked = false;
      const { rows } = await db.query<{ id: string; event_id: string; subject: string; payload: object }>(
        'SELECT id, event_id, subject, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 500',
      );
      if (!rows.length) continue;
      await Promise.all(
        rows.map((r) => js.publish(r.subject, JSON.stringify(r.payload), { msgID: r.event_id })),
      );
      await db.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [
        rows.map((r) => r.id),
      ]);
      if (rows.length === 500) kicked = true;
    }
  })();

  const enc = new TextEncoder();
  const person = (p: Person, id: string, withContact: boolean) => {
    const identity = {
      givenName: p.givenName ?? null,
      familyName: p.familyName ?? null,
      dateOfBirth: p.dateOfBirth ?? null,
    };
    const keys = [
      `${identity.givenName}|${identity.familyName}`.toLowerCase(),
      `${identity.familyName}|${identity.givenName}`.toLowerCase(),
      identity.dateOfBirth ?? '',
    ].map((v, i) => keyedHash(indexKey, ['pair', 'pair', 'dob'][i], v));
    return {
      identity: seal(dataKey, identity, id, 'identity'),
      contact: withContact && p.contact ? seal(dataKey, p.contact, id, 'contact') : null,
      keys,
    };
  };

  nc.subscribe(`${namespace}.rpc.intake.referral.create`, {
    queue: 'intake',
    callback: (_e, msg) =>
      void (async () => {
        const req = msg.json<{
          authorization: string;
          purpose: string;
          correlationId: string;
          body: Referral;
        }>();
        try {
          const principal = await verify(req.authorization);
          const r = req.body;
          const caseId = randomUUID();
          const ids = [randomUUID(), randomUUID()];
          const v = person(r.victim, ids[0], true);
          const s = person(r.personOfConcern, ids[1], false);
          const { rows } = await db.query(REFER, [
            caseId,
            r.crimeReference,
            r.source,
            r.offenceClass,
            r.flags,
            r.bcu,
            r.caseOfficer ?? null,
            ids,
            [v.identity, s.identity],
            [v.contact, s.contact],
            [...v.keys, ...s.keys],
            [...v.keys.map(() => ids[0]), ...s.keys.map(() => ids[1])],
            ['VICTIM', 'PERSON_OF_CONCERN'],
            r.incidents.map((i) => i.occurredAt),
            r.incidents.map((i) => JSON.stringify(i.behaviours)),
            principal.issuer,
            principal.subject,
            req.purpose,
            req.correlationId,
            randomUUID(),
            eventSubject,
          ]);
          kick();
          msg.respond(
            enc.encode(
              JSON.stringify({
                status: 201,
                body: { caseId, status: 'REFERRED', referredAt: rows[0].referred_at },
              }),
            ),
          );
        } catch (e) {
          if (process.env.LEAN_DEBUG) console.error(e);
          const status =
            (e as { code?: string }).code === '23505'
              ? 409
              : (e as Error).message === 'unauthenticated'
                ? 401
                : 500;
          msg.respond(
            enc.encode(
              JSON.stringify({
                status,
                body: { title: status === 409 ? 'duplicate crime reference' : 'error' },
              }),
            ),
          );
        }
      })(),
  });
  answerCaseReads(nc, { namespace, part: 'intake', db, read: READ, verify });
  const health = await healthServer();
  onStop(async () => {
    running = false;
    kick();
    await relay.catch(() => undefined);
    health.close();
    await nc.drain();
    await db.end();
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
