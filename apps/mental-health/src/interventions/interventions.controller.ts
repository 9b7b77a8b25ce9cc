import { Controller } from '@nestjs/common';
import {
  ListInterventions,
  PlanInterventionSession,
  ProposeIntervention,
  RecordSessionAttendance,
  TransitionIntervention,
  type CaseMentalHealthQuery,
  type InterventionTransitionCommand,
  type PlanSessionCommand,
  type ProposeInterventionCommand,
  type RecordAttendanceCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { InterventionsService } from './interventions.service';

@Controller()
export class InterventionsController {
  constructor(private readonly interventions: InterventionsService) {}

  @Handles(ProposeIntervention)
  propose(cmd: ProposeInterventionCommand, ctx: RequestContext) {
    return this.interventions.propose(cmd, ctx);
  }

  @Handles(TransitionIntervention)
  transition(cmd: InterventionTransitionCommand, ctx: RequestContext) {
    return this.interventions.transition(cmd, ctx);
  }

  @Handles(PlanInterventionSession)
  planSession(cmd: PlanSessionCommand, ctx: RequestContext) {
    return this.interventions.planSession(cmd, ctx);
  }

  @Handles(RecordSessionAttendance)
  recordAttendance(cmd: RecordAttendanceCommand, ctx: RequestContext) {
    return this.interventions.recordAttendance(cmd, ctx);
  }

  @Handles(ListInterventions)
  list(q: CaseMentalHealthQuery, ctx: RequestContext) {
    return this.interventions.list(q.caseId, ctx);
  }
}
