import { HttpException, ValidationPipe } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CORRELATION_HEADER, correlationIdFrom, type ServiceMetrics } from '@stac/observability';
import { fieldProblems, problem, STRICT_VALIDATION } from '@stac/runtime';

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
export function configureEdge(app: NestFastifyApplication, metrics: ServiceMetrics): void {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    for (const h of IDENTITY_HEADERS) delete req.headers[h];
    const id = correlationIdFrom(req.headers[CORRELATION_HEADER]);
    req.headers[CORRELATION_HEADER] = id;
    void reply.header(CORRELATION_HEADER, id);
    // The API speaks JSON only: any other body is refused before parsing (API-03).
    if (BODY_METHODS.has(req.method) && req.headers['content-length'] !== '0' && !isJson(req.headers['content-type'])) {
      return reply
        .status(415)
        .header('content-type', 'application/problem+json')
        .send({ ...problem(415, 'unsupported-media-type', 'Content-Type must be application/json'), correlationId: id });
    }
  });
  fastify.addHook('onResponse', async (req: FastifyRequest, reply: FastifyReply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // Errors raised by Fastify before Nest sees the request (API-03).
  fastify.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const byCode: Record<string, [string, string]> = {
      FST_ERR_CTP_BODY_TOO_LARGE: ['payload-too-large', 'Request body is too large'],
      FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported-media-type', 'Content-Type must be application/json'],
      FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['bad-request', 'Content-Length does not match the body'],
      FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed-json', 'Request body is empty'],
    };
    const [code, title] =
      byCode[err.code] ??
      (status === 400 ? ['malformed-json', 'Request body is not valid JSON'] : ['internal-error', 'Internal error']);
    void reply
      .status(status)
      .header('content-type', 'application/problem+json')
      .send({ ...problem(status, code, title), correlationId: req.headers[CORRELATION_HEADER] });
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

  const doc = new DocumentBuilder()
    .setTitle('S-TAC platform API')
    .setDescription(
      'Unified API of the Stalking Threat Assessment Centre platform. Errors are RFC 9457 problem+json with a stable `code`.',
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs/openapi.json' });
}
