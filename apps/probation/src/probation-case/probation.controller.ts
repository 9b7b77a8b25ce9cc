import { Controller } from '@nestjs/common';
import {
  AnswerSupervisionCheck,
  DecideEnforcementReview,
  LocateSupervisionChecks,
  ProbationWorklist,
  ReadProbationCase,
  RecordProbationConsultation,
  SetMappa,
  SetSentenceDates,
  type CheckAnswerCommand,
  type ConsultationCommand,
  type EnforcementDecisionCommand,
  type LocateChecksQuery,
  type MappaCommand,
  type ProbationCaseQuery,
  type ProbationWorklistQuery,
  type SentenceCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ProbationConsultationsService } from '../consultations/probation-consultations.service';
import { EnforcementReviewsService } from '../enforcement/enforcement-reviews.service';
import { MappaService } from '../mappa/mappa.service';
import { SentenceService } from '../sentence/sentence.service';
import { SupervisionChecksService } from '../supervision-checks/supervision-checks.service';
import { ProbationWorklistService } from '../worklist/probation-worklist.service';
import { ProbationCaseService } from './probation-case.service';

/** Probation's typed operations (libs/contracts/src/rpc/probation/probation.operations.ts). */
@Controller()
export class ProbationController {
  constructor(
    private readonly checks: SupervisionChecksService,
    private readonly consultations: ProbationConsultationsService,
    private readonly mappa: MappaService,
    private readonly sentences: SentenceService,
    private readonly cases: ProbationCaseService,
    private readonly worklist: ProbationWorklistService,
    private readonly enforcement: EnforcementReviewsService,
  ) {}

  @Handles(AnswerSupervisionCheck)
  answerCheck(cmd: CheckAnswerCommand, ctx: RequestContext) {
    return this.checks.answer(cmd, ctx);
  }

  @Handles(LocateSupervisionChecks)
  locate(q: LocateChecksQuery, ctx: RequestContext) {
    return this.checks.locate(q.probationCaseReference, ctx.principal, ctx.purpose);
  }

  @Handles(ReadProbationCase)
  read(q: ProbationCaseQuery, ctx: RequestContext) {
    return this.cases.read(q.caseId, ctx);
  }

  @Handles(RecordProbationConsultation)
  recordConsultation(cmd: ConsultationCommand, ctx: RequestContext) {
    return this.consultations.record(cmd, ctx);
  }

  @Handles(SetMappa)
  setMappa(cmd: MappaCommand, ctx: RequestContext) {
    return this.mappa.set(cmd, ctx);
  }

  @Handles(SetSentenceDates)
  setSentence(cmd: SentenceCommand, ctx: RequestContext) {
    return this.sentences.set(cmd, ctx);
  }

  @Handles(DecideEnforcementReview)
  decideEnforcement(cmd: EnforcementDecisionCommand, ctx: RequestContext) {
    return this.enforcement.decide(cmd, ctx);
  }

  @Handles(ProbationWorklist)
  list(q: ProbationWorklistQuery, ctx: RequestContext) {
    return this.worklist.list(ctx.principal, ctx.purpose, q);
  }
}
