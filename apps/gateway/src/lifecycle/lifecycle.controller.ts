import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseLifecycleView, CjStageChangeSubmission, CloseCaseSubmission, LIFECYCLE, StatusTransitionSubmission } from '@stac/contracts';
import { IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { ETAG_HEADER, IF_MATCH_HEADER, POLICE_PURPOSE, uuidPipe, withEtag } from '../edge/http-conventions';

@ApiTags('case lifecycle')
@Controller('api/v1/cases/:caseId')
export class LifecycleController {
  constructor(private readonly services: ServiceClient) {}

  @Get('lifecycle')
  @ApiOperation({ summary: 'Lifecycle status, criminal-justice stage and the history of both', description: 'The ETag is the case version used by If-Match.' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: CaseLifecycleView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async get(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseLifecycleView> {
    const v = await this.services.call<CaseLifecycleView>('intake', LIFECYCLE.get, { ...ctx, body: { caseId } });
    return withEtag(reply, v.version, v);
  }

  @Post('status-transitions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the case lifecycle',
    description:
      'REFERRED -> SCREENING -> TRIAGED -> ACTIVE -> MONITORING -> CLOSED, REOPENED. An illegal move is 409 problem+json naming both states. ' +
      'Screening and triage have their own commands; closing has /closure.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: CaseLifecycleView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async transition(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: StatusTransitionSubmission,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseLifecycleView> {
    const v = await this.services.call<CaseLifecycleView>('intake', LIFECYCLE.transition, { ...ctx, body: { ...body, caseId, expectedVersion } });
    return withEtag(reply, v.version, v);
  }

  @Post('closure')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Close the case with a reason (D15)',
    description: 'Refused (409 order-active) while a protective order is active or pending. A new incident or breach re-opens the case.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: CaseLifecycleView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async close(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: CloseCaseSubmission,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseLifecycleView> {
    const v = await this.services.call<CaseLifecycleView>('intake', LIFECYCLE.close, { ...ctx, body: { ...body, caseId, expectedVersion } });
    return withEtag(reply, v.version, v);
  }

  @Post('cj-stage-transitions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the criminal-justice stage',
    description:
      'PRE_ARREST -> ARRESTED -> BAILED|RUI|REMANDED|NFA -> CHARGE_REQUESTED -> CHARGED|NFA_CPS -> AT_COURT -> CONVICTED|ACQUITTED|DISCONTINUED -> SENTENCED. ' +
      'RUI, NFA, NFA_CPS and DISCONTINUED need a reason.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: CaseLifecycleView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async changeCjStage(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: CjStageChangeSubmission,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseLifecycleView> {
    const v = await this.services.call<CaseLifecycleView>('intake', LIFECYCLE.changeCjStage, { ...ctx, body: { ...body, caseId, expectedVersion } });
    return withEtag(reply, v.version, v);
  }
}
