import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetRiskSummary, RISK_CASE_VIEW, settlePart, type RiskCaseViewAnswer, type RpcRequest } from '@stac/contracts';
import { CasePartReader, OperationKernel } from '@stac/runtime';
import { RiskSummaryService } from '../risk-summary/risk-summary.service';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';

/**
 * Risk's two parts of the unified case view in one request (`RISK_CASE_VIEW`): the screening task, read
 * exactly as `CASE_PART['risk-assessment']` reads it, and the shareable summary, as the `GetRiskSummary`
 * operation answers it. Each is decided and logged on its own (two access-log rows, LAW-02); a part the
 * caller may not see answers its own problem beside the other's answer.
 */
@Controller()
export class RiskCaseViewController {
  constructor(
    private readonly reader: CasePartReader,
    private readonly kernel: OperationKernel,
    private readonly tasks: ScreeningTasksService,
    private readonly summaries: RiskSummaryService,
  ) {}

  @MessagePattern(RISK_CASE_VIEW)
  async caseView(@Payload() req: RpcRequest<unknown>): Promise<RiskCaseViewAnswer> {
    const caseId = (req?.body as { caseId?: unknown } | null)?.caseId;
    const [screeningTask, summary] = await Promise.all([
      settlePart(this.reader.read(req, this.tasks.partRead)),
      settlePart(this.kernel.run(GetRiskSummary, { ...req, body: { caseId } }, (body, ctx) => this.summaries.read(body, ctx))),
    ]);
    return { screeningTask, summary };
  }
}
