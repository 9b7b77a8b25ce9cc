import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GetRiskWorklist, type RiskWorklistRequest } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ReviewSchedule } from './review-schedule';

@Controller()
export class WorklistController {
  constructor(
    private readonly schedule: ReviewSchedule,
    private readonly dataSource: DataSource,
  ) {}

  /** Overdue reviews and open tasks of the caller's agency (from the verified token, never a parameter: API-01, API-06). */
  @Handles(GetRiskWorklist)
  async get(q: RiskWorklistRequest, ctx: RequestContext) {
    const list = await this.schedule.worklist(ctx.principal.agency, { principal: ctx.principal, cursor: q.cursor, limit: q.limit });
    const caseIds = [...new Set([...list.overdueReviews.map((r) => r.caseId), ...list.openTasks.map((t) => t.caseId)])];
    await ctx.audit(this.dataSource, { recordIds: caseIds });
    return list;
  }
}
