import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseRelationships } from '@stac/auth';
import { GetAdvocateWorklist, GetLeadWorklist, type AdvocacyWorklistQuery, type AdvocacyWorklistView } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { AdvocacyWorklistsService } from './advocacy-worklists.service';

@Controller()
export class AdvocacyWorklistsController {
  constructor(
    private readonly worklists: AdvocacyWorklistsService,
    private readonly relationships: CaseRelationships,
    private readonly dataSource: DataSource,
  ) {}

  @Handles(GetAdvocateWorklist)
  async mine(q: AdvocacyWorklistQuery, ctx: RequestContext) {
    return this.withoutHidden(await this.worklists.advocate(ctx.principal.subject, q), ctx);
  }

  @Handles(GetLeadWorklist)
  async lead(q: AdvocacyWorklistQuery, ctx: RequestContext) {
    return this.withoutHidden(await this.worklists.lead(q), ctx);
  }

  /** Cases hidden from the reader (excluded, or restricted and the reader not named) never appear (AC-07, AC-09). */
  private async withoutHidden(view: AdvocacyWorklistView, ctx: RequestContext): Promise<AdvocacyWorklistView> {
    const hidden = await this.relationships.hiddenFrom(this.dataSource, view.items.map((i) => i.caseId), ctx.principal);
    return hidden.size ? { ...view, items: view.items.filter((i) => !hidden.has(i.caseId)) } : view;
  }
}
