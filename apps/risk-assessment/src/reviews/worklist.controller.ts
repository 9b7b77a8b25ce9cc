import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { GET_RISK_WORKLIST, type RiskWorklistView, type RpcRequest } from '@stac/contracts';
import { AccessControl, AccessLog } from '@stac/auth';
import { rpcProblem } from '@stac/runtime';
import { ReviewSchedule } from './review-schedule';

@Controller()
export class WorklistController {
  constructor(
    private readonly schedule: ReviewSchedule,
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
  ) {}

  /** Overdue reviews and open tasks of the caller's agency (from the verified token, never a parameter). */
  @MessagePattern(GET_RISK_WORKLIST)
  async get(@Payload() req: RpcRequest<unknown>): Promise<RiskWorklistView> {
    const granted = await this.access.authorize(req, { action: 'risk.worklist.read', recordType: 'risk-worklist', operation: 'consultation' });
    // No parameters: the agency is the verified caller's, never a request field (API-01, API-06).
    if (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Object.keys(req.body).length > 0)) {
      throw rpcProblem(400, 'validation-failed', 'The worklist takes no parameters');
    }
    const list = await this.schedule.worklist(granted.principal.agency);
    const caseIds = [...new Set([...list.overdueReviews.map((r) => r.caseId), ...list.openTasks.map((t) => t.caseId)])];
    await this.accessLog.record(this.dataSource, {
      operation: 'consultation',
      action: 'risk.worklist.read',
      principal: granted.principal,
      recordType: 'risk-worklist',
      recordIds: caseIds,
      fieldGroups: [],
      purpose: granted.purpose,
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
    return list;
  }
}
