import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { INCIDENTS, type CaseTimeline, type IncidentRecorded, type RpcRequest } from '@stac/contracts';
import { IncidentsService } from './incidents.service';

/** Request/reply handlers of the course of conduct. */
@Controller()
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @MessagePattern(INCIDENTS.record)
  record(@Payload() req: RpcRequest<unknown>): Promise<IncidentRecorded> {
    return this.incidents.record(req);
  }

  @MessagePattern(INCIDENTS.timeline)
  timeline(@Payload() req: RpcRequest<unknown>): Promise<CaseTimeline> {
    return this.incidents.timeline(req);
  }
}
