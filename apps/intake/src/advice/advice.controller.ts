import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ADVICE,
  AcknowledgeAdviceCommand,
  CaseQuery,
  IssueAdviceCommand,
  ResolveAdviceItemCommand,
  type AdviceDocument,
  type AdviceItemView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { caseIdIn, workflowContext } from '../lifecycle/case-workflow';
import { AdviceService } from './advice.service';

@Controller()
export class AdviceController {
  constructor(
    private readonly advice: AdviceService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(ADVICE.issue)
  async issue(@Payload() req: RpcRequest<unknown>): Promise<AdviceDocument> {
    const granted = await this.access.authorize(req, { action: 'advice.issue', caseId: caseIdIn(req), recordType: 'advice', operation: 'collection' });
    return this.advice.issue(await parseRpcBody(IssueAdviceCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ADVICE.acknowledge)
  async acknowledge(@Payload() req: RpcRequest<unknown>): Promise<AdviceDocument> {
    const granted = await this.access.authorize(req, { action: 'advice.resolve', caseId: caseIdIn(req), recordType: 'advice', operation: 'alteration' });
    return this.advice.acknowledge(await parseRpcBody(AcknowledgeAdviceCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ADVICE.resolveItem)
  async resolveItem(@Payload() req: RpcRequest<unknown>): Promise<AdviceItemView> {
    const granted = await this.access.authorize(req, { action: 'advice.resolve', caseId: caseIdIn(req), recordType: 'advice', operation: 'alteration' });
    return this.advice.resolveItem(await parseRpcBody(ResolveAdviceItemCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(ADVICE.get)
  async list(@Payload() req: RpcRequest<unknown>): Promise<AdviceDocument[]> {
    const { caseId } = await parseRpcBody(CaseQuery, req.body);
    const granted = await this.access.authorize(req, { action: 'case.workflow.read', caseId, recordType: 'advice', operation: 'consultation' });
    return this.advice.list(caseId, workflowContext(granted, req));
  }
}
