/**
 * Typed operations: every request/reply operation is declared once, here in the contracts, and both ends
 * are built from that one declaration. The gateway derives its route, its OpenAPI description and its
 * body validation from `http`; a service binds a handler with `@Handles(op)` and its kernel authenticates,
 * decides `action`, validates `request` and writes the declared access-log entry before the handler runs.
 * The reply type travels as a phantom type parameter, so the compiler checks it at both ends of the hop.
 */

/** Services that answer request/reply operations (the gateway only calls them). */
export type OperationService = 'intake' | 'risk-assessment' | 'advocacy' | 'mental-health' | 'probation';

/** DPA 2018 s62 kinds of processing an operation performs (the access-log `operation`). */
export type ProcessingKind = 'consultation' | 'disclosure' | 'collection' | 'alteration' | 'combination' | 'erasure';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A query-string parameter and the request field it fills. */
export interface QueryBinding {
  name: string;
  /** Request field it fills (default: the same name). */
  field?: string;
  /**
   * `csv`: comma-separated list (e.g. `include=victim.location,victim.contact`), at most `maxItems` entries;
   * `int`: 1-3 digits; `string`: passed as is (the request class validates it).
   */
  type: 'string' | 'int' | 'csv';
  enum?: readonly string[];
  maxItems?: number;
  required?: boolean;
  description?: string;
}

export interface HttpBinding {
  method: HttpMethod;
  /** Path under `/api/v1`; every `:param` is a UUID parsed before any lookup (API-04) and fills the request field of that name. */
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** `X-Purpose-Of-Use` is required (AC-04); the service checks it against the policy and its agreements. */
  purpose: boolean;
  /** Creating command: accepts an `Idempotency-Key` and replays the first answer to a retry. */
  idempotent?: boolean;
  /** Update of a versioned record: `If-Match` is required and fills `expectedVersion` (or `ifMatchField`). */
  ifMatch?: boolean;
  ifMatchField?: string;
  /** The reply's `version` (or the named field, e.g. `caseVersion`) is answered as an ETag. */
  etag?: true | string;
  /** `Location` of the created resource: the path with its `:params` filled from the request. */
  location?: string;
  /** A reply field that is `false` when the request found an existing resource instead of creating one: answered 200. */
  createdFlag?: string;
  /** Success status (default 200; 201 for idempotent creations is declared explicitly). */
  status?: number;
  query?: readonly QueryBinding[];
  /**
   * When the HTTP body is one field of the request (e.g. `{ caseId, assessment }` with the body as
   * `assessment`), the field's name; otherwise the body's fields are the request's own.
   */
  bodyField?: string;
  /**
   * The class the HTTP body is validated with when it is not the request class minus its path, query and
   * If-Match fields (e.g. the `*Submission` a `*Command` extends). Either way the service validates the
   * whole request again with `request`.
   */
  body?: (new () => object) | null;
  /** Problem statuses the operation can answer (authentication, rate limit and bus statuses are added). */
  problems: readonly number[];
}

/** What the access log records for the operation, and what the kernel reads before validating. */
export interface OperationAccess {
  /** The record type named in the access log. */
  recordType: string;
  processing: ProcessingKind;
  /** Request field naming the case the caller needs a relationship to; absent for operations not scoped to one case. */
  caseIdField?: string;
  /** Request field listing the field groups the caller asks for (`include=`). */
  fieldGroupsField?: string;
  /** Request fields naming records a denial is logged against when the operation is not scoped to a case. */
  recordIdFields?: readonly string[];
  /** Field groups the request itself carries (e.g. exclusion zones are victim.location), read from the raw body. */
  collects?: (body: Record<string, unknown>) => readonly string[];
  /**
   * Who writes the allowed access-log entry: `handler` (changes: inside the handler's own transaction, with
   * the ids it creates) or `kernel` (reads: after the handler answers and before the answer leaves; no log, no data).
   */
  loggedBy: 'handler' | 'kernel';
}

export interface Operation<Req extends object = object, Rep = unknown> {
  /** Stable name, e.g. `order.consider` (also the OpenAPI operationId). */
  readonly name: string;
  readonly service: OperationService;
  /** Request/reply subject, `rpc.<service>.<...>` (namespaced at run time). */
  readonly subject: string;
  readonly request: new () => Req;
  /** The reply's class for OpenAPI (`[Class]` for a list); the compile-time type is `Rep`. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly reply?: Function | readonly [Function];
  /** The policy action `decide()` evaluates. */
  readonly action: string;
  readonly access: OperationAccess;
  readonly http?: HttpBinding;
  /** Phantom: carries the reply type; never set. */
  readonly __reply?: Rep;
}

/** The reply type of an operation. */
export type ReplyOf<O> = O extends Operation<object, infer R> ? R : never;
/** The request type of an operation. */
export type RequestOf<O> = O extends Operation<infer Q, unknown> ? Q : never;

const SUBJECT = /^rpc\.(intake|risk-assessment|advocacy|mental-health|probation)\.[a-z0-9-]+(\.[a-z0-9-]+)*$/;

/** Declares an operation; refuses at load time a subject outside its service or an unknown path parameter. */
export function operation<Req extends object, Rep>(def: Omit<Operation<Req, Rep>, '__reply'>): Operation<Req, Rep> {
  const m = SUBJECT.exec(def.subject);
  if (!m || m[1] !== def.service) throw new Error(`operation ${def.name}: subject ${def.subject} is not under rpc.${def.service}.`);
  if (def.http?.ifMatch && def.http.method === 'GET') throw new Error(`operation ${def.name}: If-Match on a GET`);
  return Object.freeze({ ...def });
}

/** The `:param` names of a path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z][A-Za-z0-9]*)/g)].map((p) => p[1]);
}
