import { HttpException, ParseUUIDPipe } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { problem } from '@stac/contracts';
import { etagOf } from './if-match';

/** HTTP conventions shared by the gateway's controllers: ids, Idempotency-Key, ETags, limits, header docs. */
export const POLICE_PURPOSE = { name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding' };
export const IDEMPOTENCY_HEADER = { name: 'Idempotency-Key', required: false, description: 'Retry-safe key: same key and body replay the first answer' };
export const IF_MATCH_HEADER = { name: 'If-Match', required: true, description: 'The ETag of the record being changed, e.g. "3"' };
export const ETAG_HEADER = { ETag: { description: 'Version of the record, for If-Match', schema: { type: 'string' } } };

/** Ids are parsed before any lookup or subject is built (API-04). */
export function uuidPipe(name: string): ParseUUIDPipe {
  return new ParseUUIDPipe({ exceptionFactory: () => new HttpException(problem(400, 'invalid-id', `${name} must be a UUID`), 400) });
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;
export function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpException(problem(400, 'invalid-idempotency-key', 'Idempotency-Key must be 8-128 letters, digits, _ or -'), 400);
  }
  return key;
}

export function withEtag<T>(reply: FastifyReply, version: number, value: T): T {
  void reply.header('etag', etagOf(version));
  return value;
}

export function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 200) {
    throw new HttpException(problem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'limit', message: 'limit must be 1-200' }] }), 400);
  }
  return Number(raw);
}
