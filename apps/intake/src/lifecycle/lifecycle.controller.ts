import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CaseQuery,
  CjStageChangeCommand,
  CloseCaseCommand,
  LIFECYCLE,
  StatusTransitionCommand,
  type CaseLifecycleView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { caseIdIn, workflowContext } from './case-workflow';
import { LifecycleService } from './lifecycle.service';

@Controller()
export class LifecycleController {
  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(LIFECYCLE.get)
  async get(@Payload() req: RpcRequest<unknown>): Promise<CaseLifecycleView> {
    const { caseId } = await parseRpcBody(CaseQuery, req.body);
    const granted = await this.access.authorize(req, { action: 'case.workflow.read', caseId, recordType: 'case-lifecycle', operation: 'consultation' });
    return this.lifecycle.read(caseId, workflowContext(granted, req));
  }

  @MessagePattern(LIFECYCLE.transition)
  async transition(@Payload() req: RpcRequest<unknown>): Promise<CaseLifecycleView> {
    const granted = await this.access.authorize(req, { action: 'case.transition', caseId: caseIdIn(req), recordType: 'case', operation: 'alteration' });
    return this.lifecycle.transition(await parseRpcBody(StatusTransitionCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(LIFECYCLE.close)
  async close(@Payload() req: RpcRequest<unknown>): Promise<CaseLifecycleView> {
    const granted = await this.access.authorize(req, { action: 'case.transition', caseId: caseIdIn(req), recordType: 'case', operation: 'alteration' });
    return this.lifecycle.close(await parseRpcBody(CloseCaseCommand, req.body), workflowContext(granted, req));
  }

  @MessagePattern(LIFECYCLE.changeCjStage)
  async changeCjStage(@Payload() req: RpcRequest<unknown>): Promise<CaseLifecycleView> {
    const granted = await this.access.authorize(req, { action: 'case.transition', caseId: caseIdIn(req), recordType: 'case', operation: 'alteration' });
    return this.lifecycle.changeCjStage(await parseRpcBody(CjStageChangeCommand, req.body), workflowContext(granted, req));
  }
}
