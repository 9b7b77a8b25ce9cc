import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccessLog, CASE_NOT_FOUND, CaseRelationships, decide } from '@stac/auth';
import { problem, ProblemException, type ReferralAccepted, type ReferralSubmission } from '@stac/contracts';
import { rpcProblem, type RequestContext } from '@stac/runtime';
import { StalkingCase } from '../cases/stalking-case.entity';
import { OrdersService } from '../orders/orders.service';

/**
 * The breach fast path (domain.md §3 step 1, §6.7): a referral with source ORDER_BREACH names an
 * existing case and its order. No case is opened; the breach is recorded on the order like any reported
 * breach, so `order.breach-reported` and a BREACH `incident.recorded` go out in one transaction — the
 * lifecycle re-opens a closed case (or moves a monitored one back to ACTIVE) and risk-assessment opens
 * the BREACH re-assessment from them.
 */
@Injectable()
export class BreachReferrals {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly relationships: CaseRelationships,
    private readonly accessLog: AccessLog,
  ) {}

  /** The referral route's handler: resolve the case, decide on it, record the breach. */
  async referBreach(s: ReferralSubmission, ctx: RequestContext): Promise<ReferralAccepted> {
    const caseId = await this.resolveCase(s);
    return this.refer(s, caseId, await this.authorizeOnCase(caseId, ctx));
  }

  /**
   * The referral was decided without a case (anyone who may refer); a breach also needs `order.manage`
   * on the case it names, decided from the caller's relationships to that case like every case-scoped
   * request: a case they may not see is the same 404 as a missing one, and a denial is logged.
   */
  private async authorizeOnCase(caseId: string, ctx: RequestContext): Promise<RequestContext> {
    const action = 'order.manage';
    const resource = await this.relationships.forPrincipal(this.dataSource, caseId, ctx.principal);
    const decision = decide(ctx.principal, action, resource, [], ctx.purpose);
    if (!decision.allow) {
      await this.accessLog.record(this.dataSource, {
        operation: 'collection',
        action,
        principal: ctx.principal,
        recordType: 'protective-order',
        recordIds: [caseId],
        fieldGroups: [],
        purpose: ctx.purpose,
        recipients: [ctx.principal.agency],
        decision,
        correlationId: ctx.correlationId,
      });
      if (decision.status === 404) throw new ProblemException(CASE_NOT_FOUND);
      throw new ProblemException(problem(403, 'forbidden', 'You may not perform this action'));
    }
    // The same request, now decided on the case it names (no field groups: a breach reads none).
    return { ...ctx, decision, fieldGroups: [] };
  }

  /**
   * The case a breach referral names, by id or crime reference (both must match when both are given).
   * None: the same 404 as a case the caller may not see.
   */
  async resolveCase(s: ReferralSubmission): Promise<string> {
    if (!s.caseId && !s.crimeReference) throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
      errors: [{ field: 'caseId', message: 'an ORDER_BREACH referral names its case by caseId or crimeReference' }],
    });
    const c = await this.dataSource.manager.findOne(StalkingCase, {
      where: { ...(s.caseId ? { id: s.caseId } : {}), ...(s.crimeReference ? { crimeReference: s.crimeReference } : {}) },
      select: { id: true },
    });
    if (!c) throw new ProblemException(CASE_NOT_FOUND);
    return c.id;
  }

  /** Records the breach on the case's order (authorised for `order.manage` on that case by the caller). */
  async refer(s: ReferralSubmission, caseId: string, ctx: RequestContext): Promise<ReferralAccepted> {
    if (s.incidents.length !== 1) {
      throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
        errors: [{ field: 'incidents', message: 'an ORDER_BREACH referral reports one breach: exactly one incident' }],
      });
    }
    const [incident] = s.incidents;
    const breach = await this.orders.reportBreach(
      { caseId, orderId: s.orderId!, occurredAt: incident.occurredAt, behaviours: incident.behaviours },
      ctx,
    );
    const c = await this.dataSource.manager.findOneOrFail(StalkingCase, { where: { id: caseId } });
    return { caseId, status: c.status, referredAt: c.referredAt.toISOString(), created: false, breach };
  }
}
