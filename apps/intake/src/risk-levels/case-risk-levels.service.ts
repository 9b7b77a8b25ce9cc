import { Injectable } from '@nestjs/common';
import { RiskLevelChangedV1 } from '@stac/contracts';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';

/** Keeps the case's shared risk level current from the risk service's events (one handler per event type). */
@Injectable()
export class CaseRiskLevels {
  /**
   * Records the new level unless a newer change is already recorded: events from the RISK stream can
   * arrive late or out of order, and the risk summary version (aggregateVersion) orders them.
   */
  @OnEvent(RiskLevelChangedV1)
  async onRiskLevelChanged(event: RiskLevelChangedV1, ctx: EventContext): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO case_risk_level (case_id, level, changed_at, summary_version, source_event_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id) DO UPDATE
         SET level = EXCLUDED.level, changed_at = EXCLUDED.changed_at,
             summary_version = EXCLUDED.summary_version, source_event_id = EXCLUDED.source_event_id
       WHERE case_risk_level.summary_version < EXCLUDED.summary_version
          OR (case_risk_level.summary_version = EXCLUDED.summary_version AND case_risk_level.changed_at < EXCLUDED.changed_at)`,
      [caseIdOf(ctx), event.level, new Date(event.changedAt), ctx.envelope.aggregateVersion, ctx.envelope.id],
    );
  }
}
