import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CREATE_REFERRAL, ReferralAccepted, ReferralSubmission } from '@stac/contracts';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ProblemResponses } from '../edge/problem-responses';
import { checkedIdempotencyKey } from '../edge/http-conventions';
import { ServiceClient } from '../edge/service-client';


@ApiTags('referrals')
@Controller('api/v1/referrals')
export class ReferralsController {
  constructor(private readonly services: ServiceClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Refer a stalking crime to S-TAC',
    description:
      'Creates the case, its people and first incidents, and tells risk-assessment, advocacy, mental-health and probation. ' +
      'A second referral of the same crime reference returns the existing case (200).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: same key and body replay the first answer' })
  @ApiCreatedResponse({ type: ReferralAccepted })
  @ApiOkResponse({ type: ReferralAccepted, description: 'Already referred: the existing case' })
  @ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding' })
  @ProblemResponses(400, 401, 403, 413, 415, 422, 429, 503, 504)
  async create(
    @Body() submission: ReferralSubmission,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReferralAccepted> {
    checkedIdempotencyKey(idempotencyKey);
    const accepted = await this.services.call<ReferralAccepted>('intake', CREATE_REFERRAL, {
      ...ctx,
      idempotencyKey,
      body: submission,
    });
    void reply.header('location', `/api/v1/cases/${accepted.caseId}`);
    if (!accepted.created) void reply.status(200);
    return accepted;
  }
}
