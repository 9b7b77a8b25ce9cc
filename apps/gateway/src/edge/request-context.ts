import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, TRACEPARENT_HEADER, traceparentFrom } from '@stac/observability';

export const PURPOSE_HEADER = 'x-purpose-of-use';

/** What the gateway forwards with every request to a service: the caller's token, purpose and tracing ids. */
export interface RequestContext {
  correlationId: string;
  traceparent?: string;
  token?: string;
  purpose?: string;
  /** The verified roles, for coarse checks at the edge only; services decide for themselves. */
  roles?: readonly string[];
}

export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const purpose = req.headers[PURPOSE_HEADER];
  return {
    correlationId: String(req.headers[CORRELATION_HEADER]),
    traceparent: traceparentFrom(req.headers[TRACEPARENT_HEADER]),
    token: req.token,
    roles: req.principal?.roles,
    purpose: typeof purpose === 'string' && /^[a-z-]{1,32}$/.test(purpose) ? purpose : undefined,
  };
});
