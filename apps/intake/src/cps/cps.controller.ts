import { Controller } from '@nestjs/common';
import {
  AnswerEarlyAdvice,
  CpsWorklist,
  ReadCpsCase,
  RecordChargingDecision,
  RequestEarlyAdvice,
  type ChargingDecisionCommand,
  type CpsCaseQuery,
  type CpsWorklistQuery,
  type EarlyAdviceAnswerCommand,
  type EarlyAdviceCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { CpsService } from './cps.service';

/** Early CPS advice and charging decisions on the police case file (D10). */
@Controller()
export class CpsController {
  constructor(private readonly cps: CpsService) {}

  @Handles(RequestEarlyAdvice)
  requestAdvice(cmd: EarlyAdviceCommand, ctx: RequestContext) {
    return this.cps.requestAdvice(cmd, ctx);
  }

  @Handles(AnswerEarlyAdvice)
  answerAdvice(cmd: EarlyAdviceAnswerCommand, ctx: RequestContext) {
    return this.cps.answerAdvice(cmd, ctx);
  }

  @Handles(RecordChargingDecision)
  decideCharge(cmd: ChargingDecisionCommand, ctx: RequestContext) {
    return this.cps.decideCharge(cmd, ctx);
  }

  @Handles(ReadCpsCase)
  read(q: CpsCaseQuery) {
    return this.cps.read(q.caseId);
  }

  @Handles(CpsWorklist)
  worklist(q: CpsWorklistQuery, ctx: RequestContext) {
    return this.cps.worklist(ctx.principal, ctx.purpose, q);
  }
}
