import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@stac/testing';
import { ROLE_AGENCIES, ruleFor } from '@stac/auth';
import type { Agency, Role } from '@stac/domain';
import type { Operation, QueryBinding } from '@stac/contracts';

/**
 * Hostile HTTP requests for one typed operation, generated with fast-check from its contract: the
 * operation's declaration (path, query, headers it takes, policy action) and the request body's schema
 * in the generated OpenAPI document (docs/openapi.json, built from the class-validator DTOs).
 *
 * A request that could change data is always invalid in at least one way the contract makes certain
 * (type confusion in a declared field, a field the contract does not have, a body that is not an object,
 * malformed JSON, a prototype key, a malformed id, a missing or wrong header), so the only acceptable
 * answer is a 4xx problem and the databases must not change. Reads may answer 2xx (nothing is stored).
 */

interface Schema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  maxLength?: number;
  maxItems?: number;
}

interface OpenApi {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

export const OPENAPI: OpenApi = JSON.parse(readFileSync(join(repoRoot(), 'docs', 'openapi.json'), 'utf8')) as OpenApi;

function resolve(s: Schema | undefined, seen = 0): Schema | undefined {
  if (!s || seen > 10) return s;
  if (s.$ref) return resolve(OPENAPI.components.schemas[s.$ref.replace('#/components/schemas/', '')], seen + 1);
  if (s.allOf?.length === 1) return resolve(s.allOf[0], seen + 1);
  return s;
}

function typeOf(s: Schema | undefined): string | undefined {
  const r = resolve(s);
  if (!r) return undefined;
  if (r.properties) return 'object';
  if (Array.isArray(r.type)) return r.type.find((t) => t !== 'null');
  return r.type;
}

/** The request body's schema of an operation, from the OpenAPI document (undefined: no body). */
export function bodySchema(op: Operation): Schema | undefined {
  const http = op.http!;
  const path = `/api/v1${http.path.replace(/:([A-Za-z][A-Za-z0-9]*)/g, '{$1}')}`;
  return resolve(OPENAPI.paths[path]?.[http.method.toLowerCase()]?.requestBody?.content?.['application/json']?.schema);
}

const HUGE = 'x'.repeat(70_000);
/** Strings that have hurt validators, parsers and SQL before. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'Syn\u0000thetic',
  'a\u202Eb',
  '\u200B',
  '\uFEFF',
  '\uD800',
  'Syn\u0085thetic',
  '%_%',
  "' OR '1'='1' --",
  '"; DROP TABLE stalking_case; --',
  '../../../../etc/passwd',
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'true',
  '2026-02-30T25:61:00Z',
  '0000-00-00',
  '+275760-09-13T00:00:00.001Z',
  '1820-01-01',
  '2999-12-31T00:00:00Z',
  '9'.repeat(400),
  'x'.repeat(5_000),
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
];
const NASTY_NUMBERS = [-1, 0, 0.5, -0.0, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MIN_VALUE];

/** A value no schema of this type accepts (class-validator does no implicit conversion). */
function invalidFor(s: Schema | undefined): fc.Arbitrary<unknown> | null {
  switch (typeOf(s)) {
    case 'string':
      return fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant(['x']), fc.constant({ $gt: '' }));
    case 'integer':
    case 'number':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.constant('1'), fc.constant({}), fc.boolean(), fc.constant([1]));
    case 'boolean':
      return fc.oneof(fc.constant('true'), fc.integer(), fc.constant({}), fc.constant([]));
    case 'array':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.constant({}), fc.integer(), fc.boolean());
    case 'object':
      return fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant([]), fc.boolean());
    default:
      return null;
  }
}

