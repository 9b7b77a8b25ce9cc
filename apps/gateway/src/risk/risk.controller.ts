import { Body, Controller, Get, Headers, HttpCode, HttpException, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  CREATE_RISK_ASSESSMENT,
  GET_RISK_ASSESSMENT,
  GET_RISK_SUMMARY,
  GET_RISK_WORKLIST,
  InstrumentDefinitionView,
  LIST_RISK_ASSESSMENTS,
  LIST_RISK_INSTRUMENTS,
  LIST_RISK_LEVEL_HISTORY,
  LIST_RISK_TASKS,
  REVIEW_RISK_ASSESSMENT,
  RiskAssessmentChanges,
  RiskAssessmentDraft,
  RiskAssessmentView,
  RiskLevelHistoryView,
  RiskSummaryView,
  RiskTaskView,
  RiskWorklistView,
  ReviewSubmission,
  SUBMIT_RISK_ASSESSMENT,
  UPDATE_RISK_ASSESSMENT,
} from '@stac/contracts';
import { RISK_INSTRUMENTS } from '@stac/domain';
import { problem } from '@stac/runtime';
import { etagOf, IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { checkedIdempotencyKey, uuidPipe } from '../edge/http-conventions';
import { ServiceClient } from '../edge/service-client';

const SERVICE = 'risk-assessment';
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;


function fieldGroupsOf(include: string | undefined): string[] | undefined {
  return include ? include.split(',').map((g) => g.trim()).filter(Boolean).slice(0, 10) : undefined;
}

const PURPOSE = { name: 'X-Purpose-Of-Use', required: true, description: 'safeguarding | risk-management | investigation | care' };

@ApiTags('risk')
@Controller('api/v1')
export class RiskController {
  constructor(private readonly services: ServiceClient) {}

  @Get('risk/instruments')
  @ApiOperation({
    summary: 'Risk instrument definitions',
    description: 'Versioned definitions: the S-DASH questions (paraphrased, with attribution and when to use), DASH tick count, and judgement-only records for licensed instruments (SASH, SRP).',
  })
  @ApiQuery({ name: 'code', required: false, enum: RISK_INSTRUMENTS })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: InstrumentDefinitionView, isArray: true })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  instruments(@Query('code') code: string | undefined, @Ctx() ctx: RequestContext): Promise<InstrumentDefinitionView[]> {
    return this.services.call(SERVICE, LIST_RISK_INSTRUMENTS, { ...ctx, body: code === undefined ? {} : { code } });
  }

  @Post('cases/:caseId/risk-assessments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start a risk assessment (draft)',
    description: "The level is set by the assessor's professional judgement; the yes-count is shown as information only.",
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe key: same key and body replay the first answer' })
  @ApiHeader(PURPOSE)
  @ApiCreatedResponse({ type: RiskAssessmentView, headers: { ETag: { description: 'Version for If-Match' } } })
  @ProblemResponses(400, 401, 403, 404, 413, 415, 422, 429, 503, 504)
  async create(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() draft: RiskAssessmentDraft,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RiskAssessmentView> {
    checkedIdempotencyKey(idempotencyKey);
    const view = await this.services.call<RiskAssessmentView>(SERVICE, CREATE_RISK_ASSESSMENT, {
      ...ctx,
      idempotencyKey,
      body: { caseId, assessment: draft },
    });
    void reply.header('location', `/api/v1/cases/${caseId}/risk-assessments/${view.assessmentId}`).header('etag', etagOf(view.version));
    return view;
  }

  @Get('cases/:caseId/risk-assessments')
  @ApiOperation({ summary: "The caller's agency's risk assessments of a case" })
  @ApiQuery({ name: 'include', required: false, description: 'risk.rationale to include rationale and formulation (needs its own grant)' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskAssessmentView, isArray: true })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  list(@Param('caseId', uuidPipe('caseId')) caseId: string, @Query('include') include: string | undefined, @Ctx() ctx: RequestContext) {
    const fieldGroups = fieldGroupsOf(include);
    return this.services.call<RiskAssessmentView[]>(SERVICE, LIST_RISK_ASSESSMENTS, { ...ctx, body: { caseId, ...(fieldGroups ? { fieldGroups } : {}) } });
  }

  @Get('cases/:caseId/risk-assessments/:assessmentId')
  @ApiOperation({ summary: 'One risk assessment' })
  @ApiQuery({ name: 'include', required: false, description: 'risk.rationale to include rationale and formulation (needs its own grant)' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskAssessmentView })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async get(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('assessmentId', uuidPipe('assessmentId')) assessmentId: string,
    @Query('include') include: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RiskAssessmentView> {
    const fieldGroups = fieldGroupsOf(include);
    const view = await this.services.call<RiskAssessmentView>(SERVICE, GET_RISK_ASSESSMENT, {
      ...ctx,
      body: { caseId, assessmentId, ...(fieldGroups ? { fieldGroups } : {}) },
    });
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Patch('cases/:caseId/risk-assessments/:assessmentId')
  @ApiOperation({ summary: 'Change a draft risk assessment', description: 'Needs If-Match with the current ETag; only DRAFT assessments change.' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskAssessmentView })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async update(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('assessmentId', uuidPipe('assessmentId')) assessmentId: string,
    @Body() changes: RiskAssessmentChanges,
    @IfMatchVersion() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RiskAssessmentView> {
    const view = await this.services.call<RiskAssessmentView>(SERVICE, UPDATE_RISK_ASSESSMENT, {
      ...ctx,
      body: { caseId, assessmentId, expectedVersion: version, changes },
    });
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post('cases/:caseId/risk-assessments/:assessmentId/submit')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit a draft',
    description: 'Becomes CURRENT (superseding the previous one for the subject) unless a second-person review was asked for. Needs If-Match.',
  })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskAssessmentView })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 422, 428, 429, 503, 504)
  async submit(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('assessmentId', uuidPipe('assessmentId')) assessmentId: string,
    @IfMatchVersion() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RiskAssessmentView> {
    const view = await this.services.call<RiskAssessmentView>(SERVICE, SUBMIT_RISK_ASSESSMENT, {
      ...ctx,
      body: { caseId, assessmentId, expectedVersion: version },
    });
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Post('cases/:caseId/risk-assessments/:assessmentId/review')
  @HttpCode(200)
  @ApiOperation({ summary: 'Second-person review of a submitted assessment', description: 'APPROVE makes it current; RETURN sends it back to draft. Needs If-Match.' })
  @ApiHeader({ name: 'If-Match', required: true })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskAssessmentView })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async review(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('assessmentId', uuidPipe('assessmentId')) assessmentId: string,
    @Body() review: ReviewSubmission,
    @IfMatchVersion() version: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RiskAssessmentView> {
    const view = await this.services.call<RiskAssessmentView>(SERVICE, REVIEW_RISK_ASSESSMENT, {
      ...ctx,
      body: { caseId, assessmentId, expectedVersion: version, review },
    });
    void reply.header('etag', etagOf(view.version));
    return view;
  }

  @Get('cases/:caseId/risk-summary')
  @ApiOperation({
    summary: 'The shareable risk summary of a case',
    description: 'Current level, domain levels, stalker type where shared, who assessed (agency/role), valid until and next review. With ?at= the summary as it stood then.',
  })
  @ApiQuery({ name: 'at', required: false, description: 'ISO date or instant: reconstruct the summary at that time' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskSummaryView })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  summary(@Param('caseId', uuidPipe('caseId')) caseId: string, @Query('at') at: string | undefined, @Ctx() ctx: RequestContext) {
    if (at !== undefined && (!ISO_INSTANT.test(at) || Number.isNaN(Date.parse(at)))) {
      throw new HttpException(problem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'at', message: 'at must be an ISO 8601 date or instant' }] }), 400);
    }
    const instant = at === undefined ? undefined : new Date(at).toISOString();
    return this.services.call<RiskSummaryView>(SERVICE, GET_RISK_SUMMARY, { ...ctx, body: { caseId, ...(instant ? { at: instant } : {}) } });
  }

  @Get('cases/:caseId/risk-summary/history')
  @ApiOperation({ summary: 'History of risk level changes of a case' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskLevelHistoryView })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  history(@Param('caseId', uuidPipe('caseId')) caseId: string, @Ctx() ctx: RequestContext) {
    return this.services.call<RiskLevelHistoryView>(SERVICE, LIST_RISK_LEVEL_HISTORY, { ...ctx, body: { caseId } });
  }

  @Get('cases/:caseId/risk-tasks')
  @ApiOperation({ summary: 'Screening and re-assessment tasks of a case, with their triggering reasons' })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskTaskView, isArray: true })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  tasks(@Param('caseId', uuidPipe('caseId')) caseId: string, @Ctx() ctx: RequestContext) {
    return this.services.call<RiskTaskView[]>(SERVICE, LIST_RISK_TASKS, { ...ctx, body: { caseId } });
  }

  @Get('risk/worklist')
  @ApiOperation({ summary: "The caller's agency's overdue risk reviews and open screening / re-assessment tasks" })
  @ApiHeader(PURPOSE)
  @ApiOkResponse({ type: RiskWorklistView })
  @ProblemResponses(401, 403, 429, 503, 504)
  worklist(@Ctx() ctx: RequestContext) {
    return this.services.call<RiskWorklistView>(SERVICE, GET_RISK_WORKLIST, { ...ctx, body: {} });
  }
}
