import { Controller } from '@nestjs/common';
import {
  CreateSafetyPlan,
  GetSafetyPlan,
  ListSafetyPlans,
  ReviseSafetyPlan,
  TransitionSafetyPlan,
  type CreateSafetyPlanCommand,
  type ReviseSafetyPlanCommand,
  type SafetyPlanListQuery,
  type SafetyPlanQuery,
  type SafetyPlanTransitionCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { SafetyPlansService } from './safety-plans.service';

/** Versioned safety plans. */
@Controller()
export class SafetyPlansController {
  constructor(private readonly plans: SafetyPlansService) {}

  @Handles(CreateSafetyPlan)
  create(cmd: CreateSafetyPlanCommand, ctx: RequestContext) {
    return this.plans.create(cmd, ctx);
  }

  @Handles(ReviseSafetyPlan)
  revise(cmd: ReviseSafetyPlanCommand, ctx: RequestContext) {
    return this.plans.revise(cmd, ctx);
  }

  @Handles(TransitionSafetyPlan)
  transition(cmd: SafetyPlanTransitionCommand, ctx: RequestContext) {
    return this.plans.transition(cmd, ctx);
  }

  @Handles(ListSafetyPlans)
  list(q: SafetyPlanListQuery) {
    return this.plans.list(q.caseId);
  }

  @Handles(GetSafetyPlan)
  get(q: SafetyPlanQuery) {
    return this.plans.get(q);
  }
}