/** Values for a field: mostly hostile, sometimes plausible, sometimes of the wrong type altogether. */
function hostileFor(s: Schema | undefined, depth: number): fc.Arbitrary<unknown> {
  const r = resolve(s);
  const wrong = invalidFor(r);
  const others: fc.Arbitrary<unknown>[] = [fc.constant(null), ...(wrong ? [wrong] : [])];
  switch (typeOf(r)) {
    case 'string': {
      const own: fc.Arbitrary<unknown>[] = [fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })];
      if (r?.enum?.length) own.push(fc.constantFrom(...r.enum), fc.constantFrom(...r.enum.map((e) => String(e).toLowerCase()), 'NOT_A_CODE'));
      if (r?.format === 'uuid') own.push(fc.uuid(), fc.uuid().map((u) => u.toUpperCase()), fc.uuid().map((u) => `{${u}}`));
      if (r?.format === 'date-time' || r?.format === 'date') own.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      if (r?.maxLength) own.push(fc.constant('y'.repeat(r.maxLength + 1)));
      return fc.oneof(...own, ...others);
    }
    case 'integer':
    case 'number':
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(...NASTY_NUMBERS), ...others);
    case 'boolean':
      return fc.oneof(fc.boolean(), ...others);
    case 'array':
      return fc.oneof(
        fc.array(depth < 3 ? hostileFor(r?.items, depth + 1) : fc.constant(null), { maxLength: 4 }),
        fc.constant(Array.from({ length: (r?.maxItems ?? 200) + 1 }, () => 'x')),
        ...others,
      );
    case 'object':
      return depth < 3 ? fc.oneof(hostileObject(r!, depth + 1), ...others) : fc.oneof(...others);
    default:
      return fc.oneof(fc.anything({ maxDepth: 2 }), ...others);
  }
}

/** Keys a client must never set: server-owned fields and prototype keys (API-01, API-03). */
const FORBIDDEN_KEYS = ['id', 'agency', 'status', 'createdBy', 'createdAt', 'version', 'owner', 'constructor', 'prototype', 'isAdmin'];

function hostileObject(s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(s.properties ?? {});
  const fields = fc.record(Object.fromEntries(props.map(([k, v]) => [k, hostileFor(v, depth)])), { requiredKeys: [] });
  return fields as fc.Arbitrary<Record<string, unknown>>;
}

/** How a body is made certainly invalid. */
type Poison =
  | { kind: 'wrong-type'; field: string; value: unknown }
  | { kind: 'unknown-field'; field: string; value: unknown }
  | { kind: 'not-an-object'; raw: string }
  | { kind: 'malformed-json'; raw: string }
  | { kind: 'prototype-key'; key: '__proto__' | 'constructor' }
  | { kind: 'too-large' };

function poisons(s: Schema | undefined): fc.Arbitrary<Poison> {
  const props = Object.entries(resolve(s)?.properties ?? {});
  const typed = props.map(([k, v]) => [k, invalidFor(v)] as const).filter((p): p is readonly [string, fc.Arbitrary<unknown>] => p[1] !== null);
  const known = new Set(props.map(([k]) => k));
  const options: fc.Arbitrary<Poison>[] = [
    fc
      .tuple(fc.oneof(fc.constantFrom(...FORBIDDEN_KEYS.filter((k) => !known.has(k))), fc.stringMatching(/^zz[a-zA-Z]{1,8}$/)), fc.anything({ maxDepth: 1 }))
      .map(([field, value]) => ({ kind: 'unknown-field' as const, field, value })),
    fc.constantFrom('[]', '"x"', 'null', '1', 'true', '[{"a":1}]').map((raw) => ({ kind: 'not-an-object' as const, raw })),
    fc.constantFrom('{"a":', '{"a":1,}', "{'a':1}", '\u0000', '{"a":"\\ud800"', '{"a" 1}', '{}{}').map((raw) => ({ kind: 'malformed-json' as const, raw })),
    fc.constantFrom('__proto__' as const, 'constructor' as const).map((key) => ({ kind: 'prototype-key' as const, key })),
    fc.constant({ kind: 'too-large' as const }),
  ];
  if (typed.length)
    options.unshift(
      fc
        .integer({ min: 0, max: typed.length - 1 })
        .chain((i) => typed[i][1].map((value) => ({ kind: 'wrong-type' as const, field: typed[i][0], value }))),
      // Weighted: type confusion in a declared field is the poison most likely to reach the deeper validators.
      fc
        .integer({ min: 0, max: typed.length - 1 })
        .chain((i) => typed[i][1].map((value) => ({ kind: 'wrong-type' as const, field: typed[i][0], value }))),
    );
  return fc.oneof(...options);
}

