import { createParamDecorator, HttpException, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { problem } from '@stac/contracts';

/** The ETag of a versioned aggregate (optimistic concurrency, design.md §4). */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an update was based on, from `If-Match` (required on every update): missing is 428,
 * malformed 400. The owning service compares it and answers 412 when the record has moved on.
 */
export const IfMatchVersion = createParamDecorator((_: unknown, ctx: ExecutionContext): number => {
  const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  if (header === undefined) {
    throw new HttpException(problem(428, 'if-match-required', 'Updates need an If-Match header with the current ETag'), 428);
  }
  const m = typeof header === 'string' ? /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim()) : null;
  if (!m) throw new HttpException(problem(400, 'invalid-if-match', 'If-Match must be an ETag such as "3"'), 400);
  return Number(m[1]);
});
