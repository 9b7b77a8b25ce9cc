import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRestrictions, MAX_NAMED_PER_CASE, type NamedAccessRecord, type Principal } from '@stac/auth';
import {
  CaseRestrictionChangedV1,
  ProblemException,
  type EndNamingRequest,
  type NamedPersonCommand,
  type NamedPersonView,
  type RestrictionCommand,
  type RestrictionView,
} from '@stac/contracts';
import { RESTRICTING_FLAGS, type CaseFlag, type RestrictionKind } from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { eventHeaders } from '../lifecycle/case-workflow';

const actor = (p: Pick<Principal, 'issuer' | 'subject'>) => `${p.issuer}#${p.subject}`;

/** The flags of a case that restrict it, in the one order of RESTRICTING_FLAGS. */
export function restrictionKindsOf(flags: readonly string[]): RestrictionKind[] {
  return RESTRICTING_FLAGS.filter((k) => flags.includes(k));
}

/**
 * Restricted records: a case flagged STAFF_LINKED (a police officer or a member of an agency's staff is
 * involved) or PUBLIC_FIGURE is visible only to the people named on it. Intake owns the case, so it records
 * the restriction and the names (with their history and reasons) in the request's transaction and
 * announces the whole state as `intake.case.restriction-changed.v1` through the outbox; every other
 * service keeps a replica in its own relationship data (AC-14). `decide()` answers an unnamed caller 404
 * in every service (AC-09). The owning team's leads manage it, named or not (`case.restriction.manage`).
 */
