import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import {
  GET_RISK_SUMMARY,
  LIST_RISK_LEVEL_HISTORY,
  RiskSummaryRequest,
  type RiskLevelHistoryView,
  type RiskSummaryView,
  type RpcRequest,
} from '@stac/contracts';
import { AccessControl, AccessLog, isOwningAccess, type Authorized } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { RiskSummaryService } from './risk-summary.service';

@Controller()
export class RiskSummaryController {
  constructor(
    private readonly summaries: RiskSummaryService,
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
  ) {}

  /** The shareable summary, now or at a past instant (`at`). Partner agencies read it under their agreement. */
  @MessagePattern(GET_RISK_SUMMARY)
  async get(@Payload() req: RpcRequest<unknown>): Promise<RiskSummaryView> {
    const body = await parseRpcBody(RiskSummaryRequest, req.body);
    const granted = await this.authorize(req, body.caseId);
    const summary = await this.summaries.get(body.caseId, { at: body.at ? new Date(body.at) : undefined, owning: isOwningAccess(granted.decision) });
    await this.record(req, granted, body.caseId);
    return summary;
  }

  @MessagePattern(LIST_RISK_LEVEL_HISTORY)
  async history(@Payload() req: RpcRequest<unknown>): Promise<RiskLevelHistoryView> {
    const body = await parseRpcBody(RiskSummaryRequest, req.body);
    const granted = await this.authorize(req, body.caseId);
    const history = await this.summaries.history(body.caseId);
    await this.record(req, granted, body.caseId);
    return history;
  }

  private authorize(req: RpcRequest<unknown>, caseId: string) {
    return this.access.authorize(req, { action: 'risk.summary.read', caseId, recordType: 'risk-summary', operation: 'consultation' });
  }

  private record(req: RpcRequest<unknown>, granted: Authorized, caseId: string) {
    const owning = isOwningAccess(granted.decision);
    return this.accessLog.record(this.dataSource, {
      operation: owning ? 'consultation' : 'disclosure',
      action: 'risk.summary.read',
      principal: granted.principal,
      recordType: 'risk-summary',
      recordIds: [caseId],
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
  }
}
