import { Controller } from '@nestjs/common';
import {
  AssignConsultationAction,
  CancelConsultation,
  CompleteConsultationAction,
  ListConsultations,
  RecordConsultationDecision,
  RescheduleConsultation,
  ScheduleConsultation,
  type AssignConsultationActionCommand,
  type CancelConsultationCommand,
  type CaseQuery,
  type CompleteConsultationActionCommand,
  type RecordConsultationDecisionCommand,
  type RescheduleConsultationCommand,
  type ScheduleConsultationCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ConsultationsService } from './consultations.service';

@Controller()
export class ConsultationsController {
  constructor(private readonly consultations: ConsultationsService) {}

  @Handles(ScheduleConsultation)
  schedule(cmd: ScheduleConsultationCommand, ctx: RequestContext) {
    return this.consultations.schedule(cmd, ctx);
  }

  @Handles(RescheduleConsultation)
  reschedule(cmd: RescheduleConsultationCommand, ctx: RequestContext) {
    return this.consultations.reschedule(cmd, ctx);
  }

  @Handles(CancelConsultation)
  cancel(cmd: CancelConsultationCommand, ctx: RequestContext) {
    return this.consultations.cancel(cmd, ctx);
  }

  @Handles(RecordConsultationDecision)
  recordDecision(cmd: RecordConsultationDecisionCommand, ctx: RequestContext) {
    return this.consultations.recordDecision(cmd, ctx);
  }

  @Handles(AssignConsultationAction)
  assignAction(cmd: AssignConsultationActionCommand, ctx: RequestContext) {
    return this.consultations.assignAction(cmd, ctx);
  }

  @Handles(CompleteConsultationAction)
  completeAction(cmd: CompleteConsultationActionCommand, ctx: RequestContext) {
    return this.consultations.completeAction(cmd, ctx);
  }

  @Handles(ListConsultations)
  list(q: CaseQuery, ctx: RequestContext) {
    return this.consultations.list(q.caseId, ctx);
  }
}
