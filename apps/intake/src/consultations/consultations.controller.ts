import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AssignConsultationActionCommand,
  CaseQuery,
  CompleteConsultationActionCommand,
  CONSULTATIONS,
  RecordConsultationDecisionCommand,
  ScheduleConsultationCommand,
  type ConsultationActionView,
  type ConsultationView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { caseIdIn, workflowContext } from '../lifecycle/case-workflow';
import { ConsultationsService } from './consultations.service';

@Controller()
export class ConsultationsController {
  constructor(
    private readonly consultations: ConsultationsService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(CONSULTATIONS.schedule)
  async schedule(@Payload() req: RpcRequest<unknown>): Promise<ConsultationView> {
    const granted = await this.access.authorize(req, { action: 'consultation.manage', caseId: caseIdIn(req), recordType: 'consultation', operation: 'collection' });
    return this.consultations.schedule(await parseRpcBody(ScheduleConsultationCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(CONSULTATIONS.recordDecision)
  async recordDecision(@Payload() req: RpcRequest<unknown>): Promise<ConsultationView> {
    const granted = await this.access.authorize(req, { action: 'consultation.manage', caseId: caseIdIn(req), recordType: 'consultation', operation: 'collection' });
    return this.consultations.recordDecision(await parseRpcBody(RecordConsultationDecisionCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(CONSULTATIONS.assignAction)
  async assignAction(@Payload() req: RpcRequest<unknown>): Promise<ConsultationActionView> {
    const granted = await this.access.authorize(req, { action: 'consultation.manage', caseId: caseIdIn(req), recordType: 'consultation', operation: 'collection' });
    return this.consultations.assignAction(await parseRpcBody(AssignConsultationActionCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(CONSULTATIONS.completeAction)
  async completeAction(@Payload() req: RpcRequest<unknown>): Promise<ConsultationActionView> {
    const granted = await this.access.authorize(req, {
      action: 'consultation.action.complete',
      caseId: caseIdIn(req),
      recordType: 'consultation',
      operation: 'alteration',
    });
    return this.consultations.completeAction(await parseRpcBody(CompleteConsultationActionCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(CONSULTATIONS.list)
  async list(@Payload() req: RpcRequest<unknown>): Promise<ConsultationView[]> {
    const { caseId } = await parseRpcBody(CaseQuery, req.body);
    const granted = await this.access.authorize(req, { action: 'consultation.read', caseId, recordType: 'consultation', operation: 'consultation' });
    return this.consultations.list(caseId, workflowContext(granted, req));
  }
}
