import { Body, Controller, Get, Headers, HttpCode, HttpException, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseTimeline, INCIDENTS, IncidentRecorded, RecordIncident } from '@stac/contracts';
import { problem } from '@stac/runtime';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { checkedIdempotencyKey, uuidPipe } from '../edge/http-conventions';
import { ServiceClient } from '../edge/service-client';



/** The course of conduct of a case (intake): new incidents and the timeline with its signals. */
@ApiTags('incidents')
@Controller('api/v1/cases/:caseId')
export class IncidentsController {
  constructor(private readonly services: ServiceClient) {}

  @Post('incidents')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a new incident on a case',
    description:
      'When it happened and the behaviour codes (s2A(3) list plus threats, violence, cyber, third-party contact, breach). ' +
      'Publishes intake.incident.recorded.v1 (a BREACH re-triggers risk review). Answers with the course-of-conduct signals after it.',
  })
  @ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: same key and body replay the first answer' })
  @ApiCreatedResponse({ type: IncidentRecorded })
  @ProblemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504)
  async record(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: RecordIncident,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IncidentRecorded> {
    checkedIdempotencyKey(idempotencyKey);
    const recorded = await this.services.call<IncidentRecorded>('intake', INCIDENTS.record, { ...ctx, idempotencyKey, body: { ...body, caseId } });
    void reply.header('location', `/api/v1/cases/${caseId}/timeline`);
    return recorded;
  }

  @Get('timeline')
  @ApiOperation({
    summary: 'The course of conduct of a case',
    description:
      'Incidents newest first, cursor-paginated (pass nextCursor as ?cursor=), with signals derived from the whole course of conduct: ' +
      'ESCALATING_FREQUENCY (last 14 days against the 14 before), NEW_BEHAVIOUR, ONLINE_TO_PHYSICAL, THREATS_AFTER_ORDER — each explained in words and codes.',
  })
  @ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding | care | risk-management' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-100, default 20' })
  @ApiOkResponse({ type: CaseTimeline })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  timeline(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<CaseTimeline> {
    if (limit !== undefined && !/^(100|[1-9][0-9]?)$/.test(limit)) {
      throw new HttpException(
        problem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'limit', message: 'limit must be an integer from 1 to 100' }] }),
        400,
      );
    }
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw new HttpException(problem(400, 'invalid-cursor', 'cursor must be the nextCursor of a previous page'), 400);
    }
    return this.services.call<CaseTimeline>('intake', INCIDENTS.timeline, {
      ...ctx,
      body: { caseId, ...(cursor !== undefined ? { cursor } : {}), ...(limit !== undefined ? { limit: Number(limit) } : {}) },
    });
  }
}