function bodyText(fields: Record<string, unknown>, poison: Poison): string {
  switch (poison.kind) {
    case 'wrong-type':
      return JSON.stringify({ ...fields, [poison.field]: poison.value });
    case 'unknown-field':
      return JSON.stringify({ ...fields, [poison.field]: poison.value ?? 1 });
    case 'not-an-object':
    case 'malformed-json':
      return poison.raw;
    case 'prototype-key': {
      const rest = JSON.stringify(fields).slice(1);
      const key = poison.key === '__proto__' ? '"__proto__":{"polluted":"yes"}' : '"constructor":{"prototype":{"polluted":"yes"}}';
      return `{${key}${rest === '}' ? '}' : `,${rest}`}`;
    }
    case 'too-large':
      return JSON.stringify({ ...fields, zzPadding: HUGE });
  }
}

/** The principal the fuzzer acts as: a role the operation's policy rule accepts, in an agency of that role. */
export function actorFor(op: Operation): { agency: Agency; role: Role; purpose: string } {
  const rule = ruleFor(op.action);
  if (!rule) throw new Error(`no policy rule for ${op.action}`);
  for (const agency of rule.agencies)
    for (const role of rule.roles) if (ROLE_AGENCIES[role].includes(agency)) return { agency, role, purpose: rule.purposes[0] };
  throw new Error(`no role of an allowed agency for ${op.action}`);
}

const HEADER_SAFE = /^[\x20-\x7e]*$/;
const headerString = fc.oneof(
  fc.constantFrom('', 'x'.repeat(3000), '0', '-1', 'null', '*', '"1"', 'W/"1"', '"-1"', '"99999999999999999999"', "' OR 1=1 --", '../..'),
  fc.string({ maxLength: 30 }).filter((s) => HEADER_SAFE.test(s)),
);
const NON_UUIDS = ['null', 'undefined', '0', '..', '%2e%2e%2f', 'x'.repeat(300), "1' OR '1'='1", '{00000000-0000-0000-0000-000000000000}', '00000000-0000-0000-0000-00000000000g', '%00', ' '];

export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The raw body text, when one is sent. */
  body?: string;
  /** Whether the request is certainly invalid (a change that must be refused with 4xx). */
  mustRefuse: boolean;
  /** What was poisoned, for the report. */
  poison: string;
}

export interface RequestContextForFuzz {
  /** Valid tokens: the operation's actor, and an actor of another agency. */
  token: string;
  otherToken: string;
  /** A real case the actor may open (so hostile input gets past authorisation to the service's validation). */
  caseId: string;
}

function queryValue(q: QueryBinding): fc.Arbitrary<string> {
  const own: fc.Arbitrary<string>[] = [headerString];
  if (q.type === 'int') own.push(fc.constantFrom('-1', '0', '1', '201', '1e3', '999999999999', 'abc', '1.5', '0x10'));
  if (q.type === 'csv') {
    const values = [...(q.enum ?? []), 'NOT_A_CODE', '', 'victim.location', '__proto__'];
    own.push(fc.array(fc.constantFrom(...values), { maxLength: (q.maxItems ?? 10) + 2 }).map((v) => v.join(',')));
  }
  if (q.enum?.length) own.push(fc.constantFrom(...q.enum));
  return fc.oneof(...own);
}

