import type { EventHeaders } from '@stac/messaging';
import { rpcProblem, type RequestContext } from '@stac/runtime';

/** Who did it, as the trust's records name them (issuer-qualified subject). */
export function actorOf(ctx: RequestContext): string {
  return `${ctx.principal.issuer}#${ctx.principal.subject}`;
}

export function headersOf(ctx: RequestContext): EventHeaders {
  return { correlationId: ctx.correlationId, ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}) };
}

/** 409 naming both states. */
export function illegalTransition(what: string, from: string, to: string) {
  return rpcProblem(409, 'illegal-transition', `Cannot move the ${what} from ${from} to ${to}`, {
    detail: `${what}: ${from} -> ${to} is not a permitted transition`,
  });
}

/** 412 when the client's If-Match no longer matches. */
export function assertVersion(what: string, current: number, expected: number): void {
  if (current !== expected) {
    throw rpcProblem(412, 'version-mismatch', `The ${what} has changed since you read it (now version ${current}); reload and retry`);
  }
}

export function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

/**
 * The legal basis of a disclosure out of the trust (Caldicott): the data-sharing agreement of the share the
 * reader came through; the trust's own team reading its records discloses nothing.
 */
export function disclosureBasis(ctx: Pick<RequestContext, 'owning' | 'principal' | 'decision'>): string | undefined {
  if (ctx.owning) return undefined;
  if (ctx.decision.via === 'BREAK_GLASS') return 'break-glass:emergency-access';
  return `agreement:mental-health-to-${ctx.principal.agency}`;
}

/** The access-log entry of a read: a consultation by the trust's team, a disclosure (with its basis) to a partner. */
export function auditRead(ctx: RequestContext, m: Parameters<RequestContext['audit']>[0], recordIds: string[]): Promise<void> {
  return ctx.audit(m, { recordIds, legalBasis: disclosureBasis(ctx) });
}
