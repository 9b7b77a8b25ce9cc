import 'reflect-metadata';
import { CASE_PART, problem, RISK_CASE_VIEW, type RiskCaseViewAnswer } from '@stac/contracts';
import { RpcCallError } from '@stac/rpc';
import type { ServiceClient } from '../edge/service-client';
import { CaseViewService } from './case-view.service';

const caseId = '00000000-0000-4000-8000-0000000000c1';
const ctx = { correlationId: 'corr-1', token: 't', purpose: 'safeguarding' };
const task = { taskId: 't-1', status: 'OPEN', instrument: 'SASH', reason: 'REFERRAL', dueAt: '2026-12-03T09:00:00.000Z', openedAt: '2026-12-01T09:00:00.000Z' };
const summary = { caseId, level: null };

/** The view composed over services that answer `risk` for risk-assessment and an empty part elsewhere. */
async function compose(risk: () => Promise<unknown>) {
  const asked: string[] = [];
  const services = {
    call: async (service: string, pattern: string) => {
      asked.push(pattern);
      if (pattern === CASE_PART.intake) return { caseId, people: [] };
      if (service === 'risk-assessment') return risk();
      return null;
    },
  } as unknown as ServiceClient;
  const view = await new CaseViewService(services).compose(caseId, undefined, ctx);
  return { view, asked };
}

describe('CaseViewService: risk answers both of its parts in one request, each with its own status', () => {
  it('asks risk once, and shows the screening task and the summary each as risk answered it', async () => {
    const answer: RiskCaseViewAnswer = { screeningTask: { ok: true, answer: task }, summary: { ok: true, answer: summary as never } };
    const { view, asked } = await compose(async () => answer);
    expect(asked.filter((p) => p.startsWith('rpc.risk-assessment.'))).toEqual([RISK_CASE_VIEW]);
    expect(view.riskAssessment).toEqual({ status: 'available', data: task });
    expect(view.riskSummary).toEqual({ status: 'available', data: summary });
    expect(view.advocacy).toEqual({ status: 'none' });
  });

  it('AC-09: a part risk refuses with 404 is none, beside the other part; a part it failed is unavailable', async () => {
    const answer: RiskCaseViewAnswer = {
      screeningTask: { ok: false, problem: problem(404, 'not-found', 'No such case') },
      summary: { ok: false, problem: problem(503, 'database-unavailable', 'The service database is unavailable; try again shortly') },
    };
    const { view } = await compose(async () => answer);
    expect(view.riskAssessment).toEqual({ status: 'none' });
    expect(view.riskSummary).toEqual({ status: 'unavailable', code: 'database-unavailable' });
  });

  it('risk unreachable: both parts unavailable, the rest of the view intact', async () => {
    const { view } = await compose(async () => {
      throw new RpcCallError(problem(504, 'service-timeout', 'The risk-assessment service did not answer in time'));
    });
    expect(view.riskAssessment).toEqual({ status: 'unavailable', code: 'service-timeout' });
    expect(view.riskSummary).toEqual({ status: 'unavailable', code: 'service-timeout' });
    expect(view.intake).toEqual({ caseId, people: [] });
  });

  it('a refusal other than 404 fails the whole view with that problem, as a separate request would have', async () => {
    const answer: RiskCaseViewAnswer = { screeningTask: { ok: true, answer: task }, summary: { ok: false, problem: problem(400, 'invalid-id', 'caseId must be a UUID') } };
    await expect(compose(async () => answer)).rejects.toMatchObject({ problem: { status: 400, code: 'invalid-id' } });
  });
});
