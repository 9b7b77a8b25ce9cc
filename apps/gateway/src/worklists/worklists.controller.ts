import { Controller, Get, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LeadWorklist, MyCasesWorklist, ScreeningWorklist, WORKLISTS } from '@stac/contracts';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { limitOf, POLICE_PURPOSE } from '../edge/http-conventions';

@ApiTags('worklists')
@Controller('api/v1/worklists')
export class WorklistsController {
  constructor(private readonly services: ServiceClient) {}

  @Get('screening')
  @ApiOperation({ summary: "Screeners' worklist: cases awaiting screening/triage/advice, and those past the 1-working-day target" })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: ScreeningWorklist })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  screening(@Query('limit') limit: string | undefined, @Ctx() ctx: RequestContext): Promise<ScreeningWorklist> {
    return this.services.call<ScreeningWorklist>('intake', WORKLISTS.screening, { ...ctx, body: { limit: limitOf(limit) } });
  }

  @Get('leads')
  @ApiOperation({ summary: "Leads' worklist: overdue screening and advice items, expiring orders, overdue SPO notifications and consultation actions" })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: LeadWorklist })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  leads(@Query('limit') limit: string | undefined, @Ctx() ctx: RequestContext): Promise<LeadWorklist> {
    return this.services.call<LeadWorklist>('intake', WORKLISTS.leads, { ...ctx, body: { limit: limitOf(limit) } });
  }

  @Get('my-cases')
  @ApiOperation({ summary: "Case officer's worklist: the open cases assigned to me, with open and overdue advice items" })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  @ApiHeader(POLICE_PURPOSE)
  @ApiOkResponse({ type: MyCasesWorklist })
  @ProblemResponses(400, 401, 403, 429, 503, 504)
  myCases(@Query('limit') limit: string | undefined, @Ctx() ctx: RequestContext): Promise<MyCasesWorklist> {
    return this.services.call<MyCasesWorklist>('intake', WORKLISTS.myCases, { ...ctx, body: { limit: limitOf(limit) } });
  }
}
