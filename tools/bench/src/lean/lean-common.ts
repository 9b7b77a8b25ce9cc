/**
 * Shared parts of the lean comparator (README "The lean comparator"): the platform's hops written bare, in
 * plain Node with no Nest and no ORM, so each platform figure can be read as "x times the same work done
 * lean". Every lean process verifies the caller's token (ES256, the same checks as the services),
 * encrypts with AES-256-GCM, keys search tokens with HMAC, writes the access log and keeps the same
 * durability (outbox, inbox, ack after commit). Nothing here ships: it is measurement equipment.
 */
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Pool } from 'pg';

export const AUDIENCE = 'stac-platform';

export interface LeanPrincipal {
  issuer: string;
  subject: string;
  roles: string[];
}

/** ES256 access-token verification against the bench issuer's JWKS: signature, issuer, audience, typ, age. */
export function tokenVerifier(
  issuerDir: string,
): (authorization: string | undefined) => Promise<LeanPrincipal> {
  const keys = createLocalJWKSet(JSON.parse(readFileSync(join(issuerDir, 'jwks.json'), 'utf8')));
  return async (authorization) => {
    const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization ?? '');
    if (!m) throw new Error('unauthenticated');
    const { payload } = await jwtVerify(m[1], keys, {
      audience: AUDIENCE,
      algorithms: ['ES256'],
      requiredClaims: ['sub', 'exp', 'iat'],
      typ: 'at+jwt',
      maxTokenAge: 3600,
      clockTolerance: 30,
    });
    return { issuer: payload.iss!, subject: payload.sub!, roles: (payload.roles as string[]) ?? [] };
  };
}

/** AES-256-GCM bound to (row id, column), as the platform's field encryption. */
export function seal(key: Buffer, value: unknown, rowId: string, column: string): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(`${rowId}\u0000${column}`));
  const body = Buffer.concat([c.update(JSON.stringify(value), 'utf8'), c.final()]);
  return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), body]);
}

export const keyedHash = (key: Buffer, label: string, value: string): Buffer =>
  createHmac('sha256', key).update(label).update('\u0000').update(value).digest().subarray(0, 16);

export function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

export const pool = () => new Pool({ connectionString: env('DATABASE_URL'), max: 10 });

export const natsConnection = (name: string): Promise<NatsConnection> =>
  connect({ servers: env('NATS_URL').split(','), name, maxReconnectAttempts: -1 });

/** `/health/ready` for the launcher of processes that otherwise only speak NATS. */
export function healthServer(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  return new Promise((res) =>
    server.listen(Number(env('HTTP_PORT')), process.env.HTTP_HOST ?? '127.0.0.1', () => res(server)),
  );
}

/** One access-log row as a parameter list: the actor, the action, the record, the decision. */
export const ACCESS_LOG_TABLE = `
  CREATE TABLE IF NOT EXISTS access_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    operation text NOT NULL,
    action text NOT NULL,
    issuer text NOT NULL,
    subject text NOT NULL,
    record_ids uuid[] NOT NULL,
    purpose text NOT NULL,
    decision text NOT NULL,
    correlation_id text NOT NULL
  )`;

export function onStop(stop: () => Promise<void>): void {
  const run = () => void stop().finally(() => process.exit(0));
  process.once('SIGTERM', run);
  process.once('SIGINT', run);
}

/**
 * A process's part of the case view: `rpc.<part>.case.read` answered in its queue group, the token
 * verified, then `read` (one statement: the access-log row and the SELECT) with
 * (caseId, issuer, subject, purpose, correlationId).
 */
export function answerCaseReads(
  nc: NatsConnection,
  o: { namespace: string; part: string; db: Pool; read: string; verify: ReturnType<typeof tokenVerifier> },
): void {
  const enc = new TextEncoder();
  nc.subscribe(`${o.namespace}.rpc.${o.part}.case.read`, {
    queue: o.part,
    callback: (_e, msg) =>
      void (async () => {
        const req = msg.json<{
          authorization: string;
          purpose: string;
          correlationId: string;
          caseId: string;
        }>();
        try {
          const principal = await o.verify(req.authorization);
          const { rows } = await o.db.query(o.read, [
            req.caseId,
            principal.issuer,
            principal.subject,
            req.purpose,
            req.correlationId,
          ]);
          msg.respond(
            enc.encode(JSON.stringify(rows.length ? { status: 200, body: rows[0] } : { status: 404 })),
          );
        } catch {
          msg.respond(enc.encode(JSON.stringify({ status: 500 })));
        }
      })(),
  });
}
