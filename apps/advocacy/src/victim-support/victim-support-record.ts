import type { EntityManager } from 'typeorm';
import { CASE_NOT_FOUND } from '@stac/auth';
import { ProblemException, type AdvocacyRecordView } from '@stac/contracts';
import { ADVOCACY_PRIORITY_FOR_LEVEL, type ConsentScopeAgency, type ConsentState, type RiskLevel } from '@stac/domain';
import type { EventHeaders } from '@stac/messaging';
import { rpcProblem, type RequestContext } from '@stac/runtime';

/** The advocacy offer row: the victim support record's head (consent state, allocation, version). */
export interface OfferRow {
  id: string;
  case_id: string;
  status: 'PENDING' | 'ENGAGED' | 'DECLINED' | 'WITHDRAWN';
  opened_at: Date;
  consent_state: ConsentState | null;
  consent_scope: ConsentScopeAgency[];
  consent_sequence: number;
  enhanced_rights: boolean;
  advocate: string | null;
  lead: string | null;
  allocated_at: Date | null;
  version: number;
}

/** The case's offer, locked for update; a case the charity holds nothing for answers like a missing one (AC-09). */
export async function lockOffer(m: EntityManager, caseId: string): Promise<OfferRow> {
  const [row]: OfferRow[] = await m.query(`SELECT * FROM advocacy_offer WHERE case_id = $1 FOR UPDATE`, [caseId]);
  if (!row) throw new ProblemException(CASE_NOT_FOUND);
  return row;
}

export function assertVersion(what: string, current: number, expected: number): void {
  if (current !== expected) throw rpcProblem(412, 'version-mismatch', `The ${what} has changed since you read it (now version ${current}); reload and retry`);
}

/** Consent lets the charity work with the victim (given, or lawful sharing without it). */
export function consentInForce(state: ConsentState | null): boolean {
  return state === 'GIVEN' || state === 'LAWFUL_OVERRIDE';
}

export function headersOf(ctx: Pick<RequestContext, 'correlationId' | 'causationId' | 'traceparent'>): EventHeaders {
  return { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent };
}

export async function recordView(m: EntityManager, caseId: string): Promise<AdvocacyRecordView> {
  const [o]: (OfferRow & { level: RiskLevel | null })[] = await m.query(
    `SELECT o.*, r.level FROM advocacy_offer o LEFT JOIN case_risk_level r ON r.case_id = o.case_id WHERE o.case_id = $1`,
    [caseId],
  );
  if (!o) throw new ProblemException(CASE_NOT_FOUND);
  const [consents, allocations] = await Promise.all([
    m.query(`SELECT * FROM consent_record WHERE offer_id = $1 ORDER BY sequence`, [o.id]),
    m.query(`SELECT * FROM allocation_record WHERE offer_id = $1 ORDER BY allocated_at, seq`, [o.id]),
  ]);
  return {
    offerId: o.id,
    caseId: o.case_id,
    status: o.status,
    openedAt: o.opened_at.toISOString(),
    priority: o.level ? ADVOCACY_PRIORITY_FOR_LEVEL[o.level] : null,
    consentState: o.consent_state,
    consentScope: o.consent_scope,
    enhancedRights: o.enhanced_rights,
    advocate: o.advocate,
    allocatedAt: o.allocated_at?.toISOString() ?? null,
    consentHistory: consents.map((c: Record<string, never>) => ({
      sequence: c.sequence,
      change: c.change,
      state: c.state,
      scope: c.scope,
      declineReason: c.decline_reason,
      legalBasis: c.legal_basis,
      decidedBy: c.decided_by,
      recordedAt: (c.recorded_at as Date).toISOString(),
    })),
    allocationHistory: allocations.map((a: Record<string, never>) => ({
      advocate: a.advocate,
      reason: a.reason,
      allocatedBy: a.allocated_by,
      allocatedAt: (a.allocated_at as Date).toISOString(),
    })),
    version: o.version,
  };
}

/** Rows of an `UPDATE ... RETURNING` (the postgres driver answers `[rows, count]` for updates). */
export function updatedRows<T>(result: unknown): T[] {
  const r = result as unknown[];
  return (Array.isArray(r[0]) ? r[0] : r) as T[];
}
