import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { CASE_PART, type CasePartAnswer, type MentalHealthCasePart, type RpcRequest } from '@stac/contracts';
import { currentChecks } from '@stac/partner-checks';
import { CasePartReader, Clock, type LoggedRead } from '@stac/runtime';
import { ArrangementsService } from '../arrangements/arrangements.service';
import { MhConsultationsService } from '../consultations/mh-consultations.service';
import { InterventionsService } from '../interventions/interventions.service';
import { KnownToServicesCheck } from '../known-to-services-checks/known-to-services-check.entity';
import { checkView } from '../known-to-services-checks/known-to-services-checks.service';
import { disclosureBasis } from '../trust-workflow';

/** A check as the case part reads it, with whether the case has the trust's other records. */
type CheckRow = Pick<
  KnownToServicesCheck,
  'id' | 'caseId' | 'personId' | 'status' | 'reason' | 'answer' | 'requestedAt' | 'dueAt' | 'answeredAt' | 'answeredBy' | 'contactTeam' | 'contactRole' | 'contactHowToReach' | 'version'
> & { has_consultations: boolean; has_arrangements: boolean; has_interventions: boolean };

/**
 * The trust's part of the unified case view: what it shares (check answers and contact routes, advice
 * summaries and recommendation codes, arrangements, intervention statuses), never a clinical note. Like
 * every case-part read it is decided per request and logged before it leaves; a read by a partner agency is
 * a disclosure and records its purpose and legal basis (Caldicott).
 */
@Controller()
export class MentalHealthCasePartController {
  constructor(
    private readonly reader: CasePartReader,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly consultations: MhConsultationsService,
    private readonly arrangements: ArrangementsService,
    private readonly interventions: InterventionsService,
  ) {}

  @MessagePattern(CASE_PART['mental-health'])
  casePart(@Payload() req: RpcRequest<unknown>): Promise<CasePartAnswer<MentalHealthCasePart>> {
    return this.reader.read(req, {
      recordType: 'mental-health-case-part',
      load: (caseId, _granted, logged) => this.load(caseId, logged),
      recordIds: (part) => [
        ...part.checks.map((c) => c.checkId),
        ...part.consultations.map((c) => c.consultationId),
        ...part.arrangements.map((a) => a.arrangementId),
        ...part.interventions.map((i) => i.interventionId),
      ],
      legalBasis: disclosureBasis,
    });
  }

  /**
   * The checks and whether the case has consultations, arrangements or interventions, in one statement,
   * which also writes the access-log row naming the checks when the case has none of those (most cases);
   * each of those is read only when the case has one, and the row is then written after, naming them too.
   */
  private async load(caseId: string, read: LoggedRead): Promise<MentalHealthCasePart | null> {
    const m = this.dataSource.manager;
    const now = this.clock.now();
    const rows = await read<CheckRow>(
      `SELECT c.id, c.case_id AS "caseId", c.person_id AS "personId", c.status, c.reason, c.answer, c.requested_at AS "requestedAt",
              c.due_at AS "dueAt", c.answered_at AS "answeredAt", c.answered_by AS "answeredBy", c.contact_team AS "contactTeam",
              c.contact_role AS "contactRole", c.contact_how_to_reach AS "contactHowToReach", c.version,
              EXISTS (SELECT 1 FROM mh_consultation x WHERE x.case_id = c.case_id) AS has_consultations,
              EXISTS (SELECT 1 FROM mh_arrangement x WHERE x.case_id = c.case_id) AS has_arrangements,
              EXISTS (SELECT 1 FROM intervention x WHERE x.case_id = c.case_id) AS has_interventions
         FROM known_to_services_check c
        WHERE c.case_id = $1
        ORDER BY c.requested_at, c.id`,
      [caseId],
      {
        recordIds: 'ARRAY(SELECT id::text FROM part ORDER BY "requestedAt", id)',
        onlyIf: 'NOT EXISTS (SELECT 1 FROM part WHERE has_consultations OR has_arrangements OR has_interventions)',
      },
    );
    if (!rows.length) return null;
    const has = rows[0];
    const all = rows.map(({ has_consultations, has_arrangements, has_interventions, ...check }) => Object.assign(new KnownToServicesCheck(), check));
    const checks = all.map((c) => checkView(c, now));
    // The summary is of the checks that stand (one answered while the person was unknown is replaced by the re-check).
    const standing = currentChecks(all).map((c) => checkView(c, now));
    // Sequential: one pooled connection per read is enough.
    const consultations = has.has_consultations ? await this.consultations.forCase(m, caseId) : [];
    const arrangements = has.has_arrangements ? await this.arrangements.views(m, caseId) : [];
    const interventions = has.has_interventions ? await this.interventions.views(m, caseId) : [];
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
