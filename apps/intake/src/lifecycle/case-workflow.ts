import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CaseStageChangedV1, ProblemException } from '@stac/contracts';
import { CASE_NOT_FOUND } from '@stac/auth';
import { CASE_LIFECYCLE, CJ_STAGE_MACHINE, canTransition, type CaseStatus, type CjStage } from '@stac/domain';
import { Outbox, type EventHeaders } from '@stac/messaging';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { CaseTransition } from './case-transition.entity';

export function eventHeaders(
  ctx: Pick<RequestContext, 'correlationId' | 'causationId' | 'traceparent'>,
): EventHeaders {
  return { correlationId: ctx.correlationId, causationId: ctx.causationId, traceparent: ctx.traceparent };
}

/** How a person or the platform is recorded as the actor of a change: the token subject, never a name. */
export function actorOf(ctx: Pick<RequestContext, 'principal'>): string {
  return ctx.principal.subject;
}

/** 409 naming both states (domain.md §4: illegal transitions are refused, never coerced). */
export function illegalTransition(what: string, from: string, to: string) {
  return rpcProblem(409, 'illegal-transition', `Cannot move the ${what} from ${from} to ${to}`, {
    detail: `${what}: ${from} -> ${to} is not a permitted transition`,
  });
}

/** 412 when the client's If-Match no longer matches (optimistic concurrency, architecture.md §4). */
export function assertVersion(what: string, current: number, expected: number): void {
  if (current !== expected) {
    throw rpcProblem(
      412,
      'version-mismatch',
      `The ${what} has changed since you read it (now version ${current}); reload and retry`,
    );
  }
}

export interface MoveOptions {
  at: Date;
  actor: string;
  headers: EventHeaders;
  reasonCode?: string | null;
  note?: string | null;
  /** The event that caused the move (NEW_INCIDENT, BREACH, SCREENING, TRIAGE, ADVICE...). */
  trigger?: string | null;
}

/**
 * The case's two state machines, enforced in one place: every move is checked against the machine,
 * recorded in `case_transition` and published as `intake.case.stage-changed.v1`, in the caller's
 * transaction and under the case row lock.
 */
@Injectable()
export class CaseWorkflow {
  constructor(private readonly outbox: Outbox) {}

  /** Locks the case row for the rest of the transaction; a missing case is the one 404 (AC-09). */
  async lockCase(m: EntityManager, caseId: string): Promise<StalkingCase> {
    const c = await m.findOne(StalkingCase, { where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
    if (!c) throw new ProblemException(CASE_NOT_FOUND);
    return c;
  }

  async moveStatus(m: EntityManager, c: StalkingCase, to: CaseStatus, o: MoveOptions): Promise<StalkingCase> {
    if (!canTransition(CASE_LIFECYCLE, c.status, to)) throw illegalTransition('case', c.status, to);
    const from = c.status;
    c.status = to;
    return this.record(m, c, 'STATUS', from, to, o);
  }

  async moveCjStage(
    m: EntityManager,
    c: StalkingCase,
    to: CjStage,
    o: MoveOptions & { bailReturnAt?: Date },
  ): Promise<StalkingCase> {
    if (!canTransition(CJ_STAGE_MACHINE, c.cjStage, to))
      throw illegalTransition('criminal-justice stage', c.cjStage, to);
    const from = c.cjStage;
    c.cjStage = to;
    c.bailReturnAt = to === 'BAILED' ? (o.bailReturnAt ?? null) : null;
    return this.record(
      m,
      c,
      'CJ_STAGE',
      from,
      to,
      o,
      c.bailReturnAt ? { bailReturnAt: c.bailReturnAt.toISOString() } : {},
    );
  }

  private async record(
    m: EntityManager,
    c: StalkingCase,
    machine: 'STATUS' | 'CJ_STAGE',
    from: string,
    to: string,
    o: MoveOptions,
    extra: { bailReturnAt?: string } = {},
  ): Promise<StalkingCase> {
    const saved = await m.save(c);
    await m.insert(CaseTransition, {
      id: randomUUID(),
      caseId: c.id,
      machine,
      fromState: from,
      toState: to,
      reasonCode: o.reasonCode ?? null,
      note: o.note ?? null,
      trigger: o.trigger ?? null,
      actor: o.actor,
      occurredAt: o.at,
    });
    await this.outbox.enqueue(
      m,
      CaseStageChangedV1,
      {
        caseId: c.id,
        aggregateVersion: saved.version,
        additionalInformation: {
          machine,
          from,
          to,
          changedAt: o.at.toISOString(),
          ...extra,
          ...(o.trigger ? { trigger: o.trigger } : {}),
        },
      },
      o.headers,
    );
    return saved;
  }
}

