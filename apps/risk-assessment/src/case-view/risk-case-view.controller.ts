import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetRiskSummary, RISK_CASE_VIEW, ProblemException, type RiskCaseViewAnswer, type RpcRequest, type SettledPart } from '@stac/contracts';
import { CasePartReader, OperationKernel } from '@stac/runtime';
import { RiskSummaryService } from '../risk-summary/risk-summary.service';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';

/** A part's answer, or the problem it answered on its own; any other failure fails the whole request. */
function settled<T>(answer: Promise<T | null>): Promise<SettledPart<T>> {
  return answer.then(
    (a) => ({ ok: true as const, answer: a }),
    (e: unknown) => {
      if (e instanceof ProblemException) return { ok: false as const, problem: e.problem };
      throw e;
    },
  );
}

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
      settled(this.reader.read(req, this.tasks.partRead)),
      settled(this.kernel.run(GetRiskSummary, { ...req, body: { caseId } }, (body, ctx) => this.summaries.read(body, ctx))),
    ]);
    return { screeningTask, summary };
  }
}
