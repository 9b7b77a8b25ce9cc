import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { uuidPipe } from '../edge/http-conventions';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ProblemResponses } from '../edge/problem-responses';
import { CaseViewService, type CaseView } from './case-view.service';

@ApiTags('cases')
@Controller('api/v1/cases')
export class CasesController {
  constructor(private readonly caseView: CaseViewService) {}

  @Get(':caseId')
  @ApiOperation({
    summary: 'The unified case view',
    description:
      "Intake's case with each agency's part (risk screening task, advocacy offer, mental-health and probation checks); " +
      'each part says whether it is available, still pending, or unavailable right now.',
  })
  @ApiOkResponse({ description: 'The case view' })
  @ApiHeader({ name: 'X-Purpose-Of-Use', required: true, description: 'investigation | safeguarding | care | risk-management' })
  @ApiQuery({ name: 'include', required: false, description: 'Field groups wanted beyond core facts, comma separated (each needs its own grant)' })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  get(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Query('include') include: string | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<CaseView> {
    const fieldGroups = include ? include.split(',').map((g) => g.trim()).filter(Boolean).slice(0, 10) : undefined;
    return this.caseView.compose(caseId, fieldGroups, ctx);
  }
}
