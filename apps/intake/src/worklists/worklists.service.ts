import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, caseHiddenSql, type Authorized, type Principal } from '@stac/auth';
import type {
  BailReturnWorkItem,
  ConsultationActionWorkItem,
  ConsultationToScheduleItem,
  LeadWorklist,
  MyCasesWorklist,
  OrderWorkItem,
  OverdueAdviceItem,
  ScreeningWorkItem,
  ScreeningWorklist,
  WorklistQuery,
} from '@stac/contracts';
import { AWAITING_SCREENING, ORDER_EXPIRY_WARNING_DAYS, ORDER_IN_FORCE } from '@stac/domain';
import { Clock, keysetPage, pageLimit, readPageCursor, type KeyPart, type KeyValue } from '@stac/runtime';
import { ScreeningClocks } from '../screening/screening-clock.service';
import { PartnerAnswersService } from '../partner-answers/partner-answers.service';
import { CounterAllegations } from '../people/counter-allegations';
import { visibleCases } from '../people/case-visibility';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Bail returns within this many days are listed for the lead (design choice). */
const BAIL_RETURN_WARNING_DAYS = 7;
/** Where a case with no open advice item sorts in "my cases": after every dated one. */
const NO_DUE_DATE = new Date('9999-12-31T23:59:59.999Z');

/**
 * Cases hidden from the caller never appear in a worklist: those they are excluded from (AC-07 overrides
 * every grant) and restricted ones they are not named on.
 */
const NOT_EXCLUDED = (alias: string) => `NOT ${caseHiddenSql(`${alias}.id`, '$1', '$2')}`;

const TIME_ID: readonly KeyPart[] = ['time', 'id'];
const SCREENING_LISTS = { untriaged: 'intake.screening.untriaged', overdue: 'intake.screening.overdue' } as const;
const LEAD_LISTS = {
  overdueScreening: 'intake.leads.overdue-screening',
  overdueAdviceItems: 'intake.leads.overdue-advice-items',
  expiringOrders: 'intake.leads.expiring-orders',
  overdueNotifications: 'intake.leads.overdue-notifications',
  overdueConsultationActions: 'intake.leads.overdue-consultation-actions',
  bailReturnsDue: 'intake.leads.bail-returns-due',
  consultationsToSchedule: 'intake.leads.consultations-to-schedule',
} as const;
const MY_CASES = 'intake.my-cases';
type ScreeningSection = keyof typeof SCREENING_LISTS;
type LeadSection = keyof typeof LEAD_LISTS;
const shapes = <L extends string>(lists: readonly L[], shape: readonly KeyPart[]) => Object.fromEntries(lists.map((l) => [l, shape])) as Record<L, readonly KeyPart[]>;

interface ClockRow {
  case_id: string;
  crime_reference: string | null;
  status: string;
  referred_at: Date;
  custody_started_at: Date | null;
  due_at: Date | null;
  sort_at: Date;
}

/** A section's page: its rows and the cursor after them. */
interface Page<T> {
  items: T[];
  next: string | null;
}
const EMPTY: Page<never> = { items: [], next: null };

/**
 * `AND (key...) > ($n...)`: the rows after the cursor's, in the list's order (keyset paging), with the
 * cursor's values appended to `params`.
 */
function after(keys: string[], cursor: KeyValue[] | null, params: unknown[]): string {
  if (!cursor) return '';
  const placeholders = cursor.map((v) => {
    params.push(v);
    return `$${params.length}::${v instanceof Date ? 'timestamptz' : 'uuid'}`;
  });
  return `AND (${keys.join(', ')}) > (${placeholders.join(', ')})`;
}

/** `LIMIT $n` reading one row more than the page, to know whether another page follows. */
function limitOf(limit: number, params: unknown[]): string {
  params.push(limit + 1);
  return `LIMIT $${params.length}`;
}

