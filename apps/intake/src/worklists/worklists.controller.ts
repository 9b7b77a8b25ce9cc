import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { WORKLISTS, WorklistQuery, type LeadWorklist, type MyCasesWorklist, type RpcRequest, type ScreeningWorklist } from '@stac/contracts';
import { AccessControl } from '@stac/auth';
import { parseRpcBody } from '@stac/runtime';
import { WorklistsService } from './worklists.service';

@Controller()
export class WorklistsController {
  constructor(
    private readonly worklists: WorklistsService,
    private readonly access: AccessControl,
  ) {}

  @MessagePattern(WORKLISTS.screening)
  async screening(@Payload() req: RpcRequest<unknown>): Promise<ScreeningWorklist> {
    const granted = await this.access.authorize(req, { action: 'worklist.read', recordType: 'worklist', operation: 'consultation' });
    const q = await parseRpcBody(WorklistQuery, req.body);
    return this.worklists.screening(granted, req.correlationId, q.limit);
  }

  @MessagePattern(WORKLISTS.leads)
  async leads(@Payload() req: RpcRequest<unknown>): Promise<LeadWorklist> {
    const granted = await this.access.authorize(req, { action: 'worklist.lead.read', recordType: 'worklist', operation: 'consultation' });
    const q = await parseRpcBody(WorklistQuery, req.body);
    return this.worklists.leads(granted, req.correlationId, q.limit);
  }

  @MessagePattern(WORKLISTS.myCases)
  async myCases(@Payload() req: RpcRequest<unknown>): Promise<MyCasesWorklist> {
    const granted = await this.access.authorize(req, { action: 'worklist.own.read', recordType: 'worklist', operation: 'consultation' });
    const q = await parseRpcBody(WorklistQuery, req.body);
    return this.worklists.myCases(granted, req.correlationId, q.limit);
  }
}
