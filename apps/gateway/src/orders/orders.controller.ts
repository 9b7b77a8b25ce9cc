import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  BreachReported,
  BreachSubmission,
  ConsiderOrderSubmission,
  ExpiryScanRequest,
  ExpiryScanResult,
  NotificationReceivedSubmission,
  ORDERS,
  OrderTransitionSubmission,
  ProtectiveOrderView,
} from '@stac/contracts';
import { IfMatchVersion } from '../edge/if-match';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { checkedIdempotencyKey, ETAG_HEADER, IDEMPOTENCY_HEADER, IF_MATCH_HEADER, POLICE_PURPOSE, uuidPipe, withEtag } from '../edge/http-conventions';

@ApiTags('protective orders')
@Controller('api/v1')
export class OrdersController {
  constructor(private readonly services: ServiceClient) {}

  @Post('cases/:caseId/orders')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Consider a protective order (SPO, interim SPO, restraining order, bail conditions, non-molestation order, licence condition)',
    description: 'Starts the order at CONSIDERED. Exclusion zones are victim.location data: sending them needs that field group.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiCreatedResponse({ type: ProtectiveOrderView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  async consider(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Body() body: ConsiderOrderSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProtectiveOrderView> {
    const o = await this.services.call<ProtectiveOrderView>('intake', ORDERS.consider, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId } });
    return withEtag(reply, o.version, o);
  }

  @Get('cases/:caseId/orders')
  @ApiOperation({ summary: 'Orders of the case with their clocks and breaches', description: 'Exclusion zones only with include=victim.location (and the grant).' })
  @ApiQuery({ name: 'include', required: false, enum: ['victim.location'] })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ProtectiveOrderView, isArray: true })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  list(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Query('include') include: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<ProtectiveOrderView[]> {
    const fieldGroups = include ? include.split(',').map((g) => g.trim()).filter(Boolean).slice(0, 5) : undefined;
    return this.services.call<ProtectiveOrderView[]>('intake', ORDERS.list, { ...ctx, body: { caseId, ...(fieldGroups ? { fieldGroups } : {}) } });
  }

  @Post('cases/:caseId/orders/:orderId/transitions')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an order along its lifecycle',
    description:
      'CONSIDERED -> NOT_PURSUED(reason) | APPLIED -> REFUSED | GRANTED -> SERVED -> ACTIVE -> VARIED | RENEWED | DISCHARGED | EXPIRED. ' +
      'A full SPO lasts at least 2 years (or until further order); serving an SPO starts the 3-day notification clock. Illegal moves are 409.',
  })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ProtectiveOrderView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 422, 428, 429, 503, 504)
  async transition(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('orderId', uuidPipe('orderId')) orderId: string,
    @Body() body: OrderTransitionSubmission,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProtectiveOrderView> {
    const o = await this.services.call<ProtectiveOrderView>('intake', ORDERS.transition, { ...ctx, body: { ...body, caseId, orderId, expectedVersion } });
    return withEtag(reply, o.version, o);
  }

  @Post('cases/:caseId/orders/:orderId/notification')
  @HttpCode(200)
  @ApiOperation({ summary: "Record the SPO holder's notification of name and home address (stops the 3-day clock)" })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ProtectiveOrderView, headers: ETAG_HEADER })
  @ProblemResponses(400, 401, 403, 404, 409, 412, 428, 429, 503, 504)
  async notification(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('orderId', uuidPipe('orderId')) orderId: string,
    @Body() body: NotificationReceivedSubmission,
    @IfMatchVersion() expectedVersion: number,
    @Ctx() ctx: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProtectiveOrderView> {
    const o = await this.services.call<ProtectiveOrderView>('intake', ORDERS.recordNotification, { ...ctx, body: { ...body, caseId, orderId, expectedVersion } });
    return withEtag(reply, o.version, o);
  }

  @Post('cases/:caseId/orders/:orderId/breaches')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Report a breach of an order in force',
    description: 'Adds a BREACH incident to the course of conduct and publishes order.breach-reported and incident.recorded (risk re-assessment, case re-activation).',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(POLICE_PURPOSE)
  @ApiCreatedResponse({ type: BreachReported })
  @ProblemResponses(400, 401, 403, 404, 409, 413, 415, 422, 429, 503, 504)
  breach(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('orderId', uuidPipe('orderId')) orderId: string,
    @Body() body: BreachSubmission,
    @Headers('idempotency-key') key: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<BreachReported> {
    return this.services.call<BreachReported>('intake', ORDERS.reportBreach, { ...ctx, idempotencyKey: checkedIdempotencyKey(key), body: { ...body, caseId, orderId } });
  }

  @Post('orders/expiry-scan')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the order expiry scan',
    description: 'Warns (order.expiring) once per expiry for orders ending within the window and expires lapsed orders (order.ended). Roles: stac-lead, spo-coordinator.',
  })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ExpiryScanResult })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  scan(@Body() body: ExpiryScanRequest, @Ctx() ctx: RequestContext): Promise<ExpiryScanResult> {
    return this.services.call<ExpiryScanResult>('intake', ORDERS.scanExpiring, { ...ctx, body: body ?? {} });
  }
}
