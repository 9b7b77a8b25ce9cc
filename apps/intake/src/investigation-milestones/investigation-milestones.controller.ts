import { Controller } from '@nestjs/common';
import {
  ListInvestigationMilestones,
  RecordInvestigationMilestone,
  type InvestigationMilestoneCommand,
  type InvestigationMilestoneListQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { InvestigationMilestonesService } from './investigation-milestones.service';

/** Investigation milestones the victim is owed an update about (Victims' Code). */
@Controller()
export class InvestigationMilestonesController {
  constructor(private readonly milestones: InvestigationMilestonesService) {}

  @Handles(RecordInvestigationMilestone)
  record(cmd: InvestigationMilestoneCommand, ctx: RequestContext) {
    return this.milestones.record(cmd, ctx);
  }

  @Handles(ListInvestigationMilestones)
  list(q: InvestigationMilestoneListQuery) {
    return this.milestones.list(q.caseId);
  }
}
