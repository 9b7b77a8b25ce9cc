import { Controller } from '@nestjs/common';
import { ReadTimeline, RecordCaseIncident, type RecordIncidentRequest, type TimelineQuery } from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { IncidentsService } from './incidents.service';

/** The course of conduct. */
@Controller()
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Handles(RecordCaseIncident)
  record(body: RecordIncidentRequest, ctx: RequestContext) {
    return this.incidents.record(body, ctx);
  }

  @Handles(ReadTimeline)
  timeline(q: TimelineQuery, ctx: RequestContext) {
    return this.incidents.timeline(q, ctx);
  }
}
