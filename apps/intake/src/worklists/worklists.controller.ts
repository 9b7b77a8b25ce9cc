import { Controller } from '@nestjs/common';
import { LeadWorklistRead, MyCasesWorklistRead, ScreeningWorklistRead, type WorklistQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { WorklistsService } from './worklists.service';

@Controller()
export class WorklistsController {
  constructor(private readonly worklists: WorklistsService) {}

  @Handles(ScreeningWorklistRead)
  screening(q: WorklistQuery, ctx: RequestContext) {
    return this.worklists.screening(ctx, ctx.correlationId, q);
  }

  @Handles(LeadWorklistRead)
  leads(q: WorklistQuery, ctx: RequestContext) {
    return this.worklists.leads(ctx, ctx.correlationId, q);
  }

  @Handles(MyCasesWorklistRead)
  myCases(q: WorklistQuery, ctx: RequestContext) {
    return this.worklists.myCases(ctx, ctx.correlationId, q);
  }
}
