import { Controller } from '@nestjs/common';
import { AnswerMentalHealthCheck, ListMentalHealthChecks, type AnswerCheckCommand, type CaseMentalHealthQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { KnownToServicesChecksService } from './known-to-services-checks.service';

@Controller()
export class KnownToServicesChecksController {
  constructor(private readonly checks: KnownToServicesChecksService) {}

  @Handles(AnswerMentalHealthCheck)
  answer(cmd: AnswerCheckCommand, ctx: RequestContext) {
    return this.checks.answer(cmd, ctx);
  }

  @Handles(ListMentalHealthChecks)
  list(q: CaseMentalHealthQuery, ctx: RequestContext) {
    return this.checks.list(q.caseId, ctx);
  }
}
