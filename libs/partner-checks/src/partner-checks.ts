import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { CaseAccessGrants, caseHiddenSql, systemPrincipal, type Principal } from '@stac/auth';
import { CHECK_DUE_WORKING_DAYS_VAR, loadConfig } from '@stac/config';
import type { CaseReferredV1, ContactRoute, EventContract, PersonCheckRequestedV1 } from '@stac/contracts';
import { ENGLAND_AND_WALES, type Agency, type WorkingDayCalendar } from '@stac/domain';
import { caseIdOf, Outbox, type EventContext, type EventHeaders } from '@stac/messaging';
import { rpcProblem } from '@stac/rpc';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';
import type { CheckReason, PartnerCheckRecord } from './partner-check.record';

/**
 * The thin `<agency>.check-answered` event every agency publishes (domain.md §5): ids, the agency's answer
 * code and whether a contact route is on record. The route itself stays with the agency's check; readers
 * with a share read it from the agency's case part.
 */
export interface PartnerCheckAnswered {
  checkId: string;
  personId: string;
  answer: string;
  contactRouteAvailable: boolean;
  answeredAt: string;
}

export interface PartnerCheckDefinition<E extends PartnerCheckRecord, A extends PartnerCheckAnswered> {
  /** The agency answering the checks; its team owns them. */
  owner: Exclude<Agency, 'cps'>;
  /** The agency's entity (extends PartnerCheckRecord). */
  record: new () => E;
  /** How problems name a check, e.g. `mental-health check`. */
  noun: string;
  /** Agencies the check (status, answer, route) is shared with, under their agreement codes. */
  shares: { agency: Agency; agreementCode: string }[];
  /** The agency's thin answered event contract. */
  answered: EventContract<A>;
  /** Working days until a check is due (`checkDueWorkingDaysFromEnv()`, default 2). */
  dueWorkingDays: number;
  /** The working-day calendar (default: England and Wales, bank holidays respected). */
  calendar?: WorkingDayCalendar;
}

export interface CheckAnswer<E> {
  caseId: string;
  checkId: string;
  expectedVersion: number;
  contactRoute: ContactRoute;
  /** Sets the agency's own answer fields on the check and returns the answer code for the event. */
  apply(check: E): string;
  answeredBy: string;
  at: Date;
  headers: EventHeaders;
}

export interface CheckPage<E> {
  items: E[];
  nextCursor: string | null;
}

/** The contact route on record for a check (team, role, how to reach), or null while it has none. */
export function contactRouteOf(c: Pick<PartnerCheckRecord, 'contactTeam' | 'contactRole' | 'contactHowToReach'>): ContactRoute | null {
  return c.contactTeam && c.contactRole && c.contactHowToReach ? { team: c.contactTeam, role: c.contactRole, howToReach: c.contactHowToReach } : null;
}

/**
 * The checks that stand: a check answered while the person was unknown is replaced by the check opened
 * when they were identified (reason PERSON_IDENTIFIED), which is what the agency's part of the case shows.
 */
export function currentChecks<E extends Pick<PartnerCheckRecord, 'personId' | 'reason'>>(checks: readonly E[]): E[] {
  const identified = new Set(checks.filter((c) => c.reason === 'PERSON_IDENTIFIED').map((c) => c.personId));
  return checks.filter((c) => c.reason === 'PERSON_IDENTIFIED' || !identified.has(c.personId));
}

/** The due time setting (CHECK_DUE_WORKING_DAYS, default 2 working days). */
export function checkDueWorkingDaysFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return loadConfig({ CHECK_DUE_WORKING_DAYS: CHECK_DUE_WORKING_DAYS_VAR }, env).CHECK_DUE_WORKING_DAYS;
}

/**
 * What the partner agencies' known-to-services / supervision checks truly share: opening a REQUESTED check
 * (from the referral or a newly named person of concern), its due time on the England and Wales
 * working-day calendar, answering it with an answer code and a contact route (publishing the thin
 * `<agency>.check-answered` event in the same transaction), and the due / overdue worklist query.
 * Everything agency-specific (the answer vocabulary, how the agency locates its own record) stays in the
 * agency's service, behind `apply`.
 */
