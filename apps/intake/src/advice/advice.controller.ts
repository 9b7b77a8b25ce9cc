import { Controller } from '@nestjs/common';
import {
  AcknowledgeAdvice,
  IssueAdvice,
  ListAdvice,
  ResolveAdviceItem,
  type AcknowledgeAdviceCommand,
  type CaseQuery,
  type IssueAdviceCommand,
  type ResolveAdviceItemCommand,
} from '@stac/contracts';
import { Handles, type RequestContext } from '@stac/runtime';
import { AdviceService } from './advice.service';

@Controller()
export class AdviceController {
  constructor(private readonly advice: AdviceService) {}

  @Handles(IssueAdvice)
  issue(cmd: IssueAdviceCommand, ctx: RequestContext) {
    return this.advice.issue(cmd, ctx);
  }

  @Handles(AcknowledgeAdvice)
  acknowledge(cmd: AcknowledgeAdviceCommand, ctx: RequestContext) {
    return this.advice.acknowledge(cmd, ctx);
  }

  @Handles(ResolveAdviceItem)
  resolveItem(cmd: ResolveAdviceItemCommand, ctx: RequestContext) {
    return this.advice.resolveItem(cmd, ctx);
  }

  @Handles(ListAdvice)
  list(q: CaseQuery, ctx: RequestContext) {
    return this.advice.list(q.caseId, ctx);
  }
}