/** The fast-check arbitrary of hostile requests to one operation. */
export function hostileRequests(op: Operation, ctx: RequestContextForFuzz): fc.Arbitrary<HostileRequest> {
  const http = op.http!;
  const actor = actorFor(op);
  const params = [...http.path.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]);
  const hasBody = http.method !== 'GET' && http.method !== 'DELETE';
  const schema = hasBody ? bodySchema(op) : undefined;
  const writes = http.method !== 'GET';

  const param = (name: string) =>
    fc.oneof(
      { arbitrary: name === 'caseId' ? fc.constant(ctx.caseId) : fc.uuid(), weight: 4 },
      { arbitrary: fc.uuid(), weight: 1 },
      { arbitrary: fc.constantFrom(...NON_UUIDS), weight: 2 },
    );
  const query = fc.record(Object.fromEntries((http.query ?? []).map((q) => [q.name, queryValue(q)])), { requiredKeys: [] });
  const auth = fc.oneof(
    { arbitrary: fc.constant(`Bearer ${ctx.token}`), weight: 8 },
    { arbitrary: fc.constantFrom('', `Bearer ${ctx.otherToken}`, 'Bearer garbage', 'Basic Zm9vOmJhcg==', `Bearer ${ctx.token}x`), weight: 1 },
  );
  const purpose = fc.oneof({ arbitrary: fc.constant(actor.purpose), weight: 4 }, { arbitrary: headerString, weight: 1 });
  const identityHeaders = fc.record(
    { 'x-user-id': headerString, 'x-agency': fc.constantFrom('police', 'cps', 'dpo'), 'x-forwarded-for': fc.constant('10.0.0.1'), 'x-role': fc.constant('admin') },
    { requiredKeys: [] },
  );
  const contentType = fc.oneof(
    { arbitrary: fc.constant('application/json'), weight: 8 },
    { arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/merge-patch+json'), weight: 1 },
  );
  const body = hasBody ? fc.tuple(schema?.properties ? hostileObject(schema, 0) : fc.constant({}), poisons(schema)) : fc.constant(null);

  return fc
    .record({
      params: fc.tuple(...params.map(param)),
      query,
      auth,
      purpose,
      identityHeaders,
      contentType,
      ifMatch: fc.option(headerString, { nil: undefined }),
      idempotencyKey: fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), headerString), { nil: undefined }),
      body,
    })
    .map((g) => {
      let path = `/api/v1${http.path}`;
      params.forEach((name, i) => (path = path.replace(`:${name}`, encodeURIComponent(String(g.params[i])))));
      const qs = new URLSearchParams(Object.entries(g.query as Record<string, string>)).toString();
      const headers: Record<string, string> = { ...(g.identityHeaders as Record<string, string>) };
      if (g.auth) headers.authorization = g.auth;
      headers['x-purpose-of-use'] = g.purpose;
      if (g.ifMatch !== undefined) headers['if-match'] = g.ifMatch;
      if (g.idempotencyKey !== undefined) headers['idempotency-key'] = g.idempotencyKey;
      let text: string | undefined;
      let poison = 'none';
      if (g.body) {
        const [fields, p] = g.body as [Record<string, unknown>, Poison];
        text = bodyText(fields, p);
        poison = p.kind === 'wrong-type' || p.kind === 'unknown-field' ? `${p.kind}:${p.field}` : p.kind;
        headers['content-type'] = g.contentType;
      }
      // A change with no body is certainly refused only when one of its ids is not a UUID.
      const malformedId = params.some((_, i) => NON_UUIDS.includes(String(g.params[i])));
      return {
        method: http.method,
        path: qs ? `${path}?${qs}` : path,
        headers,
        body: text,
        mustRefuse: writes && (hasBody || malformedId),
        poison: hasBody ? poison : malformedId ? 'malformed-id' : 'none',
      };
    });
}

