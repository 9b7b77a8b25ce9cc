import { Body, Controller, Delete, Get, HttpCode, HttpException, Patch, Post, Put, Req, Res, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags, OmitType } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getMetadataStorage } from 'class-validator';
import { pathParams, problem, type HttpBinding, type Operation, type QueryBinding } from '@stac/contracts';
import { ETAG_HEADER, IDEMPOTENCY_HEADER, IF_MATCH_HEADER, checkedIdempotencyKey } from './http-conventions';
import { etagOf, IfMatchVersion } from './if-match';
import { ProblemResponses } from './problem-responses';
import { Ctx, type RequestContext } from './request-context';
import { ServiceClient } from './service-client';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const METHOD = { GET: Get, POST: Post, PUT: Put, PATCH: Patch, DELETE: Delete } as const;
/** Every route can also answer these: no or bad token, rate limit, bus down, service too slow. */
const EDGE_PROBLEMS = [401, 429, 503, 504];

/** No body, or an empty JSON object. A JSON `null`, array or scalar is a body (API-03: refused where none is taken). */
function isEmptyBody(body: unknown): boolean {
  return body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
}

function invalid(field: string, message: string): HttpException {
  return new HttpException(problem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] }), 400);
}

/** Ids in the path are parsed before anything else is looked at (API-04). */
function pathIds(req: FastifyRequest, names: string[]): Record<string, string> {
  const params = (req.params ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = params[name];
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw new HttpException(problem(400, 'invalid-id', `${name} must be a UUID`), 400);
    }
    out[name] = value.toLowerCase();
  }
  return out;
}

function queryFields(req: FastifyRequest, bindings: readonly QueryBinding[]): Record<string, unknown> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const b of bindings) {
    const raw = query[b.name];
    if (raw === undefined) {
      if (b.required) throw invalid(b.name, `${b.name} is required`);
      continue;
    }
    if (typeof raw !== 'string') throw invalid(b.name, `${b.name} must be given once`);
    const field = b.field ?? b.name;
    if (b.type === 'csv') {
      const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length > (b.maxItems ?? 10)) throw invalid(b.name, `${b.name} lists at most ${b.maxItems ?? 10} values`);
      if (items.length) out[field] = items;
    } else if (b.type === 'int') {
      if (!/^\d{1,6}$/.test(raw)) throw invalid(b.name, `${b.name} must be a whole number`);
      out[field] = Number(raw);
    } else {
      out[field] = raw;
    }
  }
  return out;
}

/** The class the HTTP body is validated with: declared, or the request without what the path, query and If-Match fill. */
function bodyClassOf(op: Operation, http: HttpBinding): Type | undefined {
  if (!BODY_METHODS.has(http.method)) return undefined;
  if (http.body === null) return undefined;
  if (http.body) return http.body as Type;
  if (http.bodyField) throw new Error(`operation ${op.name}: bodyField needs an explicit body class`);
  const filled = [...pathParams(http.path), ...(http.query ?? []).map((q) => q.field ?? q.name), ...(http.ifMatch ? [http.ifMatchField ?? 'expectedVersion'] : [])];
  const derived = OmitType(op.request as Type<object>, filled as never[]);
  Object.defineProperty(derived, 'name', { value: `${op.request.name}Body` });
  // Everything the request needs comes from the path and headers: the operation takes no body at all.
  if (getMetadataStorage().getTargetValidationMetadatas(derived, '', true, false).length === 0) return undefined;
  return derived;
}

function replyDocs(op: Operation, http: HttpBinding) {
  const status = http.status ?? 200;
  const headers = http.etag ? ETAG_HEADER : undefined;
  if (!op.reply) return ApiResponse({ status, description: 'Done', headers });
  const many = Array.isArray(op.reply);
  const type = (many ? (op.reply as unknown as readonly [Type])[0] : op.reply) as Type;
  return ApiResponse({ status, description: 'Done', type, isArray: many, headers });
}

