import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, caseHiddenSql, type Authorized, type Principal } from '@stac/auth';
import type {
  ConsultationActionWorkItem,
  LeadWorklist,
  MyCasesWorklist,
  OrderWorkItem,
  OverdueAdviceItem,
  ScreeningWorkItem,
  ScreeningWorklist,
} from '@stac/contracts';
import { AWAITING_SCREENING, ORDER_EXPIRY_WARNING_DAYS, ORDER_IN_FORCE } from '@stac/domain';
import { Clock } from '@stac/runtime';
import { ScreeningClocks } from '../screening/screening-clock.service';
import { PartnerAnswersService } from '../partner-answers/partner-answers.service';
import { CounterAllegations } from '../people/counter-allegations';
import { visibleCases } from '../people/case-visibility';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bail returns within this many days are listed for the lead (design choice). */
const BAIL_RETURN_WARNING_DAYS = 7;

/**
 * Cases hidden from the caller never appear in a worklist: those they are excluded from (AC-07 overrides
 * every grant) and restricted ones they are not named on.
 */
const NOT_EXCLUDED = (alias: string) => `NOT ${caseHiddenSql(`${alias}.id`, '$1', '$2')}`;

interface ClockRow {
  case_id: string;
  crime_reference: string | null;
  status: string;
  referred_at: Date;
  custody_started_at: Date | null;
  due_at: Date | null;
  stopped_at: Date | null;
}

/**
 * Worklists (domain.md §6.3: deadlines are clocks with owners): screeners see what awaits screening,
 * leads what is overdue or ending, case officers their own cases. Rows carry ids, codes and dates only,
 * and every list is an audited consultation of the cases it shows (LAW-01/02).
 */
