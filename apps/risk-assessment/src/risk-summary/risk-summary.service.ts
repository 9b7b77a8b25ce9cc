import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { higherLevel, type DomainLevels, type RiskLevel, type StalkerType } from '@stac/domain';
import {
  RiskLevelChangedV1,
  type AssessorView,
  type RiskLevelHistoryView,
  type RiskSummaryAssessmentView,
  type RiskSummaryRequest,
  type RiskSummaryView,
} from '@stac/contracts';
import { Outbox, type EventHeaders } from '@stac/messaging';
import type { RequestContext } from '@stac/runtime';
import { RiskAssessment } from '../risk-assessments/risk-assessment.entity';

/** What is stored per summary version; the stalker type is kept with its sharing flag and filtered on read. */
interface SummarySnapshot {
  level: RiskLevel | null;
  domainLevels: DomainLevels;
  stalkerType: StalkerType | null;
  stalkerTypeShared: boolean;
  maracFlag: boolean;
  assessedBy: AssessorView | null;
  validUntil: string | null;
  nextReviewDue: string | null;
  current: RiskSummaryAssessmentView[];
}

const latestFirst = (a: RiskAssessment, b: RiskAssessment) => (b.currentFrom?.getTime() ?? 0) - (a.currentFrom?.getTime() ?? 0);

/** The shareable summary of the case's current assessments (pure; no rationale, answers or formulation). */
export function summarise(current: RiskAssessment[]): SummarySnapshot {
  const level = current.reduce<RiskLevel | null>((l, a) => higherLevel(l, a.level), null);
  // The assessment that set the case's level: the most recent one at that level.
  const setter = [...current].filter((a) => a.level === level).sort(latestFirst)[0];
  const formulation = [...current].filter((a) => a.subject === 'PERSON_OF_CONCERN').sort(latestFirst)[0];
  const reviews = current.map((a) => a.nextReviewDue).filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime());
  return {
    level,
    domainLevels: formulation?.domainLevels ?? {},
    stalkerType: formulation?.stalkerType ?? null,
    stalkerTypeShared: formulation?.stalkerTypeShared ?? false,
    maracFlag: current.some((a) => a.maracFlag),
    assessedBy: setter ? { agency: setter.ownerAgency, role: setter.assessorRole } : null,
    validUntil: setter?.validUntil?.toISOString() ?? null,
    nextReviewDue: reviews[0]?.toISOString() ?? null,
    current: [...current]
      .sort((a, b) => a.subject.localeCompare(b.subject))
      .map((a) => ({
        assessmentId: a.id,
        subject: a.subject,
        instrument: a.instrument,
        instrumentVersion: a.instrumentVersion,
        level: a.level!,
        assessedBy: { agency: a.ownerAgency, role: a.assessorRole },
        assessedAt: a.currentFrom!.toISOString(),
        validUntil: a.validUntil?.toISOString() ?? null,
        nextReviewDue: a.nextReviewDue?.toISOString() ?? null,
        maracFlag: a.maracFlag,
      })),
  };
}

/** The versioned shareable risk summary per case and its history of level changes (domain.md §4). */
@Injectable()
export class RiskSummaryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Records a new summary version after the case's current assessments changed, in the caller's
   * transaction; a changed level also emits `risk.level.changed.v1` there. Caller holds the case lock.
   */
  async recompute(m: EntityManager, caseId: string, cause: RiskAssessment, at: Date, headers: EventHeaders): Promise<{ version: number; levelChanged: boolean }> {
    const current = await m.find(RiskAssessment, { where: { caseId, status: 'CURRENT' } });
    const snapshot = summarise(current);
    const [prev] = await m.query(`SELECT version, level FROM risk_summary_version WHERE case_id = $1 ORDER BY version DESC LIMIT 1`, [caseId]);
    const version = ((prev?.version as number | undefined) ?? 0) + 1;
    const previousLevel = (prev?.level as RiskLevel | null | undefined) ?? null;
    const levelChanged = snapshot.level !== previousLevel;
    await m.query(
      `INSERT INTO risk_summary_version (case_id, version, effective_from, level, previous_level, level_changed, assessment_id, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [caseId, version, at, snapshot.level, previousLevel, levelChanged, cause.id, JSON.stringify(snapshot)],
    );
    if (levelChanged && snapshot.level) {
      await this.outbox.enqueue(
        m,
        RiskLevelChangedV1,
        {
          caseId,
          aggregateVersion: version,
          detailUrl: `/api/v1/cases/${caseId}/risk-summary`,
          additionalInformation: {
            ...(previousLevel ? { previousLevel } : {}),
            level: snapshot.level,
            assessmentId: cause.id,
            changedAt: at.toISOString(),
          },
        },
        headers,
      );
    }
    return { version, levelChanged };
  }

  /** The summary as `GetRiskSummary` answers it, its access-log row written before it leaves (LAW-02). */
  async read(body: RiskSummaryRequest, ctx: RequestContext): Promise<RiskSummaryView> {
    const summary = await this.get(body.caseId, { at: body.at ? new Date(body.at) : undefined, owning: ctx.owning });
    await ctx.audit(this.dataSource, { recordIds: [body.caseId] });
    return summary;
  }

  /**
   * The summary now, or reconstructed as it stood at `at` (the last version in effect then). The
   * stalker type is shown to the owning agency, and to others only where the assessor shared it.
   */
  async get(caseId: string, opts: { at?: Date; owning: boolean }): Promise<RiskSummaryView> {
    const [row] = await this.dataSource.query(
      `SELECT version, summary FROM risk_summary_version
        WHERE case_id = $1 AND ($2::timestamptz IS NULL OR effective_from <= $2)
        ORDER BY effective_from DESC, version DESC LIMIT 1`,
      [caseId, opts.at ?? null],
    );
    const s = (row?.summary as SummarySnapshot | undefined) ?? null;
    return {
      caseId,
      ...(opts.at ? { at: opts.at.toISOString() } : {}),
      level: s?.level ?? null,
      domainLevels: s?.domainLevels ?? {},
      stalkerType: s && (opts.owning || s.stalkerTypeShared) ? s.stalkerType : null,
      maracFlag: s?.maracFlag ?? false,
      assessedBy: s?.assessedBy ?? null,
      validUntil: s?.validUntil ?? null,
      nextReviewDue: s?.nextReviewDue ?? null,
      current: s?.current ?? [],
      version: (row?.version as number | undefined) ?? 0,
    };
  }

  async history(caseId: string): Promise<RiskLevelHistoryView> {
    const rows: { previous_level: RiskLevel | null; level: RiskLevel; effective_from: Date; assessment_id: string; summary: SummarySnapshot }[] =
      await this.dataSource.query(
        `SELECT previous_level, level, effective_from, assessment_id, summary FROM risk_summary_version
          WHERE case_id = $1 AND level_changed ORDER BY effective_from, version`,
        [caseId],
      );
    return {
      caseId,
      changes: rows.map((r) => ({
        previousLevel: r.previous_level,
        level: r.level,
        changedAt: new Date(r.effective_from).toISOString(),
        assessmentId: r.assessment_id,
        assessedBy: r.summary.assessedBy ?? { agency: 'unknown', role: 'unknown' },
      })),
    };
  }
}
