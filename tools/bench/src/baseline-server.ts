/**
 * The baseline: a bare Fastify + pg server with one POST route that checks the body's shape with a
 * plain JSON schema and inserts one row about as wide as a referral's case row. Run as its own
 * process by baseline.ts (BENCH_DATABASE_URL, HTTP_HOST, HTTP_PORT); nothing else of the platform is loaded.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { Pool } from 'pg';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS referral (
    id               uuid PRIMARY KEY,
    crime_reference  text NOT NULL UNIQUE,
    source           text NOT NULL,
    offence_class    text NOT NULL,
    flags            text[] NOT NULL,
    bcu              text NOT NULL,
    case_officer     text,
    status           text NOT NULL,
    people           jsonb NOT NULL,
    incidents        jsonb NOT NULL,
    referred_at      timestamptz NOT NULL
  )`;

const body = {
  type: 'object',
  required: [
    'crimeReference',
    'source',
    'offenceClass',
    'flags',
    'bcu',
    'victim',
    'personOfConcern',
    'incidents',
  ],
  properties: {
    crimeReference: { type: 'string', maxLength: 40 },
    source: { type: 'string' },
    offenceClass: { type: 'string' },
    flags: { type: 'array', items: { type: 'string' } },
    bcu: { type: 'string' },
    caseOfficer: { type: 'string' },
    victim: { type: 'object' },
    personOfConcern: { type: 'object' },
    incidents: { type: 'array', items: { type: 'object' } },
  },
} as const;

interface Referral {
  crimeReference: string;
  source: string;
  offenceClass: string;
  flags: string[];
  bcu: string;
  caseOfficer?: string;
  victim: object;
  personOfConcern: object;
  incidents: object[];
}

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  const host = process.env.HTTP_HOST ?? '127.0.0.1';
  const port = Number(process.env.HTTP_PORT);
  if (!url || !port) throw new Error('baseline-server: BENCH_DATABASE_URL and HTTP_PORT are required');
  // Same pool size as the services' TypeORM pools.
  const pool = new Pool({ connectionString: url, max: 10 });
  await pool.query(SCHEMA);

  const app = Fastify({ logger: false });
  app.post<{ Body: Referral }>('/referrals', { schema: { body } }, async (req, reply) => {
    const r = req.body;
    const id = randomUUID();
    const now = new Date();
    await pool.query(
      `INSERT INTO referral (id, crime_reference, source, offence_class, flags, bcu, case_officer, status, people, incidents, referred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'REFERRED', $8, $9, $10)`,
      [
        id,
        r.crimeReference,
        r.source,
        r.offenceClass,
        r.flags,
        r.bcu,
        r.caseOfficer ?? null,
        JSON.stringify({ victim: r.victim, personOfConcern: r.personOfConcern }),
        JSON.stringify(r.incidents),
        now,
      ],
    );
    void reply.status(201).header('location', `/referrals/${id}`);
    return { caseId: id, status: 'REFERRED', referredAt: now.toISOString(), created: true };
  });
  app.get('/health/ready', async () => ({ status: 'ok' }));

  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());

  await app.listen({ host, port });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