function pascal(name: string): string {
  return name.replace(/(^|[.\-_])([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * One Nest controller per operation, built from its declaration: the path, the parameters, the body
 * class, the headers it needs and its OpenAPI description all come from `op.http`, so a route cannot
 * drift from its contract. The handler only gathers the request and forwards it with the caller's token.
 */
export function operationController(op: Operation): Type {
  const http = op.http;
  if (!http) throw new Error(`operation ${op.name} has no HTTP binding`);
  const params = pathParams(http.path);
  const bodyClass = bodyClassOf(op, http);

  class OperationRoute {
    constructor(readonly services: ServiceClient) {}

    async handle(req: FastifyRequest, reply: FastifyReply, body: unknown, ctx: RequestContext, expectedVersion?: number): Promise<unknown> {
      const ids = pathIds(req, params);
      if (!bodyClass && BODY_METHODS.has(http!.method) && !isEmptyBody(req.body)) {
        throw new HttpException(problem(400, 'unexpected-body', 'This operation takes no request body'), 400);
      }
      const query = queryFields(req, http!.query ?? []);
      const idempotencyKey = http!.idempotent ? checkedIdempotencyKey(req.headers['idempotency-key'] as string | undefined) : undefined;
      const version = http!.ifMatch ? { [http!.ifMatchField ?? 'expectedVersion']: expectedVersion } : {};
      const own = (body ?? {}) as Record<string, unknown>;
      const request = http!.bodyField ? { [http!.bodyField]: own, ...ids, ...query, ...version } : { ...own, ...ids, ...query, ...version };
      const answer = await this.services.send(op, { ...ctx, idempotencyKey, body: request });
      const v = http!.etag ? (answer as Record<string, unknown> | null)?.[http!.etag === true ? 'version' : http!.etag] : undefined;
      if (typeof v === 'number') void reply.header('etag', etagOf(v));
      if (http!.location) void reply.header('location', `/api/v1${http!.location.replace(/:([A-Za-z0-9]+)/g, (_, p: string) => String((request as Record<string, unknown>)[p] ?? (answer as Record<string, unknown>)[p]))}`);
      if (http!.createdFlag && (answer as Record<string, unknown> | null)?.[http!.createdFlag] === false) void reply.status(200);
      return answer;
    }
  }
  Object.defineProperty(OperationRoute, 'name', { value: `${pascal(op.name)}Route` });
  Reflect.defineMetadata('design:paramtypes', [ServiceClient], OperationRoute);

  const proto = OperationRoute.prototype;
  const key = 'handle';
  Reflect.defineMetadata('design:paramtypes', [Object, Object, bodyClass ?? Object, Object, Number], proto, key);
  Req()(proto, key, 0);
  Res({ passthrough: true })(proto, key, 1);
  if (bodyClass) Body()(proto, key, 2);
  Ctx()(proto, key, 3);
  if (http.ifMatch) IfMatchVersion()(proto, key, 4);

  const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
  const problems = [...new Set([...http.problems, ...EDGE_PROBLEMS, ...(bodyClass ? [413, 415] : [])])].sort((a, b) => a - b);
  const decorators: MethodDecorator[] = [
    METHOD[http.method](http.path.replace(/^\//, '')),
    HttpCode(http.status ?? 200),
    ApiTags(http.tag),
    ApiOperation({ operationId: op.name, summary: http.summary, description: http.description }),
    ...params.map((name) => ApiParam({ name, format: 'uuid', type: String })),
    ...(http.query ?? []).map((q) =>
      ApiQuery({ name: q.name, required: !!q.required, description: q.description, ...(q.enum ? { enum: [...q.enum] } : { type: q.type === 'int' ? Number : String }) }),
    ),
    ...(http.purpose ? [ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'Purpose of use, checked against the policy and data-sharing agreements' })] : []),
    ...(http.idempotent ? [ApiHeader(IDEMPOTENCY_HEADER)] : []),
    ...(http.ifMatch ? [ApiHeader(IF_MATCH_HEADER)] : []),
    ...(bodyClass ? [ApiBody({ type: bodyClass })] : []),
    replyDocs(op, http),
    ...(http.createdFlag ? [replyDocs(op, { ...http, status: 200, etag: undefined })] : []),
    ProblemResponses(...problems),
  ];
  for (const d of decorators) d(proto, key, descriptor);
  Object.defineProperty(proto, key, descriptor);
  if (bodyClass) ApiExtraModels(bodyClass)(OperationRoute);
  Controller('api/v1')(OperationRoute);
  return OperationRoute;
}

/** Controllers for every operation with an HTTP binding, refusing two operations on one method and path. */
export function operationControllers(ops: readonly Operation[]): Type[] {
  const seen = new Map<string, string>();
  return ops
    .filter((op) => op.http)
    .map((op) => {
      const route = `${op.http!.method} ${op.http!.path.replace(/:[A-Za-z0-9]+/g, ':')}`;
      if (seen.has(route)) throw new Error(`${route} is declared by ${seen.get(route)} and ${op.name}`);
      seen.set(route, op.name);
      return operationController(op);
    });
}
