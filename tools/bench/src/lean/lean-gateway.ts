/**
 * Lean gateway: Fastify verifying the ES256 token and validating the referral by JSON schema, then a core
 * NATS request to intake (the token forwarded, intake verifies it again); the case view fans out to the
 * five services at once and composes their parts.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { env, natsConnection, onStop, tokenVerifier } from './lean-common';

const person = {
  type: 'object',
  additionalProperties: false,
  properties: {
    identityKnown: { type: 'boolean' },
    givenName: { type: 'string', minLength: 1, maxLength: 100 },
    familyName: { type: 'string', minLength: 1, maxLength: 100 },
    dateOfBirth: { type: 'string', format: 'date' },
    contact: {
      type: 'object',
      additionalProperties: false,
      properties: { phone: { type: 'string' }, email: { type: 'string' } },
    },
  },
} as const;

const referral = {
  type: 'object',
  additionalProperties: false,
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
    crimeReference: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9/-]{2,39}$' },
    advocacyReferral: { type: 'string', enum: ['CONSENT_GIVEN', 'CONSENT_REFUSED', 'NOT_ASKED'] },
    source: { type: 'string', enum: ['CRIME_REPORT', 'PARTNER_REFERRAL'] },
    offenceClass: { type: 'string', enum: ['S2A_STALKING', 'S4A_FEAR', 'S4A_ALARM_DISTRESS'] },
    flags: {
      type: 'array',
      maxItems: 10,
      items: { type: 'string', enum: ['DOMESTIC', 'CYBER', 'CELEBRITY', 'STAFF_LINKED'] },
    },
    bcu: { type: 'string', minLength: 2, maxLength: 10 },
    caseOfficer: { type: 'string', maxLength: 40 },
    victim: person,
    personOfConcern: person,
    incidents: {
      type: 'array',
      maxItems: 200,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['occurredAt', 'behaviours'],
        properties: {
          occurredAt: { type: 'string', format: 'date-time' },
          behaviours: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 40 } },
        },
      },
    },
  },
} as const;

const PARTS = ['intake', 'risk-assessment', 'advocacy', 'mental-health', 'probation'];

async function main() {
  const namespace = env('LEAN_NAMESPACE');
  const verify = tokenVerifier(env('AUTH_DEV_ISSUER_DIR'));
  const nc = await natsConnection('lean-gateway');
  const app = Fastify({ logger: false });
  const call = async (subject: string, payload: object) => {
    const reply = await nc.request(subject, JSON.stringify(payload), { timeout: 10_000 });
    return reply.json<{ status: number; body?: unknown }>();
  };
  app.post('/referrals', { schema: { body: referral } }, async (req, reply) => {
    try {
      await verify(req.headers.authorization);
    } catch {
      return reply.status(401).send({ title: 'unauthenticated' });
    }
    const r = await call(`${namespace}.rpc.intake.referral.create`, {
      authorization: req.headers.authorization,
      purpose: req.headers['x-purpose-of-use'],
      correlationId: randomUUID(),
      body: req.body,
    });
    return reply.status(r.status).send(r.body);
  });
  app.get<{ Params: { id: string } }>(
    '/cases/:id',
    { schema: { params: { type: 'object', properties: { id: { type: 'string', format: 'uuid' } } } } },
    async (req, reply) => {
      try {
        await verify(req.headers.authorization);
      } catch {
        return reply.status(401).send({ title: 'unauthenticated' });
      }
      const request = {
        authorization: req.headers.authorization,
        purpose: req.headers['x-purpose-of-use'],
        correlationId: randomUUID(),
        caseId: req.params.id,
      };
      const parts = await Promise.all(PARTS.map((p) => call(`${namespace}.rpc.${p}.case.read`, request)));
      if (parts[0].status !== 200)
        return reply.status(parts[0].status === 404 ? 404 : 502).send({ title: 'case' });
      return Object.fromEntries(PARTS.map((p, i) => [p, parts[i].status === 200 ? parts[i].body : null]));
    },
  );
  app.get('/health/ready', async () => ({ status: 'ok' }));
  onStop(async () => {
    await app.close();
    await nc.drain();
  });
  await app.listen({ host: process.env.HTTP_HOST ?? '127.0.0.1', port: Number(env('HTTP_PORT')) });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
