import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships, decide, type Principal, type Purpose } from '@stac/auth';
import {
  CpsAdviceGivenV1,
  CpsAdviceRequestedV1,
  CpsChargingDecidedV1,
  ProblemException,
  type ChargingDecisionCommand,
  type ChargingDecisionView,
  type CpsCaseView,
  type CpsWorklistItem,
  type CpsWorklistView,
  type EarlyAdviceAnswerCommand,
  type EarlyAdviceCommand,
  type EarlyAdviceView,
} from '@stac/contracts';
import { CJ_STAGE_FOR_CHARGING_DECISION, CPS_ADVICE_DEFAULT_WORKING_DAYS, WorkingDayCalendar } from '@stac/domain';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { actorOf, CaseWorkflow, eventHeaders } from '../lifecycle/case-workflow';
import { CpsAdviceRequest } from './cps-advice-request.entity';
import { CpsChargingDecision } from './cps-charging-decision.entity';

/** The handler's context as the CPS feature needs it (the kernel's RequestContext satisfies it). */
const POLICE_TO_CPS = 'police-to-cps';

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

export function adviceView(r: CpsAdviceRequest, now: Date): EarlyAdviceView {
  return {
    requestId: r.id,
    caseId: r.caseId,
    status: r.status,
    question: r.question,
    evidenceAreas: r.evidenceAreas,
    requestedAt: r.requestedAt.toISOString(),
    dueAt: r.dueAt.toISOString(),
    overdue: r.status === 'REQUESTED' && r.dueAt.getTime() < now.getTime(),
    adviceCodes: r.adviceCodes,
    note: r.note,
    answeredAt: r.answeredAt?.toISOString() ?? null,
  };
}

function decisionView(d: CpsChargingDecision): ChargingDecisionView {
  return {
    decisionId: d.id,
    caseId: d.caseId,
    decision: d.decision,
    reviewDate: d.reviewDate,
    reason: d.reason,
    decidedAt: d.decidedAt.toISOString(),
    cjStage: d.cjStageAfter,
  };
}

interface Cursor {
  at: string;
  kind: string;
  caseId: string;
  requestId: string;
}

/**
 * The CPS part of the police case file (domain.md §3 step 9, D10). It lives in intake because the
 * police own the case file: the prosecutor advises on it and decides charge on it, reaching it only
 * through the police-to-cps share (core facts, investigation purpose) opened when advice is first asked.
 * A charging decision moves the criminal-justice stage through the case's own state machine, so
 * `case.stage-changed` is published and risk-assessment opens its CHARGE task as for any charge.
 */
