import { HttpException, Injectable } from '@nestjs/common';
import {
  CASE_PART,
  GET_RISK_SUMMARY,
  type AdvocacyOfferPart,
  type RiskSummaryView,
  type IntakeCasePart,
  type ProbationCasePart,
  type MentalHealthCasePart,
  type ScreeningTaskPart,
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
    const part = async <T>(service: keyof typeof CASE_PART, pattern?: string): Promise<PartStatus<T>> => {
      try {
        const data = await ask<T>(service, pattern);
        return data ? { status: 'available', data } : { status: 'none' };
      } catch (e) {
        if (e instanceof RpcCallError && e.problem.status === 404) return { status: 'none' };
        if (e instanceof RpcCallError && e.problem.status < 500) throw e;
        if (e instanceof RpcCallError) return { status: 'unavailable', code: e.problem.code };
        throw e;
      }
    };
    const [intake, riskAssessment, riskSummary, advocacy, mentalHealth, probation] = await Promise.all([
      ask<IntakeCasePart>('intake'),
      part<ScreeningTaskPart>('risk-assessment'),
      part<RiskSummaryView>('risk-assessment', GET_RISK_SUMMARY),
      part<AdvocacyOfferPart>('advocacy'),
      part<MentalHealthCasePart>('mental-health'),
      part<ProbationCasePart>('probation'),
    ]);
    if (!intake) throw new HttpException(CASE_NOT_FOUND, 404);
    return { caseId, intake, riskAssessment, riskSummary, advocacy, mentalHealth, probation };
  }
}
