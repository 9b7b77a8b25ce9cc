import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CREATE_REFERRAL, ReferralSubmission, type ReferralAccepted, type RpcRequest } from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody, rpcProblem } from '@stac/runtime';
import { workflowContext } from '../lifecycle/case-workflow';
import { BreachReferrals } from './breach-referrals.service';
import { ReferralsService } from './referrals.service';

@Controller()
export class ReferralsController {
  constructor(
    private readonly referrals: ReferralsService,
    private readonly breaches: BreachReferrals,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(CREATE_REFERRAL)
  async create(@Payload() req: RpcRequest<unknown>): Promise<ReferralAccepted> {
    const { principal, purpose } = await this.access.authorize(req, {
      action: 'referral.create',
      recordType: 'case',
      operation: 'collection',
    });
    const submission = await parseRpcBody(ReferralSubmission, req.body);
    // A breach on an existing case: the fast path onto that case and order, as one who may manage its orders.
    if (submission.source === 'ORDER_BREACH') {
      const caseId = await this.breaches.resolveCase(submission);
      const granted = await this.access.authorize(req, { action: 'order.manage', caseId, recordType: 'protective-order', operation: 'collection' });
      return this.breaches.refer(submission, caseId, workflowContext(granted, req));
    }
    if (submission.advocacyOverrideBasis && submission.advocacyReferral !== 'LAWFUL_OVERRIDE') {
      throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
        errors: [{ field: 'advocacyOverrideBasis', message: 'advocacyOverrideBasis is only for a LAWFUL_OVERRIDE advocacy referral' }],
      });
    }
    // Referring without consent is a decision of its own, with its own permission (AC-05).
    if (submission.advocacyReferral === 'LAWFUL_OVERRIDE') {
      await this.access.authorize(req, { action: 'referral.consent-override', recordType: 'case', operation: 'disclosure' });
    }
    return this.referrals.refer(submission, {
      principal,
      purpose,
      correlationId: req.correlationId,
      traceparent: req.traceparent,
      idempotencyKey: req.idempotencyKey,
    });
  }
}