@Injectable()
export class CpsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: CaseWorkflow,
    private readonly relationships: CaseRelationships,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  requestAdvice(cmd: EarlyAdviceCommand, ctx: RequestContext): Promise<EarlyAdviceView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'cps.advice.request', cmd, async () => {
        const now = this.clock.now();
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (c.status === 'CLOSED') throw rpcProblem(409, 'case-closed', 'Early advice cannot be asked on a closed case; re-open it first');
        const r = Object.assign(new CpsAdviceRequest(), {
          id: randomUUID(),
          caseId: c.id,
          status: 'REQUESTED',
          question: cmd.question,
          evidenceAreas: cmd.evidenceAreas,
          requestedBy: actorOf(ctx),
          requestedAt: now,
          dueAt: this.calendar.addWorkingDays(now, cmd.dueInWorkingDays ?? CPS_ADVICE_DEFAULT_WORKING_DAYS),
          adviceCodes: null,
          note: null,
          answeredBy: null,
          answeredAt: null,
        } satisfies CpsAdviceRequest);
        await m.insert(CpsAdviceRequest, r);
        await this.shareWithCps(m, c.id, ctx);
        await this.outbox.enqueue(
          m,
          CpsAdviceRequestedV1,
          { caseId: c.id, aggregateVersion: 1, additionalInformation: { requestId: r.id, evidenceAreas: r.evidenceAreas, dueAt: r.dueAt.toISOString() } },
          eventHeaders(ctx),
        );
        await ctx.audit(m, { recordIds: [c.id, r.id], recipients: ['police', 'cps'] });
        return adviceView(r, now);
      }),
    );
  }

  answerAdvice(cmd: EarlyAdviceAnswerCommand, ctx: RequestContext): Promise<EarlyAdviceView> {
    return this.dataSource.transaction(async (m) => {
      const now = this.clock.now();
      const r = await m.findOne(CpsAdviceRequest, { where: { id: cmd.requestId, caseId: cmd.caseId }, lock: { mode: 'pessimistic_write' } });
      if (!r) throw rpcProblem(404, 'advice-request-not-found', 'No such advice request on this case');
      if (r.status === 'ANSWERED') throw rpcProblem(409, 'advice-already-given', 'This advice request was already answered');
      r.status = 'ANSWERED';
      r.adviceCodes = cmd.adviceCodes;
      r.note = cmd.note ?? null;
      r.answeredBy = actorOf(ctx);
      r.answeredAt = now;
      await m.save(r);
      await this.outbox.enqueue(
        m,
        CpsAdviceGivenV1,
        { caseId: r.caseId, aggregateVersion: 2, additionalInformation: { requestId: r.id, adviceCodes: r.adviceCodes, answeredAt: now.toISOString() } },
        eventHeaders(ctx),
      );
      await ctx.audit(m, { recordIds: [r.caseId, r.id], recipients: ['police', 'cps'] });
      return adviceView(r, now);
    });
  }

  decideCharge(cmd: ChargingDecisionCommand, ctx: RequestContext): Promise<ChargingDecisionView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'cps.charging.decide', cmd, async () => {
        const now = this.clock.now();
        if (cmd.decision === 'FURTHER_EVIDENCE') {
          if (!cmd.reviewDate) throw invalid('reviewDate', 'reviewDate is required when further evidence is needed');
          if (cmd.reviewDate <= now.toISOString().slice(0, 10)) throw invalid('reviewDate', 'reviewDate must be after today');
        } else if (cmd.reviewDate) {
          throw invalid('reviewDate', 'reviewDate is only recorded when further evidence is needed');
        }
        if ((cmd.decision === 'NO_FURTHER_ACTION' || cmd.decision === 'FURTHER_EVIDENCE') && !cmd.reason) {
          throw invalid('reason', `reason is required for ${cmd.decision} (decisions not taken are recorded with reasons)`);
        }
        const c = await this.workflow.lockCase(m, cmd.caseId);
        if (c.cjStage !== 'CHARGE_REQUESTED') {
          throw rpcProblem(409, 'no-charge-requested', `A charging decision needs the case at CHARGE_REQUESTED (it is ${c.cjStage})`);
        }
        const to = CJ_STAGE_FOR_CHARGING_DECISION[cmd.decision];
        if (to) {
          await this.workflow.moveCjStage(m, c, to, {
            at: now,
            actor: actorOf(ctx),
            headers: eventHeaders(ctx),
            reasonCode: cmd.decision,
            note: cmd.reason ?? null,
            trigger: 'CPS_CHARGING_DECISION',
          });
        }
        const d = Object.assign(new CpsChargingDecision(), {
          id: randomUUID(),
          caseId: c.id,
          decision: cmd.decision,
          reviewDate: cmd.reviewDate ?? null,
          reason: cmd.reason ?? null,
          cjStageAfter: c.cjStage,
          decidedBy: actorOf(ctx),
          decidedAt: now,
        } satisfies CpsChargingDecision);
        await m.insert(CpsChargingDecision, d);
        await this.outbox.enqueue(
          m,
          CpsChargingDecidedV1,
          {
            caseId: c.id,
            aggregateVersion: c.version,
            additionalInformation: { decisionId: d.id, decision: d.decision, decidedAt: now.toISOString(), ...(d.reviewDate ? { reviewDate: d.reviewDate } : {}) },
          },
          eventHeaders(ctx),
        );
        await ctx.audit(m, { recordIds: [c.id, d.id], recipients: ['police', 'cps'] });
        return decisionView(d);
      }),
    );
  }

  async read(caseId: string): Promise<CpsCaseView> {
    const m = this.dataSource.manager;
    const c = await m.findOne(StalkingCase, { where: { id: caseId } });
    if (!c) throw new ProblemException(CASE_NOT_FOUND);
    const now = this.clock.now();
    const [requests, decisions] = await Promise.all([
      m.find(CpsAdviceRequest, { where: { caseId }, order: { requestedAt: 'ASC' } }),
      m.find(CpsChargingDecision, { where: { caseId }, order: { decidedAt: 'ASC' } }),
    ]);
    return { caseId, cjStage: c.cjStage, adviceRequests: requests.map((r) => adviceView(r, now)), decisions: decisions.map(decisionView) };
  }

  /**
   * The prosecutor's worklist: open advice requests (by due time) and cases awaiting a charging decision
   * (since the charge was requested, or the further-evidence review date), only on cases shared with the
   * CPS that this prosecutor may act on; keyset-paged so a page never repeats or skips an item.
   */
  async worklist(principal: Principal, purpose: Purpose, o: { cursor?: string; limit?: number }): Promise<CpsWorklistView> {
    const limit = o.limit ?? 50;
    const after = o.cursor ? parseCursor(o.cursor) : null;
    const rows: { kind: CpsWorklistItem['kind']; case_id: string; request_id: string | null; at: Date }[] = await this.dataSource.query(
      `WITH visible AS (
         SELECT DISTINCT r.case_id FROM case_relationship r LEFT JOIN sharing_agreement a ON a.id = r.agreement_id
          WHERE r.agency = 'cps' AND r.kind IN ('AGENCY_SHARE', 'CONSULTATION_PANEL') AND (r.subject IS NULL OR (r.subject = $1 AND r.issuer = $7))
            AND r.valid_from <= now() AND (r.valid_to IS NULL OR r.valid_to > now())
            AND (r.agreement_id IS NULL OR (a.revoked_at IS NULL AND a.valid_from <= now() AND (a.valid_to IS NULL OR a.valid_to > now())))
       ), items AS (
         SELECT 'ADVICE_DUE'::text AS kind, q.case_id, q.id AS request_id, q.due_at AS at
           FROM cps_advice_request q JOIN visible v ON v.case_id = q.case_id
          WHERE q.status = 'REQUESTED'
         UNION ALL
         SELECT 'DECISION_AWAITED'::text, c.id, NULL::uuid,
                GREATEST(t.at, COALESCE((SELECT max(d.review_date)::timestamptz FROM cps_charging_decision d WHERE d.case_id = c.id AND d.decided_at >= t.at), t.at))
           FROM stalking_case c JOIN visible v ON v.case_id = c.id
           CROSS JOIN LATERAL (SELECT max(x.occurred_at) AS at FROM case_transition x WHERE x.case_id = c.id AND x.machine = 'CJ_STAGE' AND x.to_state = 'CHARGE_REQUESTED') t
          WHERE c.cj_stage = 'CHARGE_REQUESTED'
       )
       SELECT kind, case_id, request_id, at FROM items
        WHERE $2::timestamptz IS NULL OR (at, kind, case_id::text, COALESCE(request_id::text, '')) > ($2::timestamptz, $3::text, $4::text, $5::text)
        ORDER BY at, kind, case_id::text, COALESCE(request_id::text, '')
        LIMIT $6`,
      [principal.subject, after?.at ?? null, after?.kind ?? '', after?.caseId ?? '', after?.requestId ?? '', limit + 1, principal.issuer],
    );
    const page = rows.slice(0, limit);
    // The relationship data decides each case exactly as a request on it would (exclusions, purposes).
    const resources = await this.relationships.forPrincipalMany(this.dataSource, page.map((r) => r.case_id), principal);
    const now = this.clock.now();
    const items: CpsWorklistItem[] = page
      .filter((r) => decide(principal, r.kind === 'ADVICE_DUE' ? 'cps.advice.answer' : 'cps.charging.decide', resources.get(r.case_id)!, [], purpose).allow)
      .map((r) => ({ kind: r.kind, caseId: r.case_id, requestId: r.request_id, at: new Date(r.at).toISOString(), overdue: new Date(r.at).getTime() < now.getTime() }));
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last
        ? Buffer.from(JSON.stringify([new Date(last.at).toISOString(), last.kind, last.case_id, last.request_id ?? ''])).toString('base64url')
        : null;
    return { items, nextCursor };
  }

  /** The case is shared with the CPS once, under the police-to-cps agreement (core facts, investigation). */
  private async shareWithCps(m: EntityManager, caseId: string, ctx: RequestContext): Promise<void> {
    const [existing]: unknown[] = await m.query(
      `SELECT 1 FROM case_relationship WHERE case_id = $1 AND agency = 'cps' AND kind = 'AGENCY_SHARE' AND subject IS NULL
          AND (valid_to IS NULL OR valid_to > now())`,
      [caseId],
    );
    if (existing) return;
    const id = await this.relationships.grant(m, {
      caseId,
      kind: 'AGENCY_SHARE',
      agency: 'cps',
      agreementCode: POLICE_TO_CPS,
      createdBy: `${ctx.principal.issuer}#${ctx.principal.subject}`,
    });
    await this.accessLog.append(m, {
      operation: 'alteration',
      action: 'case.relationship.grant',
      principal: ctx.principal,
      recordType: 'case-relationship',
      recordIds: [caseId, id],
      fieldGroups: [],
      purpose: ctx.purpose,
      legalBasis: 'workflow',
      recipients: ['cps'],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}

function parseCursor(raw: string): Cursor {
  try {
    const [at, kind, caseId, requestId] = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as string[];
    if ([at, kind, caseId, requestId].every((x) => typeof x === 'string') && !Number.isNaN(Date.parse(at))) return { at, kind, caseId, requestId };
  } catch {
    // fall through
  }
  throw invalid('cursor', 'cursor is not one this worklist issued');
}
