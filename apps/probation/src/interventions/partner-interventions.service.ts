import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { InterventionStatusChangedV1, type PartnerInterventionView } from '@stac/contracts';
import { ENFORCEMENT_TRIGGERS, PROBATION_ENFORCED_BASES } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { EnforcementReviewsService } from '../enforcement/enforcement-reviews.service';
import { PartnerIntervention, PartnerInterventionChange } from './partner-intervention.entity';

/**
 * The trust's interventions with the person of concern, on probation's record (domain.md §3 step 11, D13):
 * `intervention.status-changed` keeps every change as history and the latest status per intervention (a late,
 * older change never overwrites a newer one), shown to the practitioner on the probation record. A licence
 * condition or community-order requirement ending BREACHED or DISENGAGED opens an enforcement review on the
 * practitioner's worklist. Redelivery records nothing twice (one history row per trust version).
 */
@Injectable()
export class PartnerInterventionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enforcement: EnforcementReviewsService,
    private readonly clock: Clock,
  ) {}

  @OnEvent(InterventionStatusChangedV1)
  async onStatusChanged(event: InterventionStatusChangedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    const sourceVersion = ctx.envelope.aggregateVersion;
    const changedAt = new Date(event.changedAt);
    const change = Object.assign(new PartnerInterventionChange(), {
      interventionId: event.interventionId,
      sourceVersion,
      caseId,
      previousStatus: event.previousStatus ?? null,
      status: event.status,
      legalBasis: event.legalBasis,
      changedAt,
      receivedAt: this.clock.now(),
    } satisfies PartnerInterventionChange);
    const recorded = await ctx.manager.createQueryBuilder().insert().into(PartnerInterventionChange).values(change).orIgnore().returning('intervention_id').execute();
    if ((recorded.raw as unknown[]).length === 0) return; // this change is already on record
    await ctx.manager.query(
      `INSERT INTO partner_intervention (intervention_id, case_id, agency, status, legal_basis, changed_at, source_version)
       VALUES ($1, $2, 'mental-health', $3, $4, $5, $6)
       ON CONFLICT (intervention_id) DO UPDATE
         SET status = EXCLUDED.status, legal_basis = EXCLUDED.legal_basis, changed_at = EXCLUDED.changed_at, source_version = EXCLUDED.source_version
       WHERE partner_intervention.source_version < EXCLUDED.source_version`,
      [event.interventionId, caseId, event.status, event.legalBasis, changedAt, sourceVersion],
    );
    if (ENFORCEMENT_TRIGGERS.includes(event.status) && PROBATION_ENFORCED_BASES.includes(event.legalBasis)) {
      await this.enforcement.open(ctx.manager, { caseId, interventionId: event.interventionId, triggerStatus: event.status, legalBasis: event.legalBasis, changedAt });
    }
  }

  /** The case's partner interventions with their status history, oldest first. */
  async forCase(caseId: string, m: EntityManager = this.dataSource.manager): Promise<PartnerInterventionView[]> {
    const [current, changes] = await Promise.all([
      m.find(PartnerIntervention, { where: { caseId }, order: { changedAt: 'ASC', interventionId: 'ASC' } }),
      m.find(PartnerInterventionChange, { where: { caseId }, order: { sourceVersion: 'ASC' } }),
    ]);
    return current.map((i) => ({
      interventionId: i.interventionId,
      agency: i.agency,
      status: i.status,
      legalBasis: i.legalBasis,
      changedAt: i.changedAt.toISOString(),
      history: changes
        .filter((c) => c.interventionId === i.interventionId)
        .map((c) => ({ previousStatus: c.previousStatus, status: c.status, changedAt: c.changedAt.toISOString() })),
    }));
  }
}
