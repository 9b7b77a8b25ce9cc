import { HttpException, Injectable } from '@nestjs/common';
import {
  CASE_PART,
  type AdvocacyOfferPart,
  type IntakeCasePart,
  type KnownToServicesCheckPart,
  type ScreeningTaskPart,
} from '@stac/contracts';
import { CASE_NOT_FOUND } from '@stac/auth';
import { RpcCallError } from '@stac/runtime';
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
  advocacy: PartStatus<AdvocacyOfferPart>;
  mentalHealth: PartStatus<KnownToServicesCheckPart>;
  probation: PartStatus<KnownToServicesCheckPart>;
}

@Injectable()
export class CaseViewService {
  constructor(private readonly services: ServiceClient) {}

  /** Composes the unified case view; intake owns the case, so no intake record means 404. */
  async compose(caseId: string, fieldGroups: string[] | undefined, ctx: RequestContext): Promise<CaseView> {
    const ask = <T>(service: keyof typeof CASE_PART) =>
      this.services.call<T | null>(service, CASE_PART[service], { ...ctx, body: { caseId, ...(fieldGroups ? { fieldGroups } : {}) } });
    const part = async <T>(service: keyof typeof CASE_PART): Promise<PartStatus<T>> => {
      try {
        const data = await ask<T>(service);
        return data ? { status: 'available', data } : { status: 'none' };
      } catch (e) {
        if (e instanceof RpcCallError && e.problem.status === 404) return { status: 'none' };
        if (e instanceof RpcCallError && e.problem.status < 500) throw e;
        if (e instanceof RpcCallError) return { status: 'unavailable', code: e.problem.code };
        throw e;
      }
    };
    const [intake, riskAssessment, advocacy, mentalHealth, probation] = await Promise.all([
      ask<IntakeCasePart>('intake'),
      part<ScreeningTaskPart>('risk-assessment'),
      part<AdvocacyOfferPart>('advocacy'),
      part<KnownToServicesCheckPart>('mental-health'),
      part<KnownToServicesCheckPart>('probation'),
    ]);
    if (!intake) throw new HttpException(CASE_NOT_FOUND, 404);
    return { caseId, intake, riskAssessment, advocacy, mentalHealth, probation };
  }
}
