import { Controller } from '@nestjs/common';
import {
  DeliverVictimUpdate,
  GetVictimsCodeCompliance,
  ListVictimUpdates,
  type ComplianceQuery,
  type DeliverUpdateCommand,
  type VictimUpdateListQuery,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { VictimUpdatesService } from './victim-updates.service';

/** Victims' Code update obligations and the monthly compliance figure. */
@Controller()
export class VictimUpdatesController {
  constructor(private readonly updates: VictimUpdatesService) {}

  @Handles(ListVictimUpdates)
  list(q: VictimUpdateListQuery) {
    return this.updates.list(q.caseId);
  }

  @Handles(DeliverVictimUpdate)
  deliver(cmd: DeliverUpdateCommand, ctx: RequestContext) {
    return this.updates.deliver(cmd, ctx);
  }

  @Handles(GetVictimsCodeCompliance)
  compliance(q: ComplianceQuery) {
    return this.updates.compliance(q.month);
  }
}
