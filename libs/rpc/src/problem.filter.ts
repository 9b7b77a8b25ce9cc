import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { throwError } from 'rxjs';
import { isProblem, type Problem } from '@stac/contracts';
import { annotateActiveSpan } from '@stac/observability';
import { problem, ProblemException } from './rpc-problem';

// The server down, restarting or refusing new connections (53300: every connection slot taken, 53000:
// out of resources; found by the API fuzzer on a shared server, answered 500 before).
const PG_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006', '53000', '53300']);

const FASTIFY_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload-too-large', 'Request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported-media-type', 'Content-Type must be application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad-request', 'Content-Length does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed-json', 'Request body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed-json', 'Request body is not valid JSON'],
};

/** Maps any failure to a problem; 5xx answers never carry messages, SQL, hosts or paths (API-09). */
export function toProblem(e: unknown): Problem {
  if (e instanceof ProblemException) return e.problem;
  if (isProblem(e)) return e;
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const body = e.getResponse();
    if (isProblem(body)) return body;
    if (status === 400 && /JSON/.test(e.message)) return problem(400, 'malformed-json', 'Request body is not valid JSON');
    const title = status >= 500 ? 'Internal error' : typeof body === 'string' ? body : e.message;
    return problem(status, httpCode(status), title);
  }
  const code = (e as { code?: string })?.code;
  // Errors Fastify raises before a route runs (API-03): their own status, our words.
  const fastify = code ? FASTIFY_ERRORS[code] : undefined;
  if (fastify) return problem(fastify[0], fastify[1], fastify[2]);
  const statusCode = (e as { statusCode?: number })?.statusCode;
  if (code?.startsWith('FST_') && statusCode && statusCode >= 400 && statusCode < 500) {
    return problem(statusCode, httpCode(statusCode), 'The request could not be read');
  }
  const message = String((e as Error)?.message ?? '');
  // Every pooled connection busy for the whole acquire timeout: overload, not an outage.
  if (/timeout exceeded when trying to connect/i.test(message)) {
    return problem(503, 'service-busy', 'The service is busy; try again shortly');
  }
  if ((code && PG_UNAVAILABLE.has(code)) || /Connection terminated|connect ECONNREFUSED/i.test(message)) {
    return problem(503, 'database-unavailable', 'The service database is unavailable; try again shortly');
  }
  return problem(500, 'internal-error', 'Internal error');
}

function httpCode(status: number): string {
  return (
    {
      400: 'bad-request',
      401: 'unauthenticated',
      403: 'forbidden',
      404: 'not-found',
      405: 'method-not-allowed',
      409: 'conflict',
      413: 'payload-too-large',
      415: 'unsupported-media-type',
      422: 'unprocessable',
      429: 'rate-limited',
    }[status] ?? (status >= 500 ? 'internal-error' : 'bad-request')
  );
}

/** One filter for HTTP and request/reply: problem+json on HTTP, a problem object over NATS. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(e: unknown, host: ArgumentsHost) {
    const p = toProblem(e);
    // The request's span (rpc.handle or the HTTP server span) records the answer's status and code.
    annotateActiveSpan({ 'stac.problem.status': p.status, 'stac.problem.code': p.code }, p.status >= 500);
    if (p.status >= 500) {
      // The kind and code only: messages can echo SQL parameters or request values.
      this.logger.error({ err: { type: (e as Error)?.name, code: (e as { code?: string })?.code }, status: p.status }, 'request failed');
    }
    if (host.getType() === 'rpc') return throwError(() => p);
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    // The correlation id travels in the x-correlation-id header, so equal problems are byte-identical (AC-09).
    void reply.status(p.status).header('content-type', 'application/problem+json');
    // Busy or briefly unavailable: tell well-behaved clients when to come back (REL-05).
    if (p.status === 503) void reply.header('retry-after', String(Math.max(1, Math.ceil(p.retryAfterSeconds ?? 1))));
    void reply.send(p);
  }
}
