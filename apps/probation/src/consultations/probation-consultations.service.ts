import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CaseStageChangedV1, ProbationConsultationCompletedV1, type ConsultationCommand, type ExclusionZone, type ProbationConsultationView } from '@stac/contracts';
import { caseIdOf, OnEvent, Outbox, type EventContext } from '@stac/messaging';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { ProbationKeys } from '../keys/probation-keys';
import { ProbationCaseStage } from '../sentence/probation-case-stage.entity';
import { ProbationConsultation, type StoredLicenceCondition } from './probation-consultation.entity';

const ZONES_COLUMN = 'exclusion_zones';
const SUMMARY_COLUMN = 'summary';

function invalid(field: string, message: string) {
  return rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field, message }] });
}

/** How a reader sees a consultation: zones only with victim.location, the summary only for probation's own team. */
export interface ConsultationReader {
  withZones: boolean;
  owning: boolean;
}

/**
 * Probation consultations on complex cases (D12): pre-sentence report input and post-conviction advice,
 * with coded recommendations and licence-condition recommendations. An exclusion zone's geography reveals
 * where the victim lives or works: it is victim.location, sealed with probation's own key and bound to its
 * row, opened only for a reader asking for (and granted) that field group; every other reader sees only
 * that a zone exists.
 */
@Injectable()
export class ProbationConsultationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly keys: ProbationKeys,
  ) {}

  /** Probation learns of the conviction from intake's stage changes (a post-conviction consultation needs one). */
  @OnEvent(CaseStageChangedV1)
  async onCaseStageChanged(event: CaseStageChangedV1, ctx: EventContext): Promise<void> {
    if (event.machine !== 'CJ_STAGE') return;
    const at = new Date(ctx.envelope.occurredAt);
    const convicted = event.to === 'CONVICTED' || event.to === 'SENTENCED';
    await ctx.manager.query(
      `INSERT INTO probation_case_stage (case_id, cj_stage, convicted_at, changed_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (case_id) DO UPDATE SET cj_stage = EXCLUDED.cj_stage,
         convicted_at = CASE WHEN $5 THEN COALESCE(probation_case_stage.convicted_at, EXCLUDED.convicted_at) ELSE NULL END,
         changed_at = EXCLUDED.changed_at
       WHERE probation_case_stage.changed_at <= EXCLUDED.changed_at`,
      [caseIdOf(ctx), event.to, convicted ? at : null, at, convicted],
    );
  }

  async record(cmd: ConsultationCommand, ctx: RequestContext): Promise<ProbationConsultationView> {
    const conditions = cmd.licenceConditions ?? [];
    conditions.forEach((c, i) => {
      if (c.type === 'EXCLUSION_ZONE' && !c.exclusionZone) throw invalid(`licenceConditions.${i}.exclusionZone`, 'an EXCLUSION_ZONE condition needs its zone');
      if (c.type !== 'EXCLUSION_ZONE' && c.exclusionZone) throw invalid(`licenceConditions.${i}.exclusionZone`, 'only an EXCLUSION_ZONE condition has a zone');
    });
    // The answer may hold victim.location, so what was asked to be shown is part of the request.
    return this.dataSource.transaction((m) => ctx.idempotent(m, 'probation.consultation.record', { ...cmd, fieldGroups: ctx.fieldGroups }, async () => {
      const now = this.clock.now();
      if (cmd.kind === 'POST_CONVICTION') {
        const stage = await m.findOne(ProbationCaseStage, { where: { caseId: cmd.caseId } });
        if (!stage?.convictedAt) throw rpcProblem(409, 'not-convicted', 'A post-conviction consultation needs the conviction recorded on the case');
      }
      const id = randomUUID();
      const zones: ExclusionZone[] = [];
      const stored: StoredLicenceCondition[] = conditions.map((c) => {
        if (!c.exclusionZone) return { type: c.type, note: c.note ?? null, zone: null };
        zones.push({ description: c.exclusionZone.description, ...(c.exclusionZone.radiusMetres ? { radiusMetres: c.exclusionZone.radiusMetres } : {}) });
        return { type: c.type, note: c.note ?? null, zone: zones.length - 1 };
      });
      const row = Object.assign(new ProbationConsultation(), {
        id,
        caseId: cmd.caseId,
        kind: cmd.kind,
        recommendationCodes: cmd.recommendationCodes,
        summaryEnc: cmd.summary ? this.keys.seal(cmd.summary, id, SUMMARY_COLUMN) : null,
        summaryUnsealed: null,
        licenceConditions: stored,
        exclusionZonesEnc: zones.length ? this.keys.seal(zones, id, ZONES_COLUMN) : null,
        completedBy: ctx.principal.subject,
        completedAt: now,
      } satisfies ProbationConsultation);
      await m.insert(ProbationConsultation, row);
      await this.outbox.enqueue(
        m,
        ProbationConsultationCompletedV1,
        {
          caseId: cmd.caseId,
          aggregateVersion: 1,
          additionalInformation: {
            consultationId: id,
            kind: cmd.kind,
            recommendationCodes: cmd.recommendationCodes,
            licenceConditionTypes: stored.map((c) => c.type),
            completedAt: now.toISOString(),
          },
        },
        { correlationId: ctx.correlationId, traceparent: ctx.traceparent },
      );
      await ctx.audit(m, { recordIds: [cmd.caseId, id] });
      return this.view(row, { withZones: ctx.fieldGroups.includes('victim.location'), owning: true });
    }));
  }

  async forCase(caseId: string, reader: ConsultationReader, m: EntityManager = this.dataSource.manager): Promise<ProbationConsultationView[]> {
    const rows = await m.find(ProbationConsultation, { where: { caseId }, order: { completedAt: 'ASC' } });
    return rows.map((r) => this.view(r, reader));
  }

  view(r: ProbationConsultation, reader: ConsultationReader): ProbationConsultationView {
    const zones = reader.withZones && r.exclusionZonesEnc ? this.keys.open<ExclusionZone[]>(r.exclusionZonesEnc, r.id, ZONES_COLUMN) : null;
    return {
      consultationId: r.id,
      caseId: r.caseId,
      kind: r.kind,
      recommendationCodes: r.recommendationCodes,
      ...(reader.owning ? { summary: r.summaryEnc ? this.keys.open<string>(r.summaryEnc, r.id, SUMMARY_COLUMN) : r.summaryUnsealed } : {}),
      licenceConditions: r.licenceConditions.map((c) => ({
        type: c.type,
        note: c.note,
        hasExclusionZone: c.zone !== null,
        // victim.location (AC-03): present only when asked for and granted; never silently included.
        ...(zones && c.zone !== null ? { exclusionZone: zones[c.zone] } : {}),
      })),
      completedAt: r.completedAt.toISOString(),
    };
  }
}
