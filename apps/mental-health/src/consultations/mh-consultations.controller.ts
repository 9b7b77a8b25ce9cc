import { Controller } from '@nestjs/common';
import {
  ListMentalHealthConsultations,
  RequestMentalHealthConsultation,
  TransitionMentalHealthConsultation,
  type CaseMentalHealthQuery,
  type ConsultationTransitionCommand,
  type RequestConsultationCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { MhConsultationsService } from './mh-consultations.service';

@Controller()
export class MhConsultationsController {
  constructor(private readonly consultations: MhConsultationsService) {}

  @Handles(RequestMentalHealthConsultation)
  request(cmd: RequestConsultationCommand, ctx: RequestContext) {
    return this.consultations.request(cmd, ctx);
  }

  @Handles(TransitionMentalHealthConsultation)
  transition(cmd: ConsultationTransitionCommand, ctx: RequestContext) {
    return this.consultations.transition(cmd, ctx);
  }

  @Handles(ListMentalHealthConsultations)
  list(q: CaseMentalHealthQuery, ctx: RequestContext) {
    return this.consultations.list(q.caseId, ctx);
  }
}
