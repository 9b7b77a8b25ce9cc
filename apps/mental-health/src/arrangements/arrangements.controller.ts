import { Controller } from '@nestjs/common';
import {
  ChangeMentalHealthArrangement,
  ListMentalHealthArrangements,
  StartMentalHealthArrangement,
  type CaseMentalHealthQuery,
  type ChangeArrangementCommand,
  type StartArrangementCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ArrangementsService } from './arrangements.service';

@Controller()
export class ArrangementsController {
  constructor(private readonly arrangements: ArrangementsService) {}

  @Handles(StartMentalHealthArrangement)
  start(cmd: StartArrangementCommand, ctx: RequestContext) {
    return this.arrangements.start(cmd, ctx);
  }

  @Handles(ChangeMentalHealthArrangement)
  change(cmd: ChangeArrangementCommand, ctx: RequestContext) {
    return this.arrangements.update(cmd, ctx);
  }

  @Handles(ListMentalHealthArrangements)
  list(q: CaseMentalHealthQuery, ctx: RequestContext) {
    return this.arrangements.list(q.caseId, ctx);
  }
}
