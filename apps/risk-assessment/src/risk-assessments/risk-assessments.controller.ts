import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CREATE_RISK_ASSESSMENT,
  CreateRiskAssessmentRequest,
  GET_RISK_ASSESSMENT,
  GetRiskAssessmentRequest,
  LIST_RISK_ASSESSMENTS,
  LIST_RISK_TASKS,
  ListRiskAssessmentsRequest,
  ListRiskTasksRequest,
  REVIEW_RISK_ASSESSMENT,
  ReviewRiskAssessmentRequest,
  SUBMIT_RISK_ASSESSMENT,
  SubmitRiskAssessmentRequest,
  UPDATE_RISK_ASSESSMENT,
  UpdateRiskAssessmentRequest,
  type RiskAssessmentView,
  type RiskTaskView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl, AccessLog, isOwningAccess, ruleFor, type Authorized, type FieldGroup } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { DataSource } from 'typeorm';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';
import { RiskAssessmentsService, type CommandContext } from './risk-assessments.service';

/** The role the caller acts in for an action: the first of their roles the policy rule accepts. */
export function actingRole(granted: Authorized, action: string): string {
  const roles = ruleFor(action)?.roles ?? [];
  return granted.principal.roles.find((r) => roles.includes(r)) ?? granted.principal.roles[0] ?? 'unknown';
}

/** Only a case id is known before the body is validated; authorisation comes first so 404/403 never leak validation detail. */
function caseIdIn(body: unknown): string | undefined {
  const id = (body as { caseId?: unknown } | null)?.caseId;
  return typeof id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : undefined;
}

@Controller()
export class RiskAssessmentsController {
  constructor(
    private readonly assessments: RiskAssessmentsService,
    private readonly tasks: ScreeningTasksService,
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
  ) {}

  private async command(req: RpcRequest<unknown>, action: string, operation: 'collection' | 'alteration'): Promise<CommandContext> {
    const caseId = caseIdIn(req.body);
    if (!caseId) {
      // Authenticate first (401 beats 400), then name the field.
      await this.access.authenticate(req);
      await parseRpcBody(ListRiskTasksRequest, { caseId: (req.body as { caseId?: unknown } | null)?.caseId });
    }
    const granted = await this.access.authorize(req, { action, caseId, recordType: 'risk-assessment', operation });
    return {
      granted,
      role: actingRole(granted, action),
      correlationId: req.correlationId,
      causationId: undefined,
      traceparent: req.traceparent,
      idempotencyKey: req.idempotencyKey,
    };
  }

  @MessagePattern(CREATE_RISK_ASSESSMENT)
  async create(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView> {
    const ctx = await this.command(req, 'risk.assess', 'collection');
    const body = await parseRpcBody(CreateRiskAssessmentRequest, req.body);
    return this.assessments.create(body.caseId, body.assessment, ctx);
  }

  @MessagePattern(UPDATE_RISK_ASSESSMENT)
  async update(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView> {
    const ctx = await this.command(req, 'risk.assess', 'alteration');
    const body = await parseRpcBody(UpdateRiskAssessmentRequest, req.body);
    return this.assessments.update(body.caseId, body.assessmentId, body.expectedVersion, body.changes, ctx);
  }

  @MessagePattern(SUBMIT_RISK_ASSESSMENT)
  async submit(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView> {
    const ctx = await this.command(req, 'risk.assess', 'alteration');
    const body = await parseRpcBody(SubmitRiskAssessmentRequest, req.body);
    return this.assessments.submit(body.caseId, body.assessmentId, body.expectedVersion, ctx);
  }

  @MessagePattern(REVIEW_RISK_ASSESSMENT)
  async review(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView> {
    const ctx = await this.command(req, 'risk.review', 'alteration');
    const body = await parseRpcBody(ReviewRiskAssessmentRequest, req.body);
    return this.assessments.review(body.caseId, body.assessmentId, body.expectedVersion, body.review.decision, ctx);
  }

  @MessagePattern(GET_RISK_ASSESSMENT)
  async get(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView> {
    const body = await parseRpcBody(GetRiskAssessmentRequest, req.body);
    const granted = await this.authorizeRead(req, body.caseId, body.fieldGroups);
    const view = await this.assessments.get(body.caseId, body.assessmentId, granted.principal.agency, granted.fieldGroups.includes('risk.rationale'));
    await this.recordRead(req, granted, body.caseId, [view.assessmentId]);
    return view;
  }

  @MessagePattern(LIST_RISK_ASSESSMENTS)
  async list(@Payload() req: RpcRequest<unknown>): Promise<RiskAssessmentView[]> {
    const body = await parseRpcBody(ListRiskAssessmentsRequest, req.body);
    const granted = await this.authorizeRead(req, body.caseId, body.fieldGroups);
    const views = await this.assessments.list(body.caseId, granted.principal.agency, granted.fieldGroups.includes('risk.rationale'));
    await this.recordRead(req, granted, body.caseId, views.map((v) => v.assessmentId));
    return views;
  }

  @MessagePattern(LIST_RISK_TASKS)
  async listTasks(@Payload() req: RpcRequest<unknown>): Promise<RiskTaskView[]> {
    const body = await parseRpcBody(ListRiskTasksRequest, req.body);
    const granted = await this.authorizeRead(req, body.caseId, undefined, 'risk-task');
    const tasks = await this.tasks.forCase(body.caseId);
    await this.recordRead(req, granted, body.caseId, tasks.map((t) => t.taskId), 'risk-task');
    return tasks;
  }

  private authorizeRead(req: RpcRequest<unknown>, caseId: string, fieldGroups: string[] | undefined, recordType = 'risk-assessment') {
    return this.access.authorize(req, {
      action: 'risk.assessment.read',
      caseId,
      fieldGroups: fieldGroups as FieldGroup[] | undefined,
      recordType,
      operation: 'consultation',
    });
  }

  /** No log, no data (LAW-02): the read is recorded before it is answered. */
  private async recordRead(req: RpcRequest<unknown>, granted: Authorized, caseId: string, ids: string[], recordType = 'risk-assessment') {
    await this.accessLog.record(this.dataSource, {
      operation: isOwningAccess(granted.decision) ? 'consultation' : 'disclosure',
      action: 'risk.assessment.read',
      principal: granted.principal,
      recordType,
      recordIds: [caseId, ...ids],
      fieldGroups: granted.fieldGroups,
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
  }
}
