import { Controller } from '@nestjs/common';
import {
  CreateRiskAssessment,
  GetRiskAssessment,
  ListRiskAssessments,
  ListRiskTasks,
  ReviewRiskAssessment,
  SubmitRiskAssessment,
  UpdateRiskAssessment,
  type CreateRiskAssessmentRequest,
  type GetRiskAssessmentRequest,
  type ListRiskAssessmentsRequest,
  type ListRiskTasksRequest,
  type ReviewRiskAssessmentRequest,
  type SubmitRiskAssessmentRequest,
  type UpdateRiskAssessmentRequest,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';
import { RiskAssessmentsService } from './risk-assessments.service';

/** Risk assessments of the caller's agency; reads are logged by the kernel with the ids they disclose (LAW-02). */
@Controller()
export class RiskAssessmentsController {
  constructor(
    private readonly assessments: RiskAssessmentsService,
    private readonly tasks: ScreeningTasksService,
  ) {}

  @Handles(CreateRiskAssessment)
  create(body: CreateRiskAssessmentRequest, ctx: RequestContext) {
    return this.assessments.create(body.caseId, body.assessment, ctx);
  }

  @Handles(UpdateRiskAssessment)
  update(body: UpdateRiskAssessmentRequest, ctx: RequestContext) {
    return this.assessments.update(body.caseId, body.assessmentId, body.expectedVersion, body.changes, ctx);
  }

  @Handles(SubmitRiskAssessment)
  submit(body: SubmitRiskAssessmentRequest, ctx: RequestContext) {
    return this.assessments.submit(body.caseId, body.assessmentId, body.expectedVersion, ctx);
  }

  @Handles(ReviewRiskAssessment)
  review(body: ReviewRiskAssessmentRequest, ctx: RequestContext) {
    return this.assessments.review(body.caseId, body.assessmentId, body.expectedVersion, body.review.decision, ctx);
  }

  @Handles(GetRiskAssessment)
  get(body: GetRiskAssessmentRequest, ctx: RequestContext) {
    return this.assessments.get(body.caseId, body.assessmentId, ctx.principal.agency, ctx.fieldGroups.includes('risk.rationale'));
  }

  @Handles(ListRiskAssessments)
  list(body: ListRiskAssessmentsRequest, ctx: RequestContext) {
    return this.assessments.list(body.caseId, ctx.principal.agency, ctx.fieldGroups.includes('risk.rationale'));
  }

  @Handles(ListRiskTasks)
  listTasks(body: ListRiskTasksRequest) {
    return this.tasks.forCase(body.caseId);
  }
}
