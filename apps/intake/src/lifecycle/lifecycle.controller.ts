import { Controller } from '@nestjs/common';
import {
  ChangeCjStage,
  CloseCase,
  TransitionCase,
  ViewLifecycle,
  type CaseQuery,
  type CjStageChangeCommand,
  type CloseCaseCommand,
  type StatusTransitionCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { LifecycleService } from './lifecycle.service';

@Controller()
export class LifecycleController {
  constructor(private readonly lifecycle: LifecycleService) {}

  @Handles(ViewLifecycle)
  get(q: CaseQuery, ctx: RequestContext) {
    return this.lifecycle.read(q.caseId, ctx);
  }

  @Handles(TransitionCase)
  transition(cmd: StatusTransitionCommand, ctx: RequestContext) {
    return this.lifecycle.transition(cmd, ctx);
  }

  @Handles(CloseCase)
  close(cmd: CloseCaseCommand, ctx: RequestContext) {
    return this.lifecycle.close(cmd, ctx);
  }

  @Handles(ChangeCjStage)
  changeCjStage(cmd: CjStageChangeCommand, ctx: RequestContext) {
    return this.lifecycle.changeCjStage(cmd, ctx);
  }
}
