import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GetRiskLevelHistory, GetRiskSummary, type RiskSummaryRequest } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { RiskSummaryService } from './risk-summary.service';

@Controller()
export class RiskSummaryController {
  constructor(
    private readonly summaries: RiskSummaryService,
    private readonly dataSource: DataSource,
  ) {}

  /** The shareable summary, now or at a past instant (`at`). Partner agencies read it under their agreement. */
  @Handles(GetRiskSummary)
  get(body: RiskSummaryRequest, ctx: RequestContext) {
    return this.summaries.read(body, ctx);
  }

  @Handles(GetRiskLevelHistory)
  async history(body: RiskSummaryRequest, ctx: RequestContext) {
    const history = await this.summaries.history(body.caseId);
    await ctx.audit(this.dataSource, { recordIds: [body.caseId] });
    return history;
  }
}