export class PartnerChecks<E extends PartnerCheckRecord, A extends PartnerCheckAnswered> {
  constructor(
    private readonly def: PartnerCheckDefinition<E, A>,
    private readonly grants: CaseAccessGrants,
    private readonly outbox: Outbox,
  ) {}

  dueAt(requestedAt: Date): Date {
    return (this.def.calendar ?? ENGLAND_AND_WALES).addWorkingDays(requestedAt, this.def.dueWorkingDays);
  }

  /**
   * Opens a REQUESTED check of one person of concern on the event's case, inside the event's inbox
   * transaction; redelivery (or a second event naming the same person) opens nothing new: a person has one
   * check per case, except the second one opened when they are identified (`recheckIdentified`). The first
   * check of a case also opens the agency team's access and the shares.
   */
  async open(ctx: EventContext, o: { personId: string; requestedAt: Date; reason: CheckReason }): Promise<E | null> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    // One check at a time per case decides whether access is already open.
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 11))', [`partner-check:${caseId}`]);
    const check = Object.assign(new this.def.record(), {
      id: randomUUID(),
      caseId,
      personId: o.personId,
      status: 'REQUESTED',
      reason: o.reason,
      requestedAt: o.requestedAt,
      dueAt: this.dueAt(o.requestedAt),
      answeredAt: null,
      answeredBy: null,
      contactTeam: null,
      contactRole: null,
      contactHowToReach: null,
      version: 1,
    } satisfies Partial<PartnerCheckRecord>);
    // One statement: the check is opened unless the person already has one on the case (the re-check of an
    // identified person always is; the unique (case, person, reason) stops a second), and says whether it
    // is the case's first (RETURNING reads the table as it was before this row).
    const table = m.connection.getMetadata(this.def.record).tablePath;
    const opened: { first: boolean }[] = await m.query(
      `INSERT INTO ${table} (id, case_id, person_id, status, reason, requested_at, due_at, version)
       SELECT $1, $2, $3, 'REQUESTED', $4, $5, $6, 1
        WHERE $4 = 'PERSON_IDENTIFIED' OR NOT EXISTS (SELECT 1 FROM ${table} c WHERE c.case_id = $2 AND c.person_id = $3)
       ON CONFLICT DO NOTHING
       RETURNING NOT EXISTS (SELECT 1 FROM ${table} c WHERE c.case_id = $2 AND c.id <> $1) AS first`,
      [check.id, caseId, o.personId, o.reason, o.requestedAt, check.dueAt],
    );
    if (opened.length === 0) return null;
    const first = opened[0].first;
    if (first) {
      await this.grants.open(m, {
        caseId,
        owner: this.def.owner,
        shares: this.def.shares,
        actor: systemPrincipal(this.def.owner, this.def.owner),
        correlationId: ctx.correlationId,
      });
    }
    return check;
  }

  /**
   * The referral's person of concern is checked, known or not (an unknown suspect's check opens the
   * agency's access to the case and is asked again when they are identified). The agency's
   * `@OnEvent(CaseReferredV1)` handler calls this.
   */
  async openForReferral(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    if (!event.personOfConcernId) return;
    await this.open(ctx, { personId: event.personOfConcernId, requestedAt: new Date(event.referredAt), reason: 'REFERRAL' });
  }

  /**
   * A person of concern named on the case later (added, or a role changed) is checked too. The agency's
   * `@OnEvent(PersonCheckRequestedV1)` handler calls this. One recorded with identity unknown and now
   * identified (trigger IDENTIFIED) is checked again by who they are (`recheckIdentified`).
   */
  async openForNamedPerson(event: PersonCheckRequestedV1, ctx: EventContext): Promise<void> {
    const requestedAt = new Date(event.requestedAt);
    if (event.trigger === 'IDENTIFIED') {
      await this.recheckIdentified(ctx, { personId: event.personId, requestedAt });
      return;
    }
    await this.open(ctx, { personId: event.personId, requestedAt, reason: 'NEW_PERSON_OF_CONCERN' });
  }

  /**
   * A person of concern identified after being recorded unknown: a check still REQUESTED (nobody could
   * check an unknown person) is asked again in place — reason PERSON_IDENTIFIED, a new due time — so the
   * worklist shows one check to do; one already answered (about nobody in particular) stays as it was and a
   * new PERSON_IDENTIFIED check is opened. A redelivery finds the PERSON_IDENTIFIED check and does nothing.
   */
  async recheckIdentified(ctx: EventContext, o: { personId: string; requestedAt: Date }): Promise<E | null> {
    const caseId = caseIdOf(ctx);
    const m = ctx.manager;
    await m.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 11))', [`partner-check:${caseId}`]);
    const checks = await m.find(this.def.record, { where: { caseId, personId: o.personId } as never, lock: { mode: 'pessimistic_write' } });
    if (checks.some((c) => c.reason === 'PERSON_IDENTIFIED')) return null;
    const waiting = checks.find((c) => c.status === 'REQUESTED');
    if (!waiting) return this.open(ctx, { personId: o.personId, requestedAt: o.requestedAt, reason: 'PERSON_IDENTIFIED' });
    waiting.reason = 'PERSON_IDENTIFIED';
    waiting.requestedAt = o.requestedAt;
    waiting.dueAt = this.dueAt(o.requestedAt);
    return m.save(waiting);
  }

  /**
   * Answers a REQUESTED check (412 on a stale version, 409 naming both states when already answered) and
   * publishes the thin answered event in the same transaction.
   */
  async answer(m: EntityManager, a: CheckAnswer<E>): Promise<E> {
    const check = await m.findOne(this.def.record, { where: { id: a.checkId, caseId: a.caseId } as never, lock: { mode: 'pessimistic_write' } });
    if (!check) throw rpcProblem(404, 'check-not-found', `No such ${this.def.noun} on this case`);
    if (check.version !== a.expectedVersion) {
      throw rpcProblem(412, 'version-mismatch', `The ${this.def.noun} has changed since you read it (now version ${check.version}); reload and retry`);
    }
    if (check.status !== 'REQUESTED') {
      throw rpcProblem(409, 'illegal-transition', `Cannot move the ${this.def.noun} from ${check.status} to ANSWERED`, {
        detail: `${this.def.noun}: ${check.status} -> ANSWERED is not a permitted transition`,
      });
    }
    const answer = a.apply(check);
    check.status = 'ANSWERED';
    check.answeredAt = a.at;
    check.answeredBy = a.answeredBy;
    check.contactTeam = a.contactRoute.team;
    check.contactRole = a.contactRoute.role;
    check.contactHowToReach = a.contactRoute.howToReach;
    const saved = await m.save(check);
    const event = Object.assign(new this.def.answered(), {
      checkId: saved.id,
      personId: saved.personId,
      answer,
      contactRouteAvailable: true,
      answeredAt: a.at.toISOString(),
    });
    await this.outbox.enqueue(m, this.def.answered, { caseId: saved.caseId, aggregateVersion: saved.version, additionalInformation: event }, a.headers);
    return saved;
  }

  /** The checks of a case, oldest first. */
  forCase(m: EntityManager, caseId: string): Promise<E[]> {
    return m.find(this.def.record, { where: { caseId } as never, order: { requestedAt: 'ASC', id: 'ASC' } as never });
  }

  /**
   * The worklist of unanswered checks, due first, by keyset cursor; `overdueOnly` keeps those past due at
   * `now`. Cases hidden from the reader never appear: excluded (AC-07), or restricted and the reader not named.
   */
  async requested(m: EntityManager, o: { now: Date; overdueOnly?: boolean; cursor?: string; limit: number; reader: Principal }): Promise<CheckPage<E>> {
    const after = o.cursor ? decodeKeysetCursor(o.cursor) : null;
    const q = m
      .createQueryBuilder(this.def.record, 'c')
      .where(`c.status = 'REQUESTED'`)
      .andWhere(`NOT ${caseHiddenSql('c.case_id', ':subject', ':issuer')}`, { subject: o.reader.subject, issuer: o.reader.issuer })
      .orderBy('c.dueAt', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(o.limit + 1);
    if (o.overdueOnly) q.andWhere('c.due_at < :now', { now: o.now });
    if (after) q.andWhere('(c.due_at, c.id) > (:afterDue, :afterId)', { afterDue: after.at, afterId: after.id });
    const rows = await q.getMany();
    const items = rows.slice(0, o.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > o.limit && last ? encodeKeysetCursor({ at: last.dueAt, id: last.id }) : null };
  }
}
