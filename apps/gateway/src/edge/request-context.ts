import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, TRACEPARENT_HEADER, traceparentFrom } from '@stac/observability';

export interface RequestContext {
  correlationId: string;
  traceparent?: string;
}

/** Tracing ids of the current request (set by the edge hook; never client identity). */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return {
    correlationId: String(req.headers[CORRELATION_HEADER]),
    traceparent: traceparentFrom(req.headers[TRACEPARENT_HEADER]),
  };
});
