import { HttpException, Injectable } from '@nestjs/common';
import {
  CASE_PART,
  RISK_CASE_VIEW,
  settlePart,
  type AdvocacyOfferPart,
  type RiskCaseViewAnswer,
  type RiskSummaryView,
  type IntakeCasePart,
  type ProbationCasePart,
  type MentalHealthCasePart,
  type ScreeningTaskPart,
  type SettledPart,
} from '@stac/contracts';
import { CASE_NOT_FOUND } from '@stac/contracts';
import { RpcCallError } from '@stac/rpc';
import type { RequestContext } from '../edge/request-context';
import { ServiceClient } from '../edge/service-client';

/** Each agency's part of a case, with its own status so one slow or down service never hides the rest. */
export type PartStatus<T> =
  | { status: 'available'; data: T }
  /** Nothing the caller may see: not created yet, or not shared with the caller's agency (AC-09). */
  | { status: 'none' }
  | { status: 'unavailable'; code: string };

export interface CaseView {
  caseId: string;
  intake: IntakeCasePart;
  riskAssessment: PartStatus<ScreeningTaskPart>;
  /** The shareable risk summary (levels, domains, next review; never rationale). */
  riskSummary: PartStatus<RiskSummaryView>;
  advocacy: PartStatus<AdvocacyOfferPart>;
  /** The trust's shareable part: check answers and contact routes, advice summaries, recommendations, intervention statuses. */
  mentalHealth: PartStatus<MentalHealthCasePart>;
  /** Probation's shareable part: the supervision check's answer and route, MAPPA category and level. */
  probation: PartStatus<ProbationCasePart>;
}

@Injectable()
export class CaseViewService {
  constructor(private readonly services: ServiceClient) {}

  /** Composes the unified case view; intake owns the case, so no intake record means 404. */
  async compose(caseId: string, fieldGroups: string[] | undefined, ctx: RequestContext): Promise<CaseView> {
    // Field groups qualify the case record itself (intake); the other parts are answered with core facts.
    const ask = <T>(service: keyof typeof CASE_PART, pattern = CASE_PART[service]) =>
      this.services.call<T | null>(service, pattern, {
        ...ctx,
        body: { caseId, ...(fieldGroups && service === 'intake' ? { fieldGroups } : {}) },
      });
    // A part's answer as its status: a 404 is nothing to see; any other refusal fails the view as it came;
    // a service failure leaves that part unavailable and the rest of the view intact.
    const statusOf = <T>(settled: SettledPart<T>): PartStatus<T> => {
      if (settled.ok) return settled.answer ? { status: 'available', data: settled.answer } : { status: 'none' };
      const { problem } = settled;
      if (problem.status === 404) return { status: 'none' };
      if (problem.status < 500) throw new RpcCallError(problem);
      return { status: 'unavailable', code: problem.code };
    };
    const part = async <T>(service: keyof typeof CASE_PART): Promise<PartStatus<T>> => statusOf(await settlePart(ask<T>(service), RpcCallError));
    // Risk answers its screening task and its shareable summary in one request, each decided on its own.
    const risk = async (): Promise<[PartStatus<ScreeningTaskPart>, PartStatus<RiskSummaryView>]> => {
      const answer = await settlePart(ask<RiskCaseViewAnswer>('risk-assessment', RISK_CASE_VIEW), RpcCallError);
      if (!answer.ok) return [statusOf(answer), statusOf(answer)];
      if (!answer.answer) throw new Error('risk-assessment answered the case view with nothing');
      return [statusOf(answer.answer.screeningTask), statusOf(answer.answer.summary)];
    };
    const [intake, [riskAssessment, riskSummary], advocacy, mentalHealth, probation] = await Promise.all([
      ask<IntakeCasePart>('intake'),
      risk(),
      part<AdvocacyOfferPart>('advocacy'),
      part<MentalHealthCasePart>('mental-health'),
      part<ProbationCasePart>('probation'),
    ]);
    if (!intake) throw new HttpException(CASE_NOT_FOUND, 404);
    return { caseId, intake, riskAssessment, riskSummary, advocacy, mentalHealth, probation };
  }
}
