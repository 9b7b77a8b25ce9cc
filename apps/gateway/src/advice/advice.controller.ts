import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ADVICE, AdviceDocument, AdviceIssueSubmission, AdviceItemResolution, AdviceItemView } from '@stac/contracts';
import { IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { checkedIdempotencyKey, ETAG_HEADER, IDEMPOTENCY_HEADER, IF_MATCH_HEADER, POLICE_PURPOSE, uuidPipe, withEtag } from '../edge/http-conventions';

@ApiTags('advice')
@Controller('api/v1/cases/:caseId')
export class AdviceController {
  constructor(private readonly services: ServiceClient) {}

  @Post('advice')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Issue S-TAC advice to the case officer (H3)',
    description:
      'A versioned document of coded checklist items (classification, digital enquiries, arrest strategy, bail not RUI, SPO, early CPS advice, ' +
      'restraining order, ISAC, MARAC when domestic, no PINs, third parties), each with a due date. A re-issue supersedes the previous document. ' +
      'Stops the screening clock; a TRIAGED case becomes ACTIVE.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiCreatedResponse({ type: AdviceDocument, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async issue(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: AdviceIssueSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdviceDocument> {
    const d = await this.services.call<AdviceDocument>('intake', ADVICE.issue, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId } });
    void reply.header('location', `/api/v1/cases/${caseId}/advice`);
    return withEtag(reply, d.version, d);
  }

  @Get('advice')
  @ApiOperation({ summary: 'Every advice document of the case, newest first, with item status and due dates' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: AdviceDocument, isArray: true })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  list(@Param('caseId', uuidPipe('caseId')) caseId: string, @Ctx() ctx: RequestContext): Promise<AdviceDocument[]> {
    return this.services.call<AdviceDocument[]>('intake', ADVICE.get, { ...ctx, body: { caseId } });
  }

  @Post('advice/:adviceId/acknowledgement')
  @HttpCode(200)
  @ApiOperation({ summary: 'The case officer acknowledges the advice', description: 'Needs If-Match with the advice ETag.' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: AdviceDocument, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async acknowledge(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('adviceId', uuidPipe('adviceId')) adviceId: string,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdviceDocument> {
    const d = await this.services.call<AdviceDocument>('intake', ADVICE.acknowledge, { ...ctx, body: { caseId, adviceId, expectedVersion } });
    return withEtag(reply, d.version, d);
  }

  @Post('advice-items/:itemId/resolution')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resolve one advice item DONE | ACCEPTED | DECLINED',
    description:
      "DECLINED needs a rationale; CONSIDER_SPO needs its decision recorded either way; BAIL_WITH_CONDITIONS_NOT_RUI needs the victim's views sought. " +
      'Needs If-Match with the item ETag (its `version`).',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: AdviceItemView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 413, 415, 428, 429, 503, 504)
  async resolve(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('itemId', uuidPipe('itemId')) itemId: string,
    @Body() body: AdviceItemResolution,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AdviceItemView> {
    const i = await this.services.call<AdviceItemView>('intake', ADVICE.resolveItem, { ...ctx, body: { ...body, caseId, itemId, expectedVersion } });
    return withEtag(reply, i.version, i);
  }
}
