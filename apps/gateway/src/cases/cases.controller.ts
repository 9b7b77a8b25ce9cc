import { Controller, Get, HttpException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { problem } from '@stac/runtime';
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
  @ProblemResponses(400, 404, 503, 504)
  get(
    @Param(
      'caseId',
      new ParseUUIDPipe({
        exceptionFactory: () => new HttpException(problem(400, 'invalid-id', 'caseId must be a UUID'), 400),
      }),
    )
    caseId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CaseView> {
    return this.caseView.compose(caseId, ctx);
  }
}
