import { Injectable } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessControl, AccessLog, isOwningAccess, rolesOfAgency, ruleFor, type Authorized, type FieldGroup } from '@stac/auth';
import type { Operation, RpcRequest } from '@stac/contracts';
import { Clock } from '../clock';
import { IdempotencyRecords } from '../idempotency';
import { parseRpcBody, rpcProblem } from '@stac/rpc';
import { traceparentOf } from '@stac/observability';
import type { AuditDetail, RequestContext } from './request-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The role the caller acts in for an action: the first of their roles, of their own agency, the policy rule accepts. */
export function actingRole(granted: Authorized, action: string): string {
  const roles = ruleFor(action)?.roles ?? [];
  return rolesOfAgency(granted.principal).find((r) => roles.includes(r)) ?? granted.principal.roles[0] ?? 'unknown';
}

/**
 * The service kernel's admission of one request/reply message (design §6a): authenticate the forwarded
 * token (AC-13), parse the case id before any lookup (API-04), decide with this service's own
 * relationship data (a denial is logged, LAW-03), validate the whole request with its contract class
 * (services never trust that the edge validated, API-01), and build the one `RequestContext`.
 * Authorisation comes before validation so a caller who may not see a case learns nothing from it (AC-09).
 */
@Injectable()
export class OperationKernel {
  constructor(
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly idempotency: IdempotencyRecords,
  ) {}

  async admit<Req extends object>(op: Operation<Req, unknown>, raw: RpcRequest<unknown>): Promise<{ request: Req; ctx: RequestContext }> {
    const body = raw?.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      await this.access.authenticate(raw);
      throw rpcProblem(400, 'invalid-body', 'Request body must be a JSON object');
    }
    const fields = body as Record<string, unknown>;
    let caseId: string | undefined;
    if (op.access.caseIdField) {
      const id = fields[op.access.caseIdField];
      if (typeof id !== 'string' || !UUID.test(id)) {
        await this.access.authenticate(raw);
        throw rpcProblem(400, 'invalid-id', `${op.access.caseIdField} must be a UUID`);
      }
      caseId = id.toLowerCase();
    }
    const granted = await this.access.authorize(raw, {
      action: op.action,
      caseId,
      fieldGroups: requestedFieldGroups(op, fields),
      recordType: op.access.recordType,
      recordIds: op.access.recordIdFields?.map((f) => fields[f]).filter((v): v is string => typeof v === 'string' && UUID.test(v)),
      operation: op.access.processing,
    });
    const request = await requestOf(op, fields);
    return { request, ctx: this.contextFor(op, granted, raw, caseId) };
  }

  /**
   * One whole operation in this process: admit `raw`, run the handler with the validated request and its
   * context and, for a `loggedBy: 'kernel'` read, log what the reply discloses before it is returned. What
   * `@Handles` binds to the operation's subject; also for a handler that answers two operations at once.
   */
  async run<Req extends object, Rep>(
    op: Operation<Req, Rep>,
    raw: RpcRequest<unknown>,
    handler: (request: Req, ctx: RequestContext) => Promise<Rep> | Rep,
  ): Promise<Rep> {
    const { request, ctx } = await this.admit(op, raw);
    const reply = await handler(request, ctx);
    if (op.access.loggedBy === 'kernel') {
      const caseId = op.access.caseIdField ? String((request as Record<string, unknown>)[op.access.caseIdField]).toLowerCase() : undefined;
      await this.afterHandled(ctx, caseId, disclosedIds(reply));
    }
    return reply;
  }

  private contextFor(op: Operation, granted: Authorized, raw: RpcRequest<unknown>, caseId: string | undefined): RequestContext {
    const owning = isOwningAccess(granted.decision);
    const ctx: RequestContext = {
      ...granted,
      operation: op,
      actingRole: actingRole(granted, op.action),
      owning,
      correlationId: raw.correlationId,
      // This request's own span (rpc.handle) when tracing is on, so the events it writes continue the
      // trace from here; the caller's traceparent as it came otherwise.
      traceparent: traceparentOf() ?? raw.traceparent,
      idempotencyKey: raw.idempotencyKey,
      clock: this.clock,
      audit: (m, detail) => this.audit(ctx, m, detail),
      idempotent: (m, command, body, run) =>
        this.idempotency.run(m, { principal: ctx.principal, idempotencyKey: ctx.idempotencyKey, command, body }, run),
      alsoAuthorize: async (action, processing, scope) => {
        // A case-scoped action is decided with the caller's relationships to the case: the operation's own
        // case unless another is named. Without a case it could only be refused, so asking is a bug.
        const onCase = scope?.caseId ?? caseId;
        if (!onCase && (ruleFor(action)?.relationships.length ?? 0) > 0) {
          throw new Error(`alsoAuthorize(${action}): the action is case-scoped and ${op.name} names no case`);
        }
        if (scope?.caseId && !UUID.test(scope.caseId)) throw rpcProblem(400, 'invalid-id', 'caseId must be a UUID');
        await this.access.authorize(raw, { action, caseId: onCase?.toLowerCase(), recordType: op.access.recordType, operation: processing });
      },
    };
    return ctx;
  }

  /** The operation's access-log entry (LAW-01): inside the caller's transaction when given one. */
  async audit(ctx: RequestContext, m: EntityManager | DataSource, d: AuditDetail): Promise<void> {
    const op = ctx.operation;
    // A read by a sharing agency discloses the record to it; by the owning team it is a consultation.
    const declared = op.access.processing === 'consultation' && !ctx.owning ? 'disclosure' : op.access.processing;
    const entry = {
      operation: d.processing ?? declared,
      action: d.action ?? op.action,
      principal: ctx.principal,
      recordType: op.access.recordType,
      recordIds: d.recordIds,
      fieldGroups: ctx.fieldGroups,
      purpose: ctx.purpose,
      justification: d.justification,
      legalBasis: d.legalBasis,
      recipients: d.recipients ?? [ctx.principal.agency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    };
    if (m instanceof DataSource) await this.accessLog.record(m, entry);
    else await this.accessLog.append(m, entry);
  }

  /** After a `loggedBy: 'kernel'` handler answered: log what was disclosed, then let the answer go (LAW-02). */
  async afterHandled(ctx: RequestContext, caseId: string | undefined, recordIds: string[]): Promise<void> {
    const ids = [...new Set([...(caseId ? [caseId] : []), ...recordIds])];
    await this.audit(ctx, this.dataSource, { recordIds: ids });
  }
}

