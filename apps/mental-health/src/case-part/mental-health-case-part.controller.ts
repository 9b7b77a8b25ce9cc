import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AccessControl, AccessLog, isOwningAccess, type FieldGroup } from '@stac/auth';
import { CASE_PART, CasePartQuery, type CasePartAnswer, type MentalHealthCasePart, type RpcRequest } from '@stac/contracts';
import { currentChecks } from '@stac/partner-checks';
import { Clock, parseRpcBody } from '@stac/runtime';
import { ArrangementsService } from '../arrangements/arrangements.service';
import { MhConsultationsService } from '../consultations/mh-consultations.service';
import { InterventionsService } from '../interventions/interventions.service';
import { checkView, KnownToServicesChecksService } from '../known-to-services-checks/known-to-services-checks.service';
import { disclosureBasis } from '../trust-workflow';

/**
 * The trust's part of the unified case view: what it shares (check answers and contact routes, advice
 * summaries and recommendation codes, arrangements, intervention statuses), never a clinical note. Like
 * every case-part read it is decided per request and logged before it leaves; a read by a partner agency is
 * a disclosure and records its purpose and legal basis (Caldicott).
 */
@Controller()
export class MentalHealthCasePartController {
  constructor(
    private readonly access: AccessControl,
    private readonly accessLog: AccessLog,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly checks: KnownToServicesChecksService,
    private readonly consultations: MhConsultationsService,
    private readonly arrangements: ArrangementsService,
    private readonly interventions: InterventionsService,
  ) {}

  @MessagePattern(CASE_PART['mental-health'])
  async casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<MentalHealthCasePart>> {
    const { caseId, fieldGroups } = await parseRpcBody(CasePartQuery, req.body);
    const granted = await this.access.authorize(req, {
      action: 'case.read',
      caseId,
      fieldGroups: fieldGroups as FieldGroup[] | undefined,
      recordType: 'mental-health-case-part',
      operation: 'consultation',
    });
    const part = await this.load(caseId);
    if (!part) return null;
    const owning = isOwningAccess(granted.decision);
    await this.accessLog.record(this.dataSource, {
      operation: owning ? 'consultation' : 'disclosure',
      action: 'case.read',
      principal: granted.principal,
      recordType: 'mental-health-case-part',
      recordIds: [
        caseId,
        ...part.checks.map((c) => c.checkId),
        ...part.consultations.map((c) => c.consultationId),
        ...part.arrangements.map((a) => a.arrangementId),
        ...part.interventions.map((i) => i.interventionId),
      ],
      fieldGroups: granted.fieldGroups,
      purpose: granted.purpose,
      legalBasis: disclosureBasis({ ...granted, owning }),
      recipients: [granted.principal.agency],
      decision: granted.decision,
      correlationId: req.correlationId,
    });
    return part;
  }

  private async load(caseId: string): Promise<MentalHealthCasePart | null> {
    const m = this.dataSource.manager;
    const now = this.clock.now();
    // Sequential: one pooled connection per read is enough.
    const all = await this.checks.forCase(m, caseId);
    const checks = all.map((c) => checkView(c, now));
    if (!checks.length) return null;
    // The summary is of the checks that stand (one answered while the person was unknown is replaced by the re-check).
    const standing = currentChecks(all).map((c) => checkView(c, now));
    const consultations = await this.consultations.forCase(m, caseId);
    const arrangements = await this.arrangements.views(m, caseId);
    const interventions = await this.interventions.views(m, caseId);
    const first = standing[0];
    const answered = standing.find((c) => c.answer === 'YES') ?? standing.find((c) => c.status === 'ANSWERED');
    return {
      checkId: first.checkId,
      status: first.status,
      answer: first.answer,
      requestedAt: first.requestedAt,
      knownToServices: answered ? `known to mental-health services: ${answered.answer}${answered.contactRoute ? ', contact route available' : ''}` : null,
      checks,
      consultations: consultations.map((c) => ({
        consultationId: c.id,
        status: c.status,
        urgency: c.urgency,
        adviceSummary: c.adviceSummary,
        recommendation: c.recommendation,
        adviceSharedAt: c.adviceSharedAt?.toISOString() ?? null,
      })),
      arrangements: arrangements.map((a) => ({
        arrangementId: a.arrangementId,
        kind: a.kind,
        status: a.status,
        leadAgency: a.leadAgency,
        reviewDate: a.reviewDate,
        diversionOutcome: a.diversionOutcome,
      })),
      interventions: interventions.map((i) => ({
        interventionId: i.interventionId,
        status: i.status,
        legalBasis: i.legalBasis,
        sessionsPlanned: i.sessionsPlanned,
        sessionsAttended: i.sessionsAttended,
      })),
    };
  }
}
