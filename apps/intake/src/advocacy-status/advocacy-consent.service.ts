import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { VictimConsentChangedV1 } from '@stac/contracts';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';

export interface AdvocacyConsentStatus {
  state: string;
  scope: string[];
  changedAt: string;
}

/**
 * Keeps the victim's current consent to advocacy per case from the charity's events, so the police case
 * view shows whether the victim is supported, withdrew or declined (domain.md §6.6). Changes can arrive out of
 * order: the charity's sequence number orders them.
 */
@Injectable()
export class AdvocacyConsentStatuses {
  @OnEvent(VictimConsentChangedV1)
  async onConsentChanged(event: VictimConsentChangedV1, ctx: EventContext): Promise<void> {
    await ctx.manager.query(
      `INSERT INTO case_advocacy_consent (case_id, state, scope, sequence, changed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (case_id) DO UPDATE SET state = excluded.state, scope = excluded.scope, sequence = excluded.sequence, changed_at = excluded.changed_at
       WHERE case_advocacy_consent.sequence < excluded.sequence`,
      [caseIdOf(ctx), event.state, event.scope, event.sequence, new Date(event.changedAt)],
    );
  }

  async forCase(m: EntityManager, caseId: string): Promise<AdvocacyConsentStatus | null> {
    const [row] = await m.query(`SELECT state, scope, changed_at FROM case_advocacy_consent WHERE case_id = $1`, [caseId]);
    return advocacyConsentOf(row);
  }
}

/** A `case_advocacy_consent` row (state, scope, changed_at) as the case shows it; null when none. */
export function advocacyConsentOf(row: { state: string | null; scope: string[] | null; changed_at: Date | null } | undefined): AdvocacyConsentStatus | null {
  return row?.state ? { state: row.state, scope: row.scope ?? [], changedAt: (row.changed_at as Date).toISOString() } : null;
}