/**
 * The validated request. An operation whose request class declares no fields (e.g. a worklist of the
 * caller's own agency) takes an empty object only: class-validator refuses to validate a class without
 * metadata, so it is checked here (API-01: an unexpected field is still 400).
 */
async function requestOf<Req extends object>(op: Operation<Req, unknown>, fields: Record<string, unknown>): Promise<Req> {
  if (getMetadataStorage().getTargetValidationMetadatas(op.request, '', true, false).length > 0) return parseRpcBody(op.request, fields);
  const extra = Object.keys(fields);
  if (extra.length) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
      errors: extra.map((field) => ({ field, message: `property ${field} should not exist` })),
    });
  }
  return new op.request();
}

function requestedFieldGroups(op: Operation, fields: Record<string, unknown>): FieldGroup[] {
  const asked = op.access.fieldGroupsField ? fields[op.access.fieldGroupsField] : undefined;
  if (asked !== undefined && (!Array.isArray(asked) || asked.some((g) => typeof g !== 'string'))) {
    throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
      errors: [{ field: op.access.fieldGroupsField!, message: `${op.access.fieldGroupsField} must be a list of field groups` }],
    });
  }
  const groups = new Set<string>([...((asked as string[] | undefined) ?? []), ...(op.access.collects?.(fields) ?? [])]);
  return [...groups] as FieldGroup[];
}

/** Record ids found in a reply for the kernel's access-log entry: the ids of the records disclosed. */
export function disclosedIds(reply: unknown): string[] {
  const ids: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 2 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.slice(0, 500).forEach((x) => visit(x, depth + 1));
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && /Id$/.test(k) && UUID.test(x)) ids.push(x);
      else if (typeof x === 'object') visit(x, depth + 1);
    }
  };
  visit(reply, 0);
  return ids;
}