@Injectable()
export class RestrictedRecordsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly restrictions: CaseRestrictions,
    private readonly accessLog: AccessLog,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async view(caseId: string, db: Pick<EntityManager, 'query'> = this.dataSource.manager): Promise<RestrictionView> {
    await this.assertCase(db, caseId);
    const state = await this.restrictions.stateOf(db, caseId);
    const history = await this.restrictions.history(db, caseId);
    const inForce = new Set(state.named.map((n) => n.grantId));
    return {
      caseId,
      restricted: state.kinds.length > 0,
      kinds: state.kinds,
      named: history.map((n) => namedView(n, inForce.has(n.grantId))),
      version: state.version,
    };
  }

  /** Restricts the case (naming the lead who does it) or lifts the restriction; the case's flags follow. */
  set(cmd: RestrictionCommand, ctx: RequestContext): Promise<RestrictionView> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      const [c]: { flags: CaseFlag[] }[] = await m.query(`SELECT flags FROM stalking_case WHERE id = $1 FOR UPDATE`, [cmd.caseId]);
      if (!c) throw new ProblemException(CASE_NOT_FOUND);
      const before = await this.restrictions.stateOf(m, cmd.caseId);
      if (before.version !== cmd.version) {
        throw rpcProblem(412, 'version-mismatch', `The restriction has changed since you read it (now version ${before.version}); reload and retry`);
      }
      const kinds = RESTRICTING_FLAGS.filter((k) => cmd.kinds.includes(k));
      if (kinds.join() === before.kinds.join()) {
        throw rpcProblem(409, 'restriction-unchanged', kinds.length ? `The case is already restricted as ${kinds.join(', ')}` : 'The case is not restricted');
      }
      await this.restrictions.setKinds(m, cmd.caseId, kinds, now);
      // Someone must see a case that was just restricted: the lead who restricted it.
      if (kinds.length && !before.named.some((n) => n.issuer === ctx.principal.issuer && n.subject === ctx.principal.subject)) {
        await this.restrictions.name(m, cmd.caseId, { ...ctx.principal, reason: 'Restricted the case', createdBy: actor(ctx.principal) }, now);
      }
      const flags = [...c.flags.filter((f) => !(RESTRICTING_FLAGS as readonly string[]).includes(f)), ...kinds];
      await m.query(`UPDATE stalking_case SET flags = $2, version = version + 1, updated_at = now() WHERE id = $1`, [cmd.caseId, flags]);
      const version = await this.announce(m, cmd.caseId, eventHeaders(ctx));
      await this.audit(m, ctx, kinds.length ? 'case.restriction.set' : 'case.restriction.lift', [cmd.caseId], cmd.reason);
      return { ...(await this.view(cmd.caseId, m)), version };
    });
  }

  /** Names a user on the case; they see it (with a relationship to it), in every service. */
  name(cmd: NamedPersonCommand, ctx: RequestContext): Promise<NamedPersonView> {
    const now = this.clock.now();
    if (cmd.validTo && Date.parse(cmd.validTo) <= now.getTime()) {
      throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'validTo', message: 'validTo must be in the future' }] });
    }
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'case.restriction.name', cmd, async () => {
        await this.assertCase(m, cmd.caseId, true);
        const state = await this.restrictions.stateOf(m, cmd.caseId);
        if (state.named.some((n) => n.issuer === cmd.issuer && n.subject === cmd.subject)) {
          throw rpcProblem(409, 'already-named', 'This user is already named on the case');
        }
        if (state.named.length >= MAX_NAMED_PER_CASE) throw rpcProblem(409, 'named-people-full', `A case names at most ${MAX_NAMED_PER_CASE} people`);
        const { grantId } = await this.restrictions.name(
          m,
          cmd.caseId,
          { issuer: cmd.issuer, subject: cmd.subject, reason: cmd.reason, validTo: cmd.validTo ? new Date(cmd.validTo) : null, createdBy: actor(ctx.principal) },
          now,
        );
        await this.announce(m, cmd.caseId, eventHeaders(ctx));
        await this.audit(m, ctx, 'case.restriction.name', [cmd.caseId, grantId], cmd.reason);
        const named = (await this.restrictions.history(m, cmd.caseId)).find((n) => n.grantId === grantId)!;
        return namedView(named, true);
      }),
    );
  }

  /** Ends a naming now: the user is refused the case on their next request, in intake at once and elsewhere as the event lands. */
  endNaming(req: EndNamingRequest, ctx: RequestContext): Promise<void> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (m) => {
      await this.assertCase(m, req.caseId, true);
      const ended = await this.restrictions.endNaming(m, req.caseId, req.grantId, actor(ctx.principal), now);
      if (!ended) throw rpcProblem(404, 'named-person-not-found', 'No such naming in force on this case');
      await this.announce(m, req.caseId, eventHeaders(ctx));
      await this.audit(m, ctx, 'case.restriction.end-naming', [req.caseId, req.grantId]);
    });
  }

  /**
   * A referral flagged STAFF_LINKED or PUBLIC_FIGURE is restricted from the start, in the referral's own
   * transaction and announced before `case.referred`, so no service opens the case before it knows; the
   * referring user is named (the owning team's leads name the others).
   */
  async restrictAtReferral(m: EntityManager, caseId: string, flags: readonly string[], referrer: Principal, at: Date, headers: EventHeaders): Promise<void> {
    const kinds = restrictionKindsOf(flags);
    if (!kinds.length) return;
    await this.restrictions.setKinds(m, caseId, kinds, at);
    const { grantId } = await this.restrictions.name(m, caseId, { ...referrer, reason: 'Referred the case', createdBy: actor(referrer) }, at);
    await this.announce(m, caseId, headers);
    await this.accessLog.append(m, {
      operation: 'alteration',
      action: 'case.restriction.set',
      principal: referrer,
      recordType: 'case-restriction',
      recordIds: [caseId, grantId],
      fieldGroups: [],
      legalBasis: 'workflow',
      recipients: ['police'],
      decision: { allow: true, rule: 'referral.create' },
      correlationId: headers.correlationId,
    });
  }

  /** Publishes the case's whole restriction state as it now is (in the caller's transaction). */
  private async announce(m: EntityManager, caseId: string, headers: EventHeaders): Promise<number> {
    const s = await this.restrictions.stateOf(m, caseId);
    await this.outbox.enqueue(
      m,
      CaseRestrictionChangedV1,
      {
        caseId,
        aggregateVersion: s.version,
        additionalInformation: {
          restricted: s.kinds.length > 0,
          kinds: s.kinds,
          named: s.named.map((n) => ({
            grantId: n.grantId,
            issuer: n.issuer,
            subject: n.subject,
            validFrom: n.validFrom.toISOString(),
            ...(n.validTo ? { validTo: n.validTo.toISOString() } : {}),
          })),
          changedAt: s.changedAt.toISOString(),
        },
      },
      headers,
    );
    return s.version;
  }

  private async assertCase(db: Pick<EntityManager, 'query'>, caseId: string, lock = false): Promise<void> {
    const rows: unknown[] = await db.query(`SELECT 1 FROM stalking_case WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [caseId]);
    if (!rows.length) throw new ProblemException(CASE_NOT_FOUND);
  }

  private audit(m: EntityManager, ctx: RequestContext, action: string, recordIds: string[], justification?: string) {
    return this.accessLog.append(m, {
      operation: 'alteration',
      action,
      principal: ctx.principal,
      recordType: 'case-restriction',
      recordIds,
      fieldGroups: [],
      purpose: ctx.purpose,
      justification,
      recipients: ['police'],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}

function namedView(n: NamedAccessRecord, inForce: boolean): NamedPersonView {
  return {
    grantId: n.grantId,
    issuer: n.issuer,
    subject: n.subject,
    validFrom: n.validFrom.toISOString(),
    validTo: n.validTo?.toISOString() ?? null,
    reason: n.reason,
    namedBy: n.createdBy,
    endedBy: n.endedBy,
    inForce,
  };
}
