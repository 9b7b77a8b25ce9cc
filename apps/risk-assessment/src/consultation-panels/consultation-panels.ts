import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AccessLog, CaseRelationships, OWNING_FIELD_GROUPS, systemPrincipal, type FieldGroup } from '@stac/auth';
import { CaseClosedV1, ConsultationCancelledV1, ConsultationScheduledV1, type ConsultationPanelSeatV1 } from '@stac/contracts';
import type { Agency } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { RiskCaseAccess } from '../case-access/risk-case-access';

const ACTOR = systemPrincipal('risk-assessment', 'police');
const CREATED_BY = `${ACTOR.issuer}#${ACTOR.subject}`;
/** The one restricted group risk records carry (AC-03). */
const RISK_FIELD_GROUPS: readonly FieldGroup[] = ['risk.rationale'];

type EndReason = 'CANCELLED' | 'CASE_CLOSED';

/**
 * The consultation panel reaches risk-assessment (domain.md §3 step 7, AC-02): each seat intake gives on
 * a scheduled consultation — an agency's team, or one named attendee — is given the same
 * CONSULTATION_PANEL relationship to this service's copy of the case, so a panel partner (a probation
 * officer, a mental-health clinician) can record a structured professional judgement there. The seat
 * opens the agency's own risk records of the case, with their rationale (`risk.rationale` where the
 * agency holds it), never another agency's. Cancelling the consultation or closing the case ends the
 * seats (AC-12: refused on the next request).
 *
 * Events can arrive out of order (a redelivery after a failure): a cancellation seen first leaves a
 * row that stops its late scheduling from seating anyone, and a closing ends only the consultations
 * scheduled before it, so a consultation of a re-opened case keeps its seats. Per case, the handlers
 * are serialised.
 */
@Injectable()
export class ConsultationPanels {
  constructor(
    private readonly relationships: CaseRelationships,
    private readonly accessLog: AccessLog,
    private readonly access: RiskCaseAccess,
    private readonly clock: Clock,
  ) {}

