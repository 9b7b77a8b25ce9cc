import { HttpException, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, correlationIdFrom, LOGGER, setHttpRoute, type ServiceMetrics } from '@stac/observability';
import helmet from '@fastify/helmet';
import { TokenVerifier } from '@stac/auth/tokens';
import { exceedsJsonDepth, fieldProblems, malformedStringPath, malformedStringProblem, MAX_JSON_DEPTH, problem, prototypeKeyPath, prototypeKeyProblem, STRICT_VALIDATION } from '@stac/rpc';
import { AuthenticatedGuard } from './authenticated.guard';
import { CaseProbeDetector } from './case-probe-detector';
import { isPublicRoute, registerAuthentication } from './authentication';
import { openApiDocument } from './openapi';
import type { SharedRateLimiter } from './shared-rate-limit';

const ASYNCAPI_DOCUMENT = readFileSync(require.resolve('@stac/contracts/asyncapi.json'), 'utf8');

/** Headers a client could use to claim an identity; the edge drops them (API-06). */
const IDENTITY_HEADERS = ['x-user-id', 'x-agency', 'x-role', 'x-forwarded-for', 'x-forwarded-user', 'x-real-ip'];

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
function isJson(contentType: string | undefined): boolean {
  return !!contentType && /^application\/(?:[a-z.+-]*\+)?json\s*(?:;.*)?$/i.test(contentType);
}

/**
 * The HTTP edge: correlation ids, dropped identity headers, request metrics, strict validation,
 * problem+json for framework-level errors (body limit, media type, malformed JSON), and OpenAPI at /docs.
 */
export interface EdgeSettings {
  /** The rate limit every gateway replica shares (API-08). */
  rateLimiter: SharedRateLimiter;
}

export async function configureEdge(app: NestFastifyApplication, metrics: ServiceMetrics, settings: EdgeSettings): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  await app.register(helmet as never, { contentSecurityPolicy: false });
  registerAuthentication(fastify, app.get(TokenVerifier));
  // Per user when authenticated, per address otherwise (API-08), shared by every gateway replica; runs
  // after authentication.
  fastify.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (isPublicRoute(req.url)) return;
    const key = req.principal ? `user:${req.principal.issuer}#${req.principal.subject}` : `ip:${req.ip}`;
    let decision;
    try {
      decision = await settings.rateLimiter.take(key);
    } catch {
      // The limit's store is the bus every request needs anyway: answered like the bus being away (REL-05).
      return reply
        .status(503)
        .header('content-type', 'application/problem+json')
        .header('retry-after', '1')
        .send(problem(503, 'bus-unavailable', 'The message bus is unavailable'));
    }
    if (!decision.allowed) {
      return reply
        .status(429)
        .header('content-type', 'application/problem+json')
        .header('retry-after', String(decision.retryAfterSeconds))
        .send(problem(429, 'rate-limited', `Too many requests; retry after ${decision.retryAfterSeconds} seconds`));
    }
  });
  app.useGlobalGuards(new AuthenticatedGuard());

  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // The HTTP span is named after the route template, never the concrete path with its ids.
    setHttpRoute(req.routeOptions?.url);
    for (const h of IDENTITY_HEADERS) delete req.headers[h];
    const id = correlationIdFrom(req.headers[CORRELATION_HEADER]);
    req.headers[CORRELATION_HEADER] = id;
    void reply.header(CORRELATION_HEADER, id);
    // The API speaks JSON only: any other body is refused before parsing (API-03).
    if (BODY_METHODS.has(req.method) && req.headers['content-length'] !== '0' && !isJson(req.headers['content-type'])) {
      return reply
        .status(415)
        .header('content-type', 'application/problem+json')
        .send(problem(415, 'unsupported-media-type', 'Content-Type must be application/json'));
    }
  });
  // A small body can nest deeply enough to overflow the validator's stack: refused before it (API-03).
  fastify.addHook('preValidation', async (req: FastifyRequest, reply: FastifyReply) => {
    // A body is a JSON object, as every service requires: a JSON null would otherwise pass as no body at all
    // (the validation pipe turns null into {}), found by the API fuzzer (seed 1211233048) on order.expiry.scan.
    if (req.body !== undefined && (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))) {
      return reply
        .status(400)
        .header('content-type', 'application/problem+json')
        .send(problem(400, 'invalid-body', 'Request body must be a JSON object'));
    }
    if (req.body !== undefined && exceedsJsonDepth(req.body)) {
      return reply
        .status(400)
        .header('content-type', 'application/problem+json')
        .send(problem(400, 'too-deep', `Request body nests deeper than ${MAX_JSON_DEPTH} levels`));
    }
    // A `constructor` key holding a plain object passes Fastify's parser and class-validator's whitelist
    // (which looks the key up on a plain object and finds Object.prototype.constructor): refused here, as
    // each service refuses it (API-03; found by the API fuzzer on order.expiry.scan).
    const prototypeKey = req.body !== undefined ? prototypeKeyPath(req.body) : undefined;
    if (prototypeKey) {
      return reply
        .status(400)
        .header('content-type', 'application/problem+json')
        .send(problem(400, 'validation-failed', 'The request is not valid', { errors: [prototypeKeyProblem(prototypeKey)] }));
    }
    // JSON may spell a lone surrogate ("\ud800"): no text, and Postgres refuses it (API-02).
    const malformed = req.body !== undefined ? malformedStringPath(req.body) : undefined;
    if (malformed !== undefined) {
      return reply
        .status(400)
        .header('content-type', 'application/problem+json')
        .send(problem(400, 'validation-failed', 'The request is not valid', { errors: [malformedStringProblem(malformed)] }));
    }
  });
  const probes = new CaseProbeDetector({ threshold: 20, windowMs: 60_000 }, app.get(LOGGER), metrics);
  fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    probes.onResponse(req, reply);
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.useGlobalPipes(
    new ValidationPipe({
      ...STRICT_VALIDATION,
      transform: true,
      exceptionFactory: (errors) =>
        new HttpException(
          problem(400, 'validation-failed', 'The request is not valid', { errors: fieldProblems(errors) }),
          400,
        ),
    }),
  );

  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  // The events, beside the routes: AsyncAPI 3.0 generated from libs/contracts (`pnpm run docs`).
  fastify.get('/docs/asyncapi.json', async (_req: FastifyRequest, reply: FastifyReply) => reply.type('application/json').send(ASYNCAPI_DOCUMENT));
}
