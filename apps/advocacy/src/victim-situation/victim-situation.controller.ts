import { Controller } from '@nestjs/common';
import { RecordSituationChange, type SituationChangeCommand } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { VictimSituationService } from './victim-situation.service';

@Controller()
export class VictimSituationController {
  constructor(private readonly situation: VictimSituationService) {}

  @Handles(RecordSituationChange)
  record(cmd: SituationChangeCommand, ctx: RequestContext) {
    return this.situation.record(cmd, ctx);
  }
}
