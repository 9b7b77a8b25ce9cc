import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseRelationships } from '@stac/auth';
import { GetRiskWorklist } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ReviewSchedule } from './review-schedule';

@Controller()
export class WorklistController {
  constructor(
    private readonly schedule: ReviewSchedule,
    private readonly dataSource: DataSource,
    private readonly relationships: CaseRelationships,
  ) {}

  /** Overdue reviews and open tasks of the caller's agency (from the verified token, never a parameter: API-01, API-06). */
  @Handles(GetRiskWorklist)
  async get(_: object, ctx: RequestContext) {
    const all = await this.schedule.worklist(ctx.principal.agency);
    // Cases hidden from the reader (excluded, or restricted and the reader not named) never appear (AC-07, AC-09).
    const hidden = await this.relationships.hiddenFrom(this.dataSource, [...all.overdueReviews, ...all.openTasks].map((i) => i.caseId), ctx.principal);
    const list = {
      ...all,
      overdueReviews: all.overdueReviews.filter((r) => !hidden.has(r.caseId)),
      openTasks: all.openTasks.filter((t) => !hidden.has(t.caseId)),
    };
    const caseIds = [...new Set([...list.overdueReviews.map((r) => r.caseId), ...list.openTasks.map((t) => t.caseId)])];
    await ctx.audit(this.dataSource, { recordIds: caseIds });
    return list;
  }
}
