import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Agency, ReviewDecision, RiskLevel } from '@stac/domain';
import {
  RiskAssessmentAssessedV1,
  type RiskAssessmentChanges,
  type RiskAssessmentDraft,
  type RiskAssessmentView,
} from '@stac/contracts';
import { AccessLog, type Principal } from '@stac/auth';
import { Outbox } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { InstrumentCatalogue } from '../instruments/instrument-catalogue';
import { RiskSummaryService } from '../risk-summary/risk-summary.service';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';
import {
  applyChanges,
  assertSubmittable,
  EMPTY_CONTENT,
  gatewayAnsweredYes,
  reviewDueFrom,
  type AssessmentContent,
  type ReviewInterval,
} from './assessment-rules';
import { RiskAssessment } from './risk-assessment.entity';
import { RiskRecordSealing } from './risk-record-sealing';

const NOT_FOUND = () => rpcProblem(404, 'assessment-not-found', 'No such risk assessment on this case');

/** Risk assessments: drafts, submission, second-person review, and becoming current (DRAFT -> SUBMITTED -> CURRENT -> SUPERSEDED). */
@Injectable()
export class RiskAssessmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly catalogue: InstrumentCatalogue,
    private readonly summaries: RiskSummaryService,
    private readonly tasks: ScreeningTasksService,
    private readonly outbox: Outbox,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly sealing: RiskRecordSealing,
  ) {}

  async create(caseId: string, draft: RiskAssessmentDraft, ctx: RequestContext): Promise<RiskAssessmentView> {
    return this.dataSource.transaction(async (m) => {
      const p = ctx.principal;
      return ctx.idempotent(
        m,
        'risk.assessment.create',
        { caseId, draft },
        async () => {
          const def = await this.catalogue.get(draft.instrument, draft.instrumentVersion, m);
          if (!def.subjects.includes(draft.subject)) {
            throw rpcProblem(400, 'validation-failed', 'The request is not valid', {
              errors: [
                {
                  field: 'subject',
                  message: `${def.code} v${def.version} assesses ${def.subjects.join(', ')}`,
                },
              ],
            });
          }
          if (draft.taskId && !(await this.tasks.openTask(m, caseId, draft.taskId, p.agency))) {
            throw rpcProblem(
              422,
              'task-not-open',
              "taskId is not an open task of this case for the caller's agency",
            );
          }
          const content = applyChanges(EMPTY_CONTENT, draft, def);
          // rationale and formulation are not columns (sealed on save): set after create, which copies columns only.
          const a = m.create(RiskAssessment, {
            id: randomUUID(),
            caseId,
            subject: draft.subject,
            instrument: def.code,
            instrumentVersion: def.version,
            status: 'DRAFT',
            ...content,
            ownerAgency: p.agency,
            assessorIssuer: p.issuer,
            assessorSubject: p.subject,
            assessorRole: ctx.actingRole,
            reviewerIssuer: null,
            reviewerSubject: null,
            reviewerAgency: null,
            reviewerRole: null,
            reviewedAt: null,
            taskId: draft.taskId ?? null,
            createdAt: this.clock.now(),
            submittedAt: null,
            currentFrom: null,
            supersededAt: null,
            validUntil: null,
            nextReviewDue: null,
            reviewNotifiedFor: null,
          });
          Object.assign(a, { rationale: content.rationale, formulation: content.formulation });
          const saved = await m.save(a);
          await this.audit(m, 'collection', 'risk.assess', saved, ctx);
          return toAssessmentView(saved, false);
        },
      );
    });
  }

  async update(
    caseId: string,
    id: string,
    expectedVersion: number,
    changes: RiskAssessmentChanges,
    ctx: RequestContext,
  ): Promise<RiskAssessmentView> {
    return this.dataSource.transaction(async (m) => {
      const a = await this.loadForWrite(m, caseId, id, expectedVersion, ctx.principal);
      if (a.status !== 'DRAFT')
        throw rpcProblem(409, 'illegal-transition', `Only a DRAFT can be changed; this one is ${a.status}`);
      const def = await this.catalogue.get(a.instrument, a.instrumentVersion, m);
      Object.assign(a, applyChanges(contentOf(a), changes, def));
      this.sealing.seal(a); // rationale and formulation are not columns: sealed before the save (DP-02)
      const saved = await m.save(a);
      await this.audit(m, 'alteration', 'risk.assess', saved, ctx);
      return toAssessmentView(saved, false);
    });
  }

  /** Submits a draft: it becomes current at once, or waits for a second person's review when asked. */
  async submit(
    caseId: string,
    id: string,
    expectedVersion: number,
    ctx: RequestContext,
  ): Promise<RiskAssessmentView> {
    return this.dataSource.transaction(async (m) => {
      await this.lockCase(m, caseId);
      const a = await this.loadForWrite(m, caseId, id, expectedVersion, ctx.principal);
      if (a.status !== 'DRAFT') throw rpcProblem(409, 'illegal-transition', `Cannot submit from ${a.status}`);
      const def = await this.catalogue.get(a.instrument, a.instrumentVersion, m);
      assertSubmittable(contentOf(a), def);
      const now = this.clock.now();
      a.status = 'SUBMITTED';
      a.submittedAt = now;
      if (!a.requiresReview) await this.makeCurrent(m, a, now, ctx);
      const saved = await m.save(a);
      await this.audit(m, 'alteration', 'risk.assess', saved, ctx);
      return toAssessmentView(saved, false);
    });
  }

  /** Second-person review: another person approves (the assessment becomes current) or returns it to draft. */
  async review(
    caseId: string,
    id: string,
    expectedVersion: number,
    decision: ReviewDecision,
    ctx: RequestContext,
  ): Promise<RiskAssessmentView> {
    return this.dataSource.transaction(async (m) => {
      await this.lockCase(m, caseId);
      const p = ctx.principal;
      const a = await this.loadForWrite(m, caseId, id, expectedVersion, p);
      if (a.status !== 'SUBMITTED')
        throw rpcProblem(
          409,
          'illegal-transition',
          `Only a SUBMITTED assessment can be reviewed; this one is ${a.status}`,
        );
      if (a.assessorIssuer === p.issuer && a.assessorSubject === p.subject) {
        throw rpcProblem(
          403,
          'second-person-required',
          'The review must be made by someone other than the assessor',
        );
      }
      const now = this.clock.now();
      a.reviewerIssuer = p.issuer;
      a.reviewerSubject = p.subject;
      a.reviewerAgency = p.agency;
      a.reviewerRole = ctx.actingRole;
      a.reviewedAt = now;
      if (decision === 'APPROVE') await this.makeCurrent(m, a, now, ctx);
      else {
        a.status = 'DRAFT';
        a.submittedAt = null;
      }
      const saved = await m.save(a);
      await this.audit(m, 'alteration', 'risk.review', saved, ctx);
      return toAssessmentView(saved, false);
    });
  }

  async get(
    caseId: string,
    id: string,
    agency: Agency,
    withRestricted: boolean,
  ): Promise<RiskAssessmentView> {
    const a = await this.dataSource.manager.findOne(RiskAssessment, {
      where: { id, caseId, ownerAgency: agency },
    });
    if (!a) throw NOT_FOUND();
    return toAssessmentView(a, withRestricted);
  }

  async list(caseId: string, agency: Agency, withRestricted: boolean): Promise<RiskAssessmentView[]> {
    const all = await this.dataSource.manager.find(RiskAssessment, {
      where: { caseId, ownerAgency: agency },
      order: { createdAt: 'DESC' },
    });
    return all.map((a) => toAssessmentView(a, withRestricted));
  }

  /**
   * The assessment becomes the current one for its case and subject: the previous current one is
   * superseded, the review date is set from the judged level, the agency's open tasks on the case
   * are completed, the summary gets a new version, and the events go out with the change.
   */
  private async makeCurrent(
    m: EntityManager,
    a: RiskAssessment,
    now: Date,
    ctx: RequestContext,
  ): Promise<void> {
    const [superseded] = (await m.query(
      `UPDATE risk_assessment SET status = 'SUPERSEDED', superseded_at = $3, version = version + 1
        WHERE case_id = $1 AND subject = $2 AND status = 'CURRENT' RETURNING id`,
      [a.caseId, a.subject, now],
    )) as [{ id: string }[], number];
    const interval = await this.reviewInterval(m, a.level!);
    a.status = 'CURRENT';
    a.currentFrom = now;
    a.nextReviewDue = reviewDueFrom(now, interval);
    a.validUntil = a.nextReviewDue;
    await m.save(a);
    const completed = await this.tasks.completeFor(m, a);
    // A current screening whose gateway question is answered yes prompts the full DASH in a domestic context.
    const def = await this.catalogue.get(a.instrument, a.instrumentVersion, m);
    const dash = gatewayAnsweredYes(contentOf(a), def) ? await this.tasks.openDashTask(m, { caseId: a.caseId, agency: a.ownerAgency }) : null;
    const headers = {
      correlationId: ctx.correlationId,
      causationId: ctx.causationId,
      traceparent: ctx.traceparent,
    };
    await this.outbox.enqueue(
      m,
      RiskAssessmentAssessedV1,
      {
        caseId: a.caseId,
        aggregateVersion: a.version,
        detailUrl: `/api/v1/cases/${a.caseId}/risk-summary`,
        additionalInformation: {
          assessmentId: a.id,
          subject: a.subject,
          instrument: a.instrument,
          instrumentVersion: a.instrumentVersion,
          level: a.level!,
          maracFlag: a.maracFlag,
          assessedByAgency: a.ownerAgency,
          assessedAt: now.toISOString(),
          ...(a.nextReviewDue ? { nextReviewDue: a.nextReviewDue.toISOString() } : {}),
          ...(a.yesCount !== null ? { yesCount: a.yesCount } : {}),
        },
      },
      headers,
    );
    await this.summaries.recompute(m, a.caseId, a, now, headers);
    if (superseded.length || completed.length || dash) {
      await this.accessLog.append(m, {
        operation: 'alteration',
        action: 'risk.assess',
        principal: ctx.principal,
        recordType: 'risk-record',
        recordIds: [a.caseId, ...superseded.map((s) => s.id), ...completed, ...(dash ? [dash.id] : [])],
        fieldGroups: [],
        purpose: ctx.purpose,
        recipients: [a.ownerAgency],
        decision: ctx.decision,
        correlationId: ctx.correlationId,
      });
    }
  }

  private async reviewInterval(m: EntityManager, level: RiskLevel): Promise<ReviewInterval | undefined> {
    const [row] = await m.query(`SELECT interval_days, interval_months FROM review_policy WHERE level = $1`, [
      level,
    ]);
    return row ? { days: row.interval_days, months: row.interval_months } : undefined;
  }

  /** One writer per case at a time for transitions that touch the case's current set and summary. */
  private async lockCase(m: EntityManager, caseId: string): Promise<void> {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('risk-case:' || $1::text))`, [caseId]);
  }

  /** Records belong to the assessor's agency: another agency's assessment answers like a missing one. */
  private async loadForWrite(
    m: EntityManager,
    caseId: string,
    id: string,
    expectedVersion: number,
    p: Principal,
  ): Promise<RiskAssessment> {
    const a = await m
      .createQueryBuilder(RiskAssessment, 'a')
      .setLock('pessimistic_write')
      .where('a.id = :id AND a.case_id = :caseId AND a.owner_agency = :agency', {
        id,
        caseId,
        agency: p.agency,
      })
      .getOne();
    if (!a) throw NOT_FOUND();
    if (a.version !== expectedVersion) {
      throw rpcProblem(
        412,
        'version-mismatch',
        `The assessment has changed (now version ${a.version}); reload and retry`,
      );
    }
    return a;
  }

  private audit(
    m: EntityManager,
    operation: 'collection' | 'alteration',
    action: string,
    a: RiskAssessment,
    ctx: RequestContext,
  ) {
    return this.accessLog.append(m, {
      operation,
      action,
      principal: ctx.principal,
      recordType: 'risk-assessment',
      recordIds: [a.caseId, a.id],
      fieldGroups: a.rationale || a.formulation ? ['risk.rationale'] : [],
      purpose: ctx.purpose,
      recipients: [a.ownerAgency],
      decision: ctx.decision,
      correlationId: ctx.correlationId,
    });
  }
}

function contentOf(a: RiskAssessment): AssessmentContent {
  return {
    answers: a.answers,
    yesCount: a.yesCount,
    maracFlag: a.maracFlag,
    level: a.level,
    rationale: a.rationale,
    domainLevels: a.domainLevels ?? {},
    stalkerType: a.stalkerType,
    stalkerTypeShared: a.stalkerTypeShared,
    formulation: a.formulation,
    requiresReview: a.requiresReview,
  };
}

/** Rationale and formulation (field group `risk.rationale`) only when asked for and granted (AC-03). */
export function toAssessmentView(a: RiskAssessment, withRestricted: boolean): RiskAssessmentView {
  return {
    assessmentId: a.id,
    caseId: a.caseId,
    subject: a.subject,
    instrument: a.instrument,
    instrumentVersion: a.instrumentVersion,
    status: a.status,
    ...(a.answers ? { answers: a.answers } : {}),
    yesCount: a.yesCount,
    maracFlag: a.maracFlag,
    level: a.level,
    levelSetBy: 'PROFESSIONAL_JUDGEMENT',
    ...(withRestricted ? { rationale: a.rationale, formulation: a.formulation } : {}),
    domainLevels: a.domainLevels ?? {},
    stalkerType: a.stalkerType,
    stalkerTypeShared: a.stalkerTypeShared,
    requiresReview: a.requiresReview,
    assessedBy: { agency: a.ownerAgency, role: a.assessorRole },
    reviewedBy: a.reviewerAgency ? { agency: a.reviewerAgency, role: a.reviewerRole ?? '' } : null,
    taskId: a.taskId,
    createdAt: a.createdAt.toISOString(),
    submittedAt: a.submittedAt?.toISOString() ?? null,
    currentFrom: a.currentFrom?.toISOString() ?? null,
    supersededAt: a.supersededAt?.toISOString() ?? null,
    nextReviewDue: a.nextReviewDue?.toISOString() ?? null,
    version: a.version,
  };
}
