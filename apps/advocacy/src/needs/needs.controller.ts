import { Controller } from '@nestjs/common';
import { ListNeeds, RecordNeeds, type NeedsCommand, type NeedsListQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { NeedsService } from './needs.service';

/** Needs assessments. */
@Controller()
export class NeedsController {
  constructor(private readonly needs: NeedsService) {}

  @Handles(RecordNeeds)
  record(cmd: NeedsCommand, ctx: RequestContext) {
    return this.needs.record(cmd, ctx);
  }

  @Handles(ListNeeds)
  list(q: NeedsListQuery) {
    return this.needs.list(q.caseId);
  }
}
