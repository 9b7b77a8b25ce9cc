import { Controller } from '@nestjs/common';
import {
  AllocateAdvocate,
  GetAdvocacyRecord,
  GetCaseloads,
  OverrideConsent,
  RecordConsent,
  SetEnhancedRights,
  type AdvocacyRecordQuery,
  type AllocationCommand,
  type ConsentCommand,
  type ConsentOverrideCommand,
  type EnhancedRightsCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { VictimSupportService } from './victim-support.service';

/** The victim support record: consent with its history, enhanced rights, allocation and caseloads. */
@Controller()
export class VictimSupportController {
  constructor(private readonly support: VictimSupportService) {}

  @Handles(GetAdvocacyRecord)
  get(q: AdvocacyRecordQuery) {
    return this.support.recordViewFor(q.caseId);
  }

  @Handles(RecordConsent)
  consent(cmd: ConsentCommand, ctx: RequestContext) {
    return this.support.recordConsent(cmd, ctx);
  }

  @Handles(OverrideConsent)
  override(cmd: ConsentOverrideCommand, ctx: RequestContext) {
    return this.support.overrideConsent(cmd, ctx);
  }

  @Handles(SetEnhancedRights)
  enhancedRights(cmd: EnhancedRightsCommand, ctx: RequestContext) {
    return this.support.setEnhancedRights(cmd, ctx);
  }

  @Handles(AllocateAdvocate)
  allocate(cmd: AllocationCommand, ctx: RequestContext) {
    return this.support.allocate(cmd, ctx);
  }

  @Handles(GetCaseloads)
  caseloads() {
    return this.support.caseloads();
  }
}
