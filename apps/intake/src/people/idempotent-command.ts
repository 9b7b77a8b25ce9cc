import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Principal } from '@stac/auth';
import { rpcProblem } from '@stac/runtime';

/** Canonical JSON (sorted keys) so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs a creating command once per Idempotency-Key (scoped to the caller and the command) inside the
 * caller's transaction: a retry with the same key and body replays the first answer, a different body
 * under the same key is 422. Without a key the command simply runs.
 */
export async function idempotent<T>(
  m: EntityManager,
  o: { principal: Principal; idempotencyKey?: string; command: string; body: unknown },
  run: () => Promise<T>,
): Promise<T> {
  if (!o.idempotencyKey) return run();
  const key = `${o.principal.issuer}#${o.principal.subject}#${o.command}#${o.idempotencyKey}`;
  const requestHash = createHash('sha256').update(canonical(o.body)).digest('hex');
  const claimed: unknown[] = await m.query(
    'INSERT INTO idempotency_record (key, request_hash) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key',
    [key, requestHash],
  );
  if (claimed.length === 0) {
    const [previous] = await m.query('SELECT request_hash, response FROM idempotency_record WHERE key = $1', [key]);
    if (previous.request_hash !== requestHash) {
      throw rpcProblem(422, 'idempotency-key-reused', 'This Idempotency-Key was already used with a different request');
    }
    return previous.response as T;
  }
  const answer = await run();
  await m.query('UPDATE idempotency_record SET response = $2 WHERE key = $1', [key, JSON.stringify(answer)]);
  return answer;
}

/** The case id of a case-scoped request body, checked before anything is looked up (API-04). */
export function caseIdOf(body: unknown): string {
  const id = typeof body === 'object' && body !== null ? (body as { caseId?: unknown }).caseId : undefined;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw rpcProblem(400, 'invalid-id', 'caseId must be a UUID', { errors: [{ field: 'caseId', message: 'caseId must be a UUID' }] });
  }
  return id.toLowerCase();
}
