import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiProperty, ApiTags, OmitType } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import {
  END_CASE_RELATIONSHIP,
  EXCLUDE_FROM_CASE,
  ExclusionRequest,
  GRANT_CASE_RELATIONSHIP,
  IsPlainText,
  OPEN_BREAK_GLASS,
  RelationshipGrantRequest,
  type RelationshipGranted,
} from '@stac/contracts';
import { ProblemResponses } from '../edge/problem-responses';
import { Ctx, type RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';
import { uuidPipe } from '../edge/http-conventions';

class RelationshipGrantBody extends OmitType(RelationshipGrantRequest, ['caseId'] as const) {}
class ExclusionBody extends OmitType(ExclusionRequest, ['caseId'] as const) {}
class BreakGlassBody {
  @ApiProperty({ minLength: 20, maxLength: 1000 })
  @IsString()
  @Length(20, 1000)
  @IsPlainText()
  justification: string;
}

@ApiTags('case access')
@ApiHeader({ name: 'X-Purpose-Of-Use', required: true })
@Controller('api/v1/cases/:caseId')
export class CaseAccessController {
  constructor(private readonly services: ServiceClient) {}

  @Post('relationships')
  @ApiOperation({ summary: 'Assign a user to the case or add them to the consultation panel (AC-02)' })
  @ApiCreatedResponse({ description: 'The relationship id' })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  grant(@Param('caseId', uuidPipe('caseId')) caseId: string, @Body() body: RelationshipGrantBody, @Ctx() ctx: RequestContext) {
    return this.services.call<RelationshipGranted>('intake', GRANT_CASE_RELATIONSHIP, { ...ctx, body: { ...body, caseId } });
  }

  @Delete('relationships/:relationshipId')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a relationship now; its holder is denied on the next request (AC-12)' })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  async end(
    @Param('caseId', uuidPipe('caseId')) caseId: string,
    @Param('relationshipId', uuidPipe('relationshipId')) relationshipId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<void> {
    await this.services.call('intake', END_CASE_RELATIONSHIP, { ...ctx, body: { caseId, relationshipId } });
  }

  @Post('exclusions')
  @ApiOperation({ summary: 'Exclude a user from the case (conflict of interest); overrides every grant (AC-07)' })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  exclude(@Param('caseId', uuidPipe('caseId')) caseId: string, @Body() body: ExclusionBody, @Ctx() ctx: RequestContext) {
    return this.services.call<{ exclusionId: string }>('intake', EXCLUDE_FROM_CASE, { ...ctx, body: { ...body, caseId } });
  }

  @Post('break-glass')
  @ApiOperation({
    summary: 'Open emergency read-only access for 30 minutes (AC-06)',
    description: "Needs a justification; alerts the owning agency's DPO and creates a review task. Never bypasses an exclusion.",
  })
  @ProblemResponses(400, 401, 403, 404, 429, 503, 504)
  breakGlass(@Param('caseId', uuidPipe('caseId')) caseId: string, @Body() body: BreakGlassBody, @Ctx() ctx: RequestContext) {
    return this.services.call<RelationshipGranted>('intake', OPEN_BREAK_GLASS, { ...ctx, body: { ...body, caseId } });
  }
}