/**
 * Worklists (domain.md §6.3: deadlines are clocks with owners): screeners see what awaits screening,
 * leads what is overdue or ending, case officers their own cases. Rows carry ids, codes and dates only,
 * and every list is an audited consultation of the cases it shows (LAW-01/02).
 *
 * Each list is paged on its own with keyset cursors (design.md §6): a stable order ending in a unique
 * id, `limit` rows (1-200), and `next` continuing that list strictly after the last row shown. A first
 * page answers every list of the worklist; a cursor continues its own list and leaves the others empty.
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

  async screening(granted: Authorized, correlationId: string, q: WorklistQuery = {}): Promise<ScreeningWorklist> {
    const now = this.clock.now();
    const limit = pageLimit(q.limit);
    const cursor = q.cursor ? readPageCursor(q.cursor, shapes(Object.values(SCREENING_LISTS), TIME_ID)) : null;
    const wanted = (s: ScreeningSection) => !cursor || cursor.list === SCREENING_LISTS[s];
    const keyOf = (s: ScreeningSection) => (cursor?.list === SCREENING_LISTS[s] ? cursor.key : null);
    const [untriaged, overdue] = await Promise.all(
      (['untriaged', 'overdue'] as const).map((s) => (wanted(s) ? this.awaitingScreening(granted.principal, now, s, limit, keyOf(s)) : EMPTY)),
    );
    // Partner agencies' known-to-services answers travel with each case (H2): codes only.
    const ids = [...new Set([...untriaged.items, ...overdue.items].map((i) => i.caseId))];
    const answers = await this.partnerAnswers.forCases(ids);
    // Counter-allegations with cases the screener may see travel with each case too (ids and codes).
    const links = await this.counterAllegationsSeenBy(granted, ids);
    const withChecks = (i: ScreeningWorkItem) => ({ ...i, partnerChecks: answers.get(i.caseId) ?? [], counterAllegations: links.get(i.caseId) ?? [] });
    const result: ScreeningWorklist = {
      untriaged: untriaged.items.map(withChecks),
      overdue: overdue.items.map(withChecks),
      next: { untriaged: untriaged.next, overdue: overdue.next },
    };
    await this.audit(
      granted,
      correlationId,
      'worklist.read',
      [...result.untriaged, ...result.overdue].flatMap((i) => [i.caseId, ...(i.counterAllegations ?? []).map((l) => l.otherCaseId)]),
    );
    return result;
  }

  async leads(granted: Authorized, correlationId: string, q: WorklistQuery = {}): Promise<LeadWorklist> {
    const now = this.clock.now();
    const p = granted.principal;
    const limit = pageLimit(q.limit);
    const cursor = q.cursor ? readPageCursor(q.cursor, shapes(Object.values(LEAD_LISTS), TIME_ID)) : null;
    const section = async <T>(s: LeadSection, read: (key: KeyValue[] | null) => Promise<Page<T>>): Promise<Page<T>> =>
      !cursor ? read(null) : cursor.list === LEAD_LISTS[s] ? read(cursor.key) : EMPTY;
    // Each list is one indexed query on the pool; they run side by side.
    const [overdueScreening, overdueAdviceItems, expiringOrders, overdueNotifications, overdueConsultationActions, bailReturnsDue, consultationsToSchedule] =
      await Promise.all([
        section('overdueScreening', (key) => this.awaitingScreening(p, now, 'overdue', limit, key, LEAD_LISTS.overdueScreening)),
        section('overdueAdviceItems', (key) => this.overdueAdvice(p, now, limit, key)),
        section('expiringOrders', (key) => this.expiringOrders(p, now, limit, key)),
        section('overdueNotifications', (key) => this.overdueNotifications(p, now, limit, key)),
        section('overdueConsultationActions', (key) => this.overdueActions(p, now, limit, key)),
        section('bailReturnsDue', (key) => this.bailReturns(p, now, limit, key)),
        section('consultationsToSchedule', (key) => this.consultationsToSchedule(p, limit, key)),
      ]);
    const result: LeadWorklist = {
      overdueScreening: overdueScreening.items,
      overdueAdviceItems: overdueAdviceItems.items,
      expiringOrders: expiringOrders.items,
      overdueNotifications: overdueNotifications.items,
      overdueConsultationActions: overdueConsultationActions.items,
      bailReturnsDue: bailReturnsDue.items,
      consultationsToSchedule: consultationsToSchedule.items,
      next: {
        overdueScreening: overdueScreening.next,
        overdueAdviceItems: overdueAdviceItems.next,
        expiringOrders: expiringOrders.next,
        overdueNotifications: overdueNotifications.next,
        overdueConsultationActions: overdueConsultationActions.next,
        bailReturnsDue: bailReturnsDue.next,
        consultationsToSchedule: consultationsToSchedule.next,
      },
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

  /**
   * The caller's own cases: those they are assigned to (ASSIGNMENT relationship, current), not closed;
   * the earliest open advice item first (cases without one last), then the oldest referral.
   */
  async myCases(granted: Authorized, correlationId: string, q: WorklistQuery = {}): Promise<MyCasesWorklist> {
    const now = this.clock.now();
    const p = granted.principal;
    const limit = pageLimit(q.limit);
    const cursor = q.cursor ? readPageCursor(q.cursor, { [MY_CASES]: ['time', 'time', 'id'] as const }) : null;
    const params: unknown[] = [p.subject, p.issuer, p.agency, now, NO_DUE_DATE];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT * FROM (
         SELECT c.id, c.crime_reference, c.status, c.cj_stage, c.referred_at,
                count(i.id) FILTER (WHERE i.status = 'OPEN')::int AS open_items,
                count(i.id) FILTER (WHERE i.status = 'OPEN' AND i.due_at < $4)::int AS overdue_items,
                min(i.due_at) FILTER (WHERE i.status = 'OPEN') AS next_due,
                coalesce(min(i.due_at) FILTER (WHERE i.status = 'OPEN'), $5::timestamptz) AS sort_due
           FROM stalking_case c
           LEFT JOIN advice a ON a.case_id = c.id AND a.status <> 'SUPERSEDED'
           LEFT JOIN advice_item i ON i.advice_id = a.id
          WHERE c.id IN (SELECT r.case_id FROM case_relationship r
                          WHERE r.kind = 'ASSIGNMENT' AND r.agency = $3 AND r.subject = $1 AND r.issuer = $2
                            AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now()))
            AND c.status <> 'CLOSED' AND ${NOT_EXCLUDED('c')}
          GROUP BY c.id) mine
        WHERE true ${after(['mine.sort_due', 'mine.referred_at', 'mine.id'], cursor?.key ?? null, params)}
        ORDER BY mine.sort_due, mine.referred_at, mine.id
        ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, MY_CASES, (r) => [new Date(r.sort_due as Date), new Date(r.referred_at as Date), String(r.id)]);
    const result: MyCasesWorklist = {
      cases: page.rows.map((r) => ({
        caseId: String(r.id),
        crimeReference: (r.crime_reference as string | null) ?? null,
        status: r.status as MyCasesWorklist['cases'][number]['status'],
        cjStage: r.cj_stage as MyCasesWorklist['cases'][number]['cjStage'],
        openAdviceItems: Number(r.open_items),
        overdueAdviceItems: Number(r.overdue_items),
        nextDueAt: r.next_due ? new Date(r.next_due as Date).toISOString() : null,
      })),
      nextCursor: page.nextCursor,
    };
    await this.audit(granted, correlationId, 'worklist.own.read', result.cases.map((c) => c.caseId));
    return result;
  }

  /**
   * Cases whose screening clock runs (awaiting screening, triage or advice), in the order of their due
   * time: `untriaged` those still awaiting screening or triage, `overdue` those past it. A case whose
   * referral event has not yet started its clock sorts by its referral time and is shown with the due
   * time it will have.
   */
  private async awaitingScreening(
    p: Principal,
    now: Date,
    which: ScreeningSection,
    limit: number,
    key: KeyValue[] | null,
    list: string = SCREENING_LISTS[which],
  ): Promise<Page<ScreeningWorkItem>> {
    const params: unknown[] = [p.subject, p.issuer, AWAITING_SCREENING];
    const section = which === 'untriaged' ? 'c.status = ANY($3)' : `coalesce(k.due_at, c.referred_at) < $${params.push(now)}`;
    const rows: ClockRow[] = await this.dataSource.manager.query(
      // Driven by two indexed sets (status index; partial index of running clocks), never a scan of every case.
      `SELECT c.id AS case_id, c.crime_reference, c.status, c.referred_at, c.custody_started_at, k.due_at,
              coalesce(k.due_at, c.referred_at) AS sort_at
         FROM stalking_case c
         LEFT JOIN LATERAL (SELECT due_at, stopped_at FROM screening_clock WHERE case_id = c.id ORDER BY round DESC LIMIT 1) k ON true
        WHERE c.id IN (SELECT id FROM stalking_case WHERE status = ANY($3)
                       UNION SELECT case_id FROM screening_clock WHERE stopped_at IS NULL)
          AND c.status <> 'CLOSED' AND k.stopped_at IS NULL
          AND ${section}
          AND ${NOT_EXCLUDED('c')}
          ${after(['coalesce(k.due_at, c.referred_at)', 'c.id'], key, params)}
        ORDER BY sort_at, c.id ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, list, (r) => [new Date(r.sort_at), r.case_id]);
    const items = page.rows.map((r): ScreeningWorkItem => {
      const due = r.due_at ? new Date(r.due_at) : this.clocks.dueFrom(new Date(r.referred_at), r.custody_started_at);
      return {
        caseId: r.case_id,
        crimeReference: r.crime_reference,
        status: r.status as ScreeningWorkItem['status'],
        referredAt: new Date(r.referred_at).toISOString(),
        screeningDueAt: due.toISOString(),
        overdue: due.getTime() < now.getTime(),
      };
    });
    // A case not yet clocked was read as overdue by its referral time: only its real due time counts.
    return { items: which === 'overdue' ? items.filter((i) => i.overdue) : items, next: page.nextCursor };
  }

  private async overdueAdvice(p: Principal, now: Date, limit: number, key: KeyValue[] | null): Promise<Page<OverdueAdviceItem>> {
    const params: unknown[] = [p.subject, p.issuer, now];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT i.case_id, i.advice_id, i.id, i.code, i.due_at, a.case_officer
         FROM advice_item i JOIN advice a ON a.id = i.advice_id JOIN stalking_case c ON c.id = i.case_id
        WHERE i.status = 'OPEN' AND a.status <> 'SUPERSEDED' AND i.due_at < $3 AND ${NOT_EXCLUDED('c')}
          ${after(['i.due_at', 'i.id'], key, params)}
        ORDER BY i.due_at, i.id ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, LEAD_LISTS.overdueAdviceItems, (r) => [new Date(r.due_at as Date), String(r.id)]);
    return {
      items: page.rows.map((r) => ({
        caseId: String(r.case_id),
        adviceId: String(r.advice_id),
        itemId: String(r.id),
        code: r.code as OverdueAdviceItem['code'],
        dueAt: new Date(r.due_at as Date).toISOString(),
        caseOfficer: (r.case_officer as string | null) ?? null,
      })),
      next: page.nextCursor,
    };
  }

  private async expiringOrders(p: Principal, now: Date, limit: number, key: KeyValue[] | null): Promise<Page<OrderWorkItem>> {
    const params: unknown[] = [p.subject, p.issuer, ORDER_IN_FORCE, new Date(now.getTime() + ORDER_EXPIRY_WARNING_DAYS * DAY_MS)];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT o.case_id, o.id, o.order_type, o.expires_at AS due_at
         FROM protective_order o JOIN stalking_case c ON c.id = o.case_id
        WHERE o.status = ANY($3) AND o.expires_at IS NOT NULL AND o.expires_at <= $4 AND ${NOT_EXCLUDED('c')}
          ${after(['o.expires_at', 'o.id'], key, params)}
        ORDER BY o.expires_at, o.id ${limitOf(limit, params)}`,
      params,
    );
    return this.orderPage(rows, limit, LEAD_LISTS.expiringOrders);
  }

  private async overdueNotifications(p: Principal, now: Date, limit: number, key: KeyValue[] | null): Promise<Page<OrderWorkItem>> {
    const params: unknown[] = [p.subject, p.issuer, now, ORDER_IN_FORCE];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT o.case_id, o.id, o.order_type, o.notification_due_at AS due_at
         FROM protective_order o JOIN stalking_case c ON c.id = o.case_id
        WHERE o.notification_due_at IS NOT NULL AND o.notification_received_at IS NULL AND o.notification_due_at < $3
          AND o.status = ANY($4) AND ${NOT_EXCLUDED('c')}
          ${after(['o.notification_due_at', 'o.id'], key, params)}
        ORDER BY o.notification_due_at, o.id ${limitOf(limit, params)}`,
      params,
    );
    return this.orderPage(rows, limit, LEAD_LISTS.overdueNotifications);
  }

  private orderPage(rows: Record<string, unknown>[], limit: number, list: string): Page<OrderWorkItem> {
    const page = keysetPage(rows, limit, list, (r) => [new Date(r.due_at as Date), String(r.id)]);
    return {
      items: page.rows.map((r) => ({
        caseId: String(r.case_id),
        orderId: String(r.id),
        orderType: r.order_type as OrderWorkItem['orderType'],
        dueAt: new Date(r.due_at as Date).toISOString(),
      })),
      next: page.nextCursor,
    };
  }

  private async overdueActions(p: Principal, now: Date, limit: number, key: KeyValue[] | null): Promise<Page<ConsultationActionWorkItem>> {
    const params: unknown[] = [p.subject, p.issuer, now];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT a.case_id, a.id, a.owner_agency, a.due_at
         FROM consultation_action a JOIN stalking_case c ON c.id = a.case_id
        WHERE a.status = 'OPEN' AND a.due_at < $3 AND ${NOT_EXCLUDED('c')}
          ${after(['a.due_at', 'a.id'], key, params)}
        ORDER BY a.due_at, a.id ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, LEAD_LISTS.overdueConsultationActions, (r) => [new Date(r.due_at as Date), String(r.id)]);
    return {
      items: page.rows.map((r) => ({
        caseId: String(r.case_id),
        actionId: String(r.id),
        ownerAgency: r.owner_agency as ConsultationActionWorkItem['ownerAgency'],
        dueAt: new Date(r.due_at as Date).toISOString(),
      })),
      next: page.nextCursor,
    };
  }

  private async bailReturns(p: Principal, now: Date, limit: number, key: KeyValue[] | null): Promise<Page<BailReturnWorkItem>> {
    const params: unknown[] = [p.subject, p.issuer, new Date(now.getTime() + BAIL_RETURN_WARNING_DAYS * DAY_MS)];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT c.id, c.crime_reference, c.bail_return_at
         FROM stalking_case c
        WHERE c.cj_stage = 'BAILED' AND c.bail_return_at <= $3 AND ${NOT_EXCLUDED('c')}
          ${after(['c.bail_return_at', 'c.id'], key, params)}
        ORDER BY c.bail_return_at, c.id ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, LEAD_LISTS.bailReturnsDue, (r) => [new Date(r.bail_return_at as Date), String(r.id)]);
    return {
      items: page.rows.map((r) => {
        const at = new Date(r.bail_return_at as Date);
        return { caseId: String(r.id), crimeReference: (r.crime_reference as string | null) ?? null, bailReturnAt: at.toISOString(), overdue: at.getTime() < now.getTime() };
      }),
      next: page.nextCursor,
    };
  }

  /** The latest triage of an open case said CONSULTATION and nothing (not cancelled) has been scheduled since. */
  private async consultationsToSchedule(p: Principal, limit: number, key: KeyValue[] | null): Promise<Page<ConsultationToScheduleItem>> {
    const params: unknown[] = [p.subject, p.issuer];
    const rows: Record<string, unknown>[] = await this.dataSource.manager.query(
      `SELECT c.id, c.crime_reference, t.id AS triage_id, t.decided_at
         FROM stalking_case c
         JOIN LATERAL (SELECT id, decision, decided_at FROM triage_decision WHERE case_id = c.id ORDER BY decided_at DESC LIMIT 1) t ON true
        WHERE c.id IN (SELECT case_id FROM triage_decision WHERE decision = 'CONSULTATION')
          AND t.decision = 'CONSULTATION' AND c.status <> 'CLOSED'
          AND NOT EXISTS (SELECT 1 FROM consultation k WHERE k.case_id = c.id AND k.scheduled_at >= t.decided_at AND k.status <> 'CANCELLED')
          AND ${NOT_EXCLUDED('c')}
          ${after(['t.decided_at', 'c.id'], key, params)}
        ORDER BY t.decided_at, c.id ${limitOf(limit, params)}`,
      params,
    );
    const page = keysetPage(rows, limit, LEAD_LISTS.consultationsToSchedule, (r) => [new Date(r.decided_at as Date), String(r.id)]);
    return {
      items: page.rows.map((r) => ({
        caseId: String(r.id),
        crimeReference: (r.crime_reference as string | null) ?? null,
        triageDecisionId: String(r.triage_id),
        triagedAt: new Date(r.decided_at as Date).toISOString(),
      })),
      next: page.nextCursor,
    };
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