export interface HostileRpcRequest {
  subject: string;
  envelope: { correlationId: string; token?: string; purpose?: string; idempotencyKey?: string; body: unknown };
  mustRefuse: boolean;
  poison: string;
}

/** The request's value with the poison applied, as an object on the bus (no raw JSON text there). */
function poisoned(fields: Record<string, unknown>, poison: Poison): unknown {
  switch (poison.kind) {
    case 'wrong-type':
    case 'unknown-field':
    case 'too-large':
      return JSON.parse(bodyText(fields, poison));
    case 'prototype-key':
      // JSON.parse keeps `__proto__` as an own key, as a hostile producer would send it.
      return JSON.parse(bodyText(fields, poison));
    case 'not-an-object':
      return JSON.parse(poison.raw);
    case 'malformed-json':
      return poison.raw;
  }
}

/**
 * Hostile request/reply messages sent straight to the owning service, past the gateway (a service never
 * trusts that the edge validated, API-01): the whole request — body fields, ids and query fields — with
 * the same poisons, a forwarded token, purpose and idempotency key.
 */
export function hostileRpcRequests(op: Operation, ctx: RequestContextForFuzz): fc.Arbitrary<HostileRpcRequest> {
  const http = op.http!;
  const actor = actorFor(op);
  const params = [...http.path.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]);
  const body = http.method !== 'GET' && http.method !== 'DELETE' ? bodySchema(op) : undefined;
  const schema: Schema = {
    type: 'object',
    properties: {
      ...(http.bodyField ? { [http.bodyField]: body ?? { type: 'object' } } : (body?.properties ?? {})),
      ...Object.fromEntries(params.map((p) => [p, { type: 'string', format: 'uuid' }])),
      ...Object.fromEntries((http.query ?? []).map((q) => [q.field ?? q.name, { type: q.type === 'int' ? 'integer' : q.type === 'csv' ? 'array' : 'string' }])),
      ...(http.ifMatch ? { [http.ifMatchField ?? 'expectedVersion']: { type: 'integer' } } : {}),
    },
  };
  const ids = fc.record(
    Object.fromEntries(
      params.map((p) => [p, fc.oneof({ arbitrary: p === 'caseId' ? fc.constant(ctx.caseId) : fc.uuid(), weight: 4 }, { arbitrary: fc.constantFrom(...NON_UUIDS), weight: 1 })]),
    ),
  );
  const writes = http.method !== 'GET';
  return fc
    .record({
      fields: hostileObject(schema, 0),
      ids,
      poison: writes ? poisons(schema).map((p) => p as Poison | null) : fc.option(poisons(schema), { nil: null, freq: 2 }),
      token: fc.oneof({ arbitrary: fc.constant(ctx.token), weight: 8 }, { arbitrary: fc.constantFrom(undefined, ctx.otherToken, 'garbage', `${ctx.token}x`), weight: 1 }),
      purpose: fc.oneof({ arbitrary: fc.constant(actor.purpose), weight: 4 }, { arbitrary: fc.option(headerString, { nil: undefined }), weight: 1 }),
      correlationId: fc.oneof(fc.uuid(), headerString),
      idempotencyKey: fc.option(fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,40}$/), headerString), { nil: undefined }),
    })
    .map((g) => {
      const fields = { ...g.fields, ...g.ids };
      return {
        subject: op.subject,
        envelope: {
          correlationId: g.correlationId,
          ...(g.token ? { token: g.token } : {}),
          ...(g.purpose !== undefined ? { purpose: g.purpose } : {}),
          ...(g.idempotencyKey !== undefined ? { idempotencyKey: g.idempotencyKey } : {}),
          body: g.poison ? poisoned(fields, g.poison) : fields,
        },
        mustRefuse: writes && g.poison !== null,
        poison: g.poison ? (g.poison.kind === 'wrong-type' || g.poison.kind === 'unknown-field' ? `${g.poison.kind}:${g.poison.field}` : g.poison.kind) : 'none',
      };
    });
}
