import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CaseQuery,
  RecordScreeningCommand,
  SCREENING,
  TRIAGE,
  TriageCommand,
  type RpcRequest,
  type ScreeningRecorded,
  type ScreeningView,
  type TriageRecorded,
} from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { caseIdIn, workflowContext } from '../lifecycle/case-workflow';
import { ScreeningService } from './screening.service';

/** Request/reply handlers for D1 screening and D3 triage (the triage decision lives beside its screening). */
@Controller()
export class ScreeningController {
  constructor(
    private readonly screening: ScreeningService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(SCREENING.record)
  async record(@Payload() req: RpcRequest<unknown>): Promise<ScreeningRecorded> {
    const granted = await this.access.authorize(req, { action: 'case.screen', caseId: caseIdIn(req), recordType: 'screening', operation: 'collection' });
    const cmd = await parseRpcBody(RecordScreeningCommand, req.body);
    return this.screening.record(cmd, workflowContext(granted, req));
  }

  @MessagePattern(TRIAGE.decide)
  async triage(@Payload() req: RpcRequest<unknown>): Promise<TriageRecorded> {
    const granted = await this.access.authorize(req, { action: 'case.triage', caseId: caseIdIn(req), recordType: 'triage-decision', operation: 'collection' });
    const cmd = await parseRpcBody(TriageCommand, req.body);
    return this.screening.triage(cmd, workflowContext(granted, req));
  }

  @MessagePattern(SCREENING.get)
  async view(@Payload() req: RpcRequest<unknown>): Promise<ScreeningView> {
    const { caseId } = await parseRpcBody(CaseQuery, req.body);
    const granted = await this.access.authorize(req, { action: 'case.workflow.read', caseId, recordType: 'screening', operation: 'consultation' });
    return this.screening.view(caseId, workflowContext(granted, req));
  }
}
