import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SCREENING, ScreeningRecorded, ScreeningSubmission, ScreeningView, TRIAGE, TriageRecorded, TriageSubmission } from '@stac/contracts';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { checkedIdempotencyKey, ETAG_HEADER, IDEMPOTENCY_HEADER, POLICE_PURPOSE, uuidPipe, withEtag } from '../edge/http-conventions';

@ApiTags('screening and triage')
@Controller('api/v1/cases/:caseId')
export class ScreeningController {
  constructor(private readonly services: ServiceClient) {}

  @Post('screenings')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record the FOUR-test screening (D1)',
    description:
      'Fixated, Obsessive, Unwanted, Repeated — each yes/no with a note — and the offence classification. Classified as harassment (S2/S4), ' +
      'the not-stalking rationale is required. Moves the case to SCREENING. Roles: stac-screener, stac-lead.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiCreatedResponse({ type: ScreeningRecorded, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async screen(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: ScreeningSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScreeningRecorded> {
    const r = await this.services.call<ScreeningRecorded>('intake', SCREENING.record, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId } });
    return withEtag(reply, r.caseVersion, r);
  }

  @Post('triage-decisions')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record the triage decision (D3)',
    description: 'ADVICE_ONLY, ADVICE_AND_MONITOR or CONSULTATION with coded reasons. The case must be SCREENING; it becomes TRIAGED.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiCreatedResponse({ type: TriageRecorded, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async triage(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: TriageSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TriageRecorded> {
    const r = await this.services.call<TriageRecorded>('intake', TRIAGE.decide, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId } });
    return withEtag(reply, r.caseVersion, r);
  }

  @Get('screening')
  @ApiOperation({ summary: 'Screenings, triage decisions and the screening clock of a case' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ScreeningView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async view(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScreeningView> {
    const v = await this.services.call<ScreeningView>('intake', SCREENING.get, { ...ctx, body: { caseId } });
    return withEtag(reply, v.caseVersion, v);
  }
}
