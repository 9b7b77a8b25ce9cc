import { Body, Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ConsultationActionSubmission,
  ConsultationActionView,
  ConsultationDecisionSubmission,
  CONSULTATIONS,
  ConsultationView,
  ScheduleConsultationSubmission,
} from '@stac/contracts';
import { IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { checkedIdempotencyKey, ETAG_HEADER, IDEMPOTENCY_HEADER, IF_MATCH_HEADER, uuidPipe, withEtag } from '../edge/http-conventions';

const PURPOSE = { name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding (reads: also care | risk-management)' };

@ApiTags('consultations')
@Controller('api/v1/cases/:caseId')
export class ConsultationsController {
  constructor(private readonly services: ServiceClient) {}

  @Post('consultations')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Schedule a multi-agency consultation',
    description: 'Each attending agency (or named attendee) is granted a CONSULTATION_PANEL relationship to the case. At least two agencies. Role: stac-lead.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PURPOSE)
  @ApiCreatedResponse({ type: ConsultationView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async schedule(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: ScheduleConsultationSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsultationView> {
    const c = await this.services.call<ConsultationView>('intake', CONSULTATIONS.schedule, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId } });
    return withEtag(reply, c.version, c);
  }

  @Get('consultations')
  @ApiOperation({ summary: 'Consultations of the case: panel, decisions, actions (panel members of any agency may read)' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: ConsultationView, isArray: true })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  list(@Param('caseId', uuidPipe('caseId')) caseId: string, @Ctx() ctx: RequestContext): Promise<ConsultationView[]> {
    return this.services.call<ConsultationView[]>('intake', CONSULTATIONS.list, { ...ctx, body: { caseId } });
  }

  @Post('consultations/:consultationId/decisions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a coded consultation decision (formulation, risk plan, mental-health route, SPO, MARAC...)' })
  @ApiHeader(PURPOSE)
  @ApiCreatedResponse({ type: ConsultationView })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 429, 503, 504)
  decide(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('consultationId', uuidPipe('consultationId')) consultationId: string,
    @Body() body: ConsultationDecisionSubmission,
    @Ctx() ctx: RequestContext,
  ): Promise<ConsultationView> {
    return this.services.call<ConsultationView>('intake', CONSULTATIONS.recordDecision, { ...ctx, body: { ...body, caseId, consultationId } });
  }

  @Post('consultations/:consultationId/actions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Assign an action with an owner agency and a due date' })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PURPOSE)
  @ApiCreatedResponse({ type: ConsultationActionView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async assign(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('consultationId', uuidPipe('consultationId')) consultationId: string,
    @Body() body: ConsultationActionSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsultationActionView> {
    const a = await this.services.call<ConsultationActionView>('intake', CONSULTATIONS.assignAction, {
      ...ctx,
      idempotencyKey: checkedIdempotencyKey(key),
      body: { ...body, caseId, consultationId },
    });
    return withEtag(reply, a.version, a);
  }

  @Post('consultation-actions/:actionId/completion')
  @HttpCode(200)
  @ApiOperation({ summary: 'The owner agency completes its action', description: 'Needs If-Match with the action ETag.' })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: ConsultationActionView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async complete(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('actionId', uuidPipe('actionId')) actionId: string,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ConsultationActionView> {
    const a = await this.services.call<ConsultationActionView>('intake', CONSULTATIONS.completeAction, { ...ctx, body: { caseId, actionId, expectedVersion } });
    return withEtag(reply, a.version, a);
  }
}
