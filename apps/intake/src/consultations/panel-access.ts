import type { EntityManager } from 'typeorm';
import type { AccessLog, CaseRelationships } from '@stac/auth';
import type { Outbox } from '@stac/messaging';
import type { RequestContext } from '@stac/runtime';
import { announceCaseAccess } from '../case-access/case-access-announcement';

/**
 * Ends the CONSULTATION_PANEL relationships consultations granted (need-to-know, AC-02/AC-12: the next
 * request of a seat holder is refused): those of one consultation when it is cancelled, or of every
 * consultation of the case when the case closes. Audited as one `case.relationship.end`; returns the
 * relationships ended. Every service learns it from `intake.case.access-changed.v1` (AC-14).
 */
export async function endPanelSeats(
  m: EntityManager,
  deps: { relationships: CaseRelationships; accessLog: AccessLog; outbox: Outbox },
  scope: { caseId: string; consultationId?: string; at: Date },
  ctx: Pick<RequestContext, 'principal' | 'purpose' | 'decision' | 'correlationId' | 'traceparent'>,
): Promise<string[]> {
  const rows: { relationship_id: string }[] = await m.query(
    `SELECT p.relationship_id FROM consultation_panel_member p JOIN consultation k ON k.id = p.consultation_id
       JOIN case_relationship r ON r.id = p.relationship_id
      WHERE k.case_id = $1 AND ($2::uuid IS NULL OR k.id = $2::uuid) AND (r.valid_to IS NULL OR r.valid_to > now())`,
    [scope.caseId, scope.consultationId ?? null],
  );
  if (rows.length === 0) return [];
  const endedBy = `${ctx.principal.issuer}#${ctx.principal.subject}`;
  for (const r of rows) await deps.relationships.end(m, scope.caseId, r.relationship_id, ['CONSULTATION_PANEL'], endedBy);
  const ended = rows.map((r) => r.relationship_id);
  await deps.accessLog.append(m, {
    operation: 'alteration',
    action: 'case.relationship.end',
    principal: ctx.principal,
    recordType: 'case-relationship',
    recordIds: [scope.caseId, ...(scope.consultationId ? [scope.consultationId] : []), ...ended],
    fieldGroups: [],
    purpose: ctx.purpose,
    legalBasis: 'workflow',
    recipients: ['police'],
    decision: ctx.decision,
    correlationId: ctx.correlationId,
  });
  await announceCaseAccess(m, deps.outbox, scope.caseId, scope.at, { correlationId: ctx.correlationId, traceparent: ctx.traceparent });
  return ended;
}