@Injectable()
export class WorklistsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clocks: ScreeningClocks,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly partnerAnswers: PartnerAnswersService,
    private readonly counterAllegations: CounterAllegations,
  ) {}

  async screening(granted: Authorized, correlationId: string, limit = 50): Promise<ScreeningWorklist> {
    const now = this.clock.now();
    const found = await this.awaitingScreening(granted.principal, now, limit);
    // Partner agencies' known-to-services answers travel with each case (H2): codes only.
    const answers = await this.partnerAnswers.forCases(found.map((i) => i.caseId));
    const links = await this.counterAllegationsSeenBy(granted, found.map((i) => i.caseId));
    const items = found.map((i) => ({ ...i, partnerChecks: answers.get(i.caseId) ?? [], counterAllegations: links.get(i.caseId) ?? [] }));
    const result = { untriaged: items.filter((i) => AWAITING_SCREENING.includes(i.status)), overdue: items.filter((i) => i.overdue) };
    await this.audit(granted, correlationId, 'worklist.read', items.flatMap((i) => [i.caseId, ...i.counterAllegations.map((l) => l.otherCaseId)]));
    return result;
  }

  async leads(granted: Authorized, correlationId: string, limit = 50): Promise<LeadWorklist> {
    const now = this.clock.now();
    const p = granted.principal;
    const horizon = new Date(now.getTime() + ORDER_EXPIRY_WARNING_DAYS * DAY_MS);
    const q = this.dataSource.manager;
    const bailHorizon = new Date(now.getTime() + BAIL_RETURN_WARNING_DAYS * DAY_MS);
    const [screening, advice, expiring, notifications, actions, bail, toSchedule] = await Promise.all([
      this.awaitingScreening(p, now, 1000),
      q.query(
        `SELECT i.case_id, i.advice_id, i.id, i.code, i.due_at, a.case_officer
           FROM advice_item i JOIN advice a ON a.id = i.advice_id JOIN stalking_case c ON c.id = i.case_id
          WHERE i.status = 'OPEN' AND a.status <> 'SUPERSEDED' AND i.due_at < $3 AND ${NOT_EXCLUDED('c')}
          ORDER BY i.due_at LIMIT $4`,
        [p.subject, p.issuer, now, limit],
      ),
      q.query(
        `SELECT o.case_id, o.id, o.order_type, o.expires_at AS due_at
           FROM protective_order o JOIN stalking_case c ON c.id = o.case_id
          WHERE o.status = ANY($3) AND o.expires_at IS NOT NULL AND o.expires_at <= $4 AND ${NOT_EXCLUDED('c')}
          ORDER BY o.expires_at LIMIT $5`,
        [p.subject, p.issuer, ORDER_IN_FORCE, horizon, limit],
      ),
      q.query(
        `SELECT o.case_id, o.id, o.order_type, o.notification_due_at AS due_at
           FROM protective_order o JOIN stalking_case c ON c.id = o.case_id
          WHERE o.notification_due_at IS NOT NULL AND o.notification_received_at IS NULL AND o.notification_due_at < $3
            AND o.status = ANY($4) AND ${NOT_EXCLUDED('c')}
          ORDER BY o.notification_due_at LIMIT $5`,
        [p.subject, p.issuer, now, ORDER_IN_FORCE, limit],
      ),
      q.query(
        `SELECT a.case_id, a.id, a.owner_agency, a.due_at
           FROM consultation_action a JOIN stalking_case c ON c.id = a.case_id
          WHERE a.status = 'OPEN' AND a.due_at < $3 AND ${NOT_EXCLUDED('c')}
          ORDER BY a.due_at LIMIT $4`,
        [p.subject, p.issuer, now, limit],
      ),
      q.query(
        `SELECT c.id, c.crime_reference, c.bail_return_at
           FROM stalking_case c
          WHERE c.cj_stage = 'BAILED' AND c.bail_return_at <= $3 AND ${NOT_EXCLUDED('c')}
          ORDER BY c.bail_return_at LIMIT $4`,
        [p.subject, p.issuer, bailHorizon, limit],
      ),
      // The latest triage of an open case said CONSULTATION and nothing has been scheduled since.
      q.query(
        `SELECT c.id, c.crime_reference, t.id AS triage_id, t.decided_at
           FROM stalking_case c
           JOIN LATERAL (SELECT id, decision, decided_at FROM triage_decision WHERE case_id = c.id ORDER BY decided_at DESC LIMIT 1) t ON true
          WHERE c.id IN (SELECT case_id FROM triage_decision WHERE decision = 'CONSULTATION')
            AND t.decision = 'CONSULTATION' AND c.status <> 'CLOSED'
            AND NOT EXISTS (SELECT 1 FROM consultation k WHERE k.case_id = c.id AND k.scheduled_at >= t.decided_at AND k.status <> 'CANCELLED')
            AND ${NOT_EXCLUDED('c')}
          ORDER BY t.decided_at LIMIT $3`,
        [p.subject, p.issuer, limit],
      ),
    ]);
    const order = (r: Record<string, unknown>): OrderWorkItem => ({
      caseId: String(r.case_id),
      orderId: String(r.id),
      orderType: r.order_type as OrderWorkItem['orderType'],
      dueAt: new Date(r.due_at as Date).toISOString(),
    });
    const result: LeadWorklist = {
      overdueScreening: screening.filter((s) => s.overdue).slice(0, limit),
      overdueAdviceItems: (advice as Record<string, unknown>[]).map(
        (r): OverdueAdviceItem => ({
          caseId: String(r.case_id),
          adviceId: String(r.advice_id),
          itemId: String(r.id),
          code: r.code as OverdueAdviceItem['code'],
          dueAt: new Date(r.due_at as Date).toISOString(),
          caseOfficer: (r.case_officer as string | null) ?? null,
        }),
      ),
      expiringOrders: (expiring as Record<string, unknown>[]).map(order),
      overdueNotifications: (notifications as Record<string, unknown>[]).map(order),
      overdueConsultationActions: (actions as Record<string, unknown>[]).map(
        (r): ConsultationActionWorkItem => ({
          caseId: String(r.case_id),
          actionId: String(r.id),
          ownerAgency: r.owner_agency as ConsultationActionWorkItem['ownerAgency'],
          dueAt: new Date(r.due_at as Date).toISOString(),
        }),
      ),
      bailReturnsDue: (bail as Record<string, unknown>[]).map((r) => {
        const at = new Date(r.bail_return_at as Date);
        return { caseId: String(r.id), crimeReference: (r.crime_reference as string | null) ?? null, bailReturnAt: at.toISOString(), overdue: at.getTime() < now.getTime() };
      }),
      consultationsToSchedule: (toSchedule as Record<string, unknown>[]).map((r) => ({
        caseId: String(r.id),
        crimeReference: (r.crime_reference as string | null) ?? null,
        triageDecisionId: String(r.triage_id),
        triagedAt: new Date(r.decided_at as Date).toISOString(),
      })),
    };
    const caseIds = [
      ...result.overdueScreening,
      ...result.overdueAdviceItems,
      ...result.expiringOrders,
      ...result.overdueNotifications,
      ...result.overdueConsultationActions,
      ...result.bailReturnsDue,
      ...result.consultationsToSchedule,
    ].map((r) => r.caseId);
    await this.audit(granted, correlationId, 'worklist.lead.read', caseIds);
    return result;
  }

  /** The caller's own cases: those they are assigned to (ASSIGNMENT relationship, current), not closed. */
  async myCases(granted: Authorized, correlationId: string, limit = 50): Promise<MyCasesWorklist> {
    const now = this.clock.now();
    const p = granted.principal;
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT c.id, c.crime_reference, c.status, c.cj_stage,
              count(i.id) FILTER (WHERE i.status = 'OPEN')::int AS open_items,
              count(i.id) FILTER (WHERE i.status = 'OPEN' AND i.due_at < $4)::int AS overdue_items,
              min(i.due_at) FILTER (WHERE i.status = 'OPEN') AS next_due
         FROM stalking_case c
         LEFT JOIN advice a ON a.case_id = c.id AND a.status <> 'SUPERSEDED'
         LEFT JOIN advice_item i ON i.advice_id = a.id
        WHERE c.id IN (SELECT r.case_id FROM case_relationship r
                        WHERE r.kind = 'ASSIGNMENT' AND r.agency = $3 AND r.subject = $1
                          AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now()))
          AND c.status <> 'CLOSED' AND ${NOT_EXCLUDED('c')}
        GROUP BY c.id
        ORDER BY min(i.due_at) FILTER (WHERE i.status = 'OPEN') NULLS LAST, c.referred_at
        LIMIT $5`,
      [p.subject, p.issuer, p.agency, now, limit],
    );
    const result: MyCasesWorklist = {
      cases: rows.map((r) => ({
        caseId: String(r.id),
        crimeReference: (r.crime_reference as string | null) ?? null,
        status: r.status as MyCasesWorklist['cases'][number]['status'],
        cjStage: r.cj_stage as MyCasesWorklist['cases'][number]['cjStage'],
        openAdviceItems: Number(r.open_items),
        overdueAdviceItems: Number(r.overdue_items),
        nextDueAt: r.next_due ? new Date(r.next_due as Date).toISOString() : null,
      })),
    };
    await this.audit(granted, correlationId, 'worklist.own.read', result.cases.map((c) => c.caseId));
    return result;
  }

  /**
   * Cases whose screening clock runs (awaiting screening, triage or advice), due first. A case whose
   * referral event has not yet started its clock is shown with the due time it will have.
   */
  private async awaitingScreening(p: Principal, now: Date, limit: number): Promise<ScreeningWorkItem[]> {
    const rows: ClockRow[] = await this.dataSource.manager.query(
      // Driven by two indexed sets (status index; partial index of running clocks), never a scan of every case.
      `SELECT c.id AS case_id, c.crime_reference, c.status, c.referred_at, c.custody_started_at, k.due_at, k.stopped_at
         FROM stalking_case c
         LEFT JOIN LATERAL (SELECT due_at, stopped_at FROM screening_clock WHERE case_id = c.id ORDER BY round DESC LIMIT 1) k ON true
        WHERE c.id IN (SELECT id FROM stalking_case WHERE status = ANY($3)
                       UNION SELECT case_id FROM screening_clock WHERE stopped_at IS NULL)
          AND c.status <> 'CLOSED' AND (k.stopped_at IS NULL)
          AND ${NOT_EXCLUDED('c')}
        ORDER BY coalesce(k.due_at, c.referred_at) LIMIT $4`,
      [p.subject, p.issuer, AWAITING_SCREENING, limit],
    );
    return rows
      .filter((r) => !r.stopped_at)
      .map((r) => {
        const due = r.due_at ? new Date(r.due_at) : this.clocks.dueFrom(new Date(r.referred_at), r.custody_started_at);
        return {
          caseId: r.case_id,
          crimeReference: r.crime_reference,
          status: r.status as ScreeningWorkItem['status'],
          referredAt: new Date(r.referred_at).toISOString(),
          screeningDueAt: due.toISOString(),
          overdue: due.getTime() < now.getTime(),
        };
      })
      .sort((a, b) => a.screeningDueAt.localeCompare(b.screeningDueAt));
  }

  /** Counter-allegations of these cases, each only when the screener may see the other case too (AC-09). */
  private async counterAllegationsSeenBy(granted: Authorized, caseIds: string[]) {
    const m = this.dataSource.manager;
    const links = await this.counterAllegations.forCases(m, caseIds);
    const visible = await visibleCases(m, granted.principal, granted.purpose, [...links.values()].flat().map((l) => l.otherCaseId));
    return new Map([...links].map(([caseId, list]) => [caseId, list.filter((l) => visible.has(l.otherCaseId))]));
  }

  private async audit(granted: Authorized, correlationId: string, action: string, caseIds: string[]): Promise<void> {
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action,
      principal: granted.principal,
      recordType: 'worklist',
      recordIds: [...new Set(caseIds)],
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId,
    });
  }
}
