import { Controller } from '@nestjs/common';
import {
  MentalHealthChecksWorklist,
  MentalHealthConsultationsWorklist,
  MentalHealthReviewsWorklist,
  MentalHealthSessionsWorklist,
  type ChecksWorklistQuery,
  type ConsultationsWorklistQuery,
  type WorklistPageQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { MhWorklistsService } from './mh-worklists.service';

@Controller()
export class MhWorklistsController {
  constructor(private readonly worklists: MhWorklistsService) {}

  @Handles(MentalHealthChecksWorklist)
  checks(q: ChecksWorklistQuery, ctx: RequestContext) {
    return this.worklists.checksDue(q, ctx);
  }

  @Handles(MentalHealthConsultationsWorklist)
  consultations(q: ConsultationsWorklistQuery, ctx: RequestContext) {
    return this.worklists.consultations(q, ctx);
  }

  @Handles(MentalHealthSessionsWorklist)
  sessions(q: WorklistPageQuery, ctx: RequestContext) {
    return this.worklists.sessions(q, ctx);
  }

  @Handles(MentalHealthReviewsWorklist)
  reviews(q: WorklistPageQuery, ctx: RequestContext) {
    return this.worklists.reviews(q, ctx);
  }
}
