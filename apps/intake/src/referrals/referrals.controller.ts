import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CREATE_REFERRAL, ReferralSubmission, type ReferralAccepted, type RpcRequest } from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { ReferralsService } from './referrals.service';

@Controller()
export class ReferralsController {
  constructor(
    private readonly referrals: ReferralsService,
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
    return this.referrals.refer(submission, {
      principal,
      purpose,
      correlationId: req.correlationId,
      traceparent: req.traceparent,
      idempotencyKey: req.idempotencyKey,
    });
  }
}