  @OnEvent(ConsultationScheduledV1)
  async onScheduled(event: ConsultationScheduledV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    await this.access.ensureOpened(m, caseId, ctx.correlationId);
    await this.lockCase(m, caseId);
    const scheduledAt = new Date(ctx.envelope.occurredAt);
    const now = this.clock.now();
    const [closure]: { closed_at: Date }[] = await m.query(`SELECT closed_at FROM case_panel_closure WHERE case_id = $1`, [caseId]);
    const closedSince = closure !== undefined && new Date(closure.closed_at).getTime() >= scheduledAt.getTime();
    const seen: unknown[] = await m.query(
      `INSERT INTO consultation_panel (consultation_id, case_id, status, ended_reason, scheduled_at, recorded_at, ended_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (consultation_id) DO NOTHING RETURNING consultation_id`,
      [event.consultationId, caseId, closedSince ? 'ENDED' : 'SEATED', closedSince ? 'CASE_CLOSED' : null, scheduledAt, now, closedSince ? now : null],
    );
    // Already cancelled (that event came first), or the case closed after it was scheduled: nobody is seated.
    if (seen.length === 0 || closedSince) return;
    // An event from before seats travelled names agencies only: without knowing who sits, nobody is seated.
    const seats = uniqueSeats(event.panel ?? []);
    if (seats.length === 0) return;
    const relationshipIds = await this.relationships.grantMany(
      m,
      seats.map((s) => ({
        caseId,
        kind: 'CONSULTATION_PANEL' as const,
        agency: s.agency,
        subject: s.subject,
        issuer: s.issuer,
        fieldGroups: RISK_FIELD_GROUPS.filter((g) => OWNING_FIELD_GROUPS[s.agency].includes(g)),
        justification: `consultation ${event.consultationId}`,
        createdBy: CREATED_BY,
      })),
    );
    for (const [i, s] of seats.entries()) {
      await m.query(
        `INSERT INTO consultation_panel_seat (id, consultation_id, agency, subject, relationship_id) VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), event.consultationId, s.agency, s.subject ?? null, relationshipIds[i]],
      );
    }
    await this.audit(m, 'case.relationship.grant', [caseId, event.consultationId, ...relationshipIds], [...new Set(seats.map((s) => s.agency))], ctx.correlationId);
  }

  @OnEvent(ConsultationCancelledV1)
  async onCancelled(event: ConsultationCancelledV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    await this.lockCase(m, caseId);
    const [panel]: { status: 'SEATED' | 'ENDED' }[] = await m.query(`SELECT status FROM consultation_panel WHERE consultation_id = $1`, [event.consultationId]);
    if (!panel) {
      // Cancelled before its scheduling was delivered: remember it, so that scheduling seats nobody.
      const now = this.clock.now();
      await m.query(
        `INSERT INTO consultation_panel (consultation_id, case_id, status, ended_reason, scheduled_at, recorded_at, ended_at)
         VALUES ($1, $2, 'ENDED', 'CANCELLED', NULL, $3, $3)`,
        [event.consultationId, caseId, now],
      );
      return;
    }
    if (panel.status === 'SEATED') await this.endSeats(m, caseId, [event.consultationId], 'CANCELLED', ctx.correlationId);
  }

  /** Seats last while the case is open, as in intake; a consultation after a re-opening seats its panel anew. */
  @OnEvent(CaseClosedV1)
  async onCaseClosed(_event: CaseClosedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    await this.lockCase(m, caseId);
    const closedAt = new Date(ctx.envelope.occurredAt);
    await m.query(
      `INSERT INTO case_panel_closure (case_id, closed_at) VALUES ($1, $2)
       ON CONFLICT (case_id) DO UPDATE SET closed_at = GREATEST(case_panel_closure.closed_at, EXCLUDED.closed_at)`,
      [caseId, closedAt],
    );
    const open: { consultation_id: string }[] = await m.query(
      `SELECT consultation_id FROM consultation_panel WHERE case_id = $1 AND status = 'SEATED' AND scheduled_at <= $2`,
      [caseId, closedAt],
    );
    if (open.length) await this.endSeats(m, caseId, open.map((r) => r.consultation_id), 'CASE_CLOSED', ctx.correlationId);
  }

  private async endSeats(m: EntityManager, caseId: string, consultationIds: string[], reason: EndReason, correlationId: string): Promise<void> {
    const seats: { relationship_id: string; agency: Agency }[] = await m.query(
      `SELECT relationship_id, agency FROM consultation_panel_seat WHERE consultation_id = ANY($1::uuid[])`,
      [consultationIds],
    );
    for (const s of seats) await this.relationships.end(m, caseId, s.relationship_id, ['CONSULTATION_PANEL'], CREATED_BY);
    await m.query(
      `UPDATE consultation_panel SET status = 'ENDED', ended_reason = $2, ended_at = $3 WHERE consultation_id = ANY($1::uuid[]) AND status = 'SEATED'`,
      [consultationIds, reason, this.clock.now()],
    );
    if (seats.length) {
      await this.audit(m, 'case.relationship.end', [caseId, ...consultationIds, ...seats.map((s) => s.relationship_id)], [...new Set(seats.map((s) => s.agency))], correlationId);
    }
  }

  /** One handler per case at a time: a scheduling, its cancellation and the case's closing never interleave. */
  private async lockCase(m: EntityManager, caseId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('risk-consultation-panel:' || $1::text))`, [caseId]);
  }

  private audit(m: EntityManager, action: string, recordIds: string[], recipients: Agency[], correlationId: string) {
    return this.accessLog.append(m, {
      operation: 'alteration',
      action,
      principal: ACTOR,
      recordType: 'case-relationship',
      recordIds,
      fieldGroups: [],
      legalBasis: 'workflow',
      recipients,
      decision: { allow: true, rule: action },
      correlationId,
    });
  }
}

/** One seat per agency team or named attendee. */
/** One seat per team or named user; a named seat without its issuer (announced before issuers travelled) seats nobody (AC-16). */
function uniqueSeats(panel: ConsultationPanelSeatV1[]): ConsultationPanelSeatV1[] {
  const seats = new Map<string, ConsultationPanelSeatV1>();
  for (const s of panel) if (!s.subject || s.issuer) seats.set(`${s.agency}#${s.subject ? `${s.issuer}#${s.subject}` : ''}`, s);
  return [...seats.values()];
}
