import { Controller } from '@nestjs/common';
import { GetAdvocateWorklist, GetLeadWorklist, type AdvocacyWorklistQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { AdvocacyWorklistsService } from './advocacy-worklists.service';

@Controller()
export class AdvocacyWorklistsController {
  constructor(private readonly worklists: AdvocacyWorklistsService) {}

  @Handles(GetAdvocateWorklist)
  mine(q: AdvocacyWorklistQuery, ctx: RequestContext) {
    return this.worklists.advocate(ctx.principal.subject, q);
  }

  @Handles(GetLeadWorklist)
  lead(q: AdvocacyWorklistQuery) {
    return this.worklists.lead(q);
  }
}
