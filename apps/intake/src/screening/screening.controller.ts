import { Controller } from '@nestjs/common';
import { DecideTriage, RecordScreening, ViewScreening, type CaseQuery, type RecordScreeningCommand, type TriageCommand } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ScreeningService } from './screening.service';

/** D1 screening and D3 triage (the triage decision lives beside its screening). */
@Controller()
export class ScreeningController {
  constructor(private readonly screening: ScreeningService) {}

  @Handles(RecordScreening)
  record(cmd: RecordScreeningCommand, ctx: RequestContext) {
    return this.screening.record(cmd, ctx);
  }

  @Handles(DecideTriage)
  triage(cmd: TriageCommand, ctx: RequestContext) {
    return this.screening.triage(cmd, ctx);
  }

  @Handles(ViewScreening)
  view(q: CaseQuery, ctx: RequestContext) {
    return this.screening.view(q.caseId, ctx);
  }
}
