import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_NOT_FOUND, problem, ProblemException, type RpcRequest } from '@stac/contracts';
import { AccessLog, type AccessOperation } from './access-log/access-log';
import { CaseRelationships } from './policy/case-relationships';
import { decide, type Decision } from './policy/decide';
import { FIELD_GROUPS, PURPOSES, type FieldGroup, type Principal, type Purpose } from './policy/vocabulary';
import { AuthenticationError, TokenVerifier } from './tokens/token-verifier';

export { CASE_NOT_FOUND };

export interface AuthorizeOptions {
  action: string;
  /** Case-scoped actions name the case; the caller's relationships to it are loaded per request. */
  caseId?: string;
  fieldGroups?: readonly FieldGroup[];
  recordType: string;
  recordIds?: string[];
  operation: AccessOperation;
}

export interface Authorized {
  principal: Principal;
  decision: Decision;
  purpose: Purpose;
  fieldGroups: readonly FieldGroup[];
}

/**
 * Per-request authentication and authorisation inside a service (AC-13): the forwarded token is
 * verified again, the caller's relationships are read from this service's own data, `decide()`
 * rules, and a denial is logged before it is answered (LAW-03).
 */
@Injectable()
export class AccessControl {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessLog,
    private readonly relationships: CaseRelationships,
  ) {}

  async authenticate(req: RpcRequest<unknown>): Promise<Principal> {
    try {
      return await this.verifier.verify(req.token);
    } catch (e) {
      if (e instanceof AuthenticationError) {
        throw new ProblemException(problem(401, 'unauthenticated', 'A valid access token is required'));
      }
      throw e;
    }
  }

  /** Authenticates and authorises; throws the problem the caller must get when denied. */
  async authorize(req: RpcRequest<unknown>, o: AuthorizeOptions): Promise<Authorized> {
    const principal = await this.authenticate(req);
    const purpose = PURPOSES.includes(req.purpose as Purpose) ? (req.purpose as Purpose) : undefined;
    const fieldGroups = o.fieldGroups ?? [];
    if (fieldGroups.some((g) => !FIELD_GROUPS.includes(g))) {
      throw new ProblemException(problem(400, 'unknown-field-group', `Field groups are ${FIELD_GROUPS.join(', ')}`));
    }
    const resource = o.caseId ? await this.relationships.forPrincipal(this.dataSource, o.caseId, principal) : null;
    const decision = decide(principal, o.action, resource, fieldGroups, purpose);
    if (!decision.allow) {
      await this.accessLog.record(this.dataSource, {
        operation: o.operation,
        action: o.action,
        principal,
        recordType: o.recordType,
        recordIds: o.recordIds ?? (o.caseId ? [o.caseId] : []),
        fieldGroups,
        purpose,
        recipients: [principal.agency],
        decision,
        correlationId: req.correlationId,
      });
      if (decision.status === 404) throw new ProblemException(CASE_NOT_FOUND);
      if (decision.reason === 'purpose') {
        throw new ProblemException(
          problem(403, 'purpose-not-permitted', `A purpose of use permitted for this action is required (X-Purpose-Of-Use)`),
        );
      }
      throw new ProblemException(
        problem(403, 'forbidden', 'You may not perform this action', decision.deniedFieldGroups ? { detail: `Field groups not granted: ${decision.deniedFieldGroups.join(', ')}` } : {}),
      );
    }
    return { principal, decision, purpose: purpose!, fieldGroups };
  }
}


/** Relationship kinds that make the caller's own agency the data controller's team (not a share). */
export function isOwningAccess(decision: Decision): boolean {
  return decision.via === 'OWNING_TEAM' || decision.via === 'ASSIGNMENT' || decision.via === 'REFERRAL_ACCEPTED';
}
