import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VictimSituationChangedV1, type SituationChangeCommand, type SituationChangeView } from '@stac/contracts';
import { Outbox } from '@stac/messaging';
import { Clock, type RequestContext } from '@stac/runtime';
import { CharityCipher } from '../charity-data/charity-cipher';
import { SafetyPlansService } from '../safety-plans/safety-plans.service';
import { headersOf, lockOffer } from '../victim-support/victim-support-record';

/**
 * A change of the victim's situation (moved, new partner, new job) is victim.location: sealed here with
 * the charity's key (domain.md §6.1). Only a thin `advocacy.victim.situation-changed.v1` leaves — the
 * risk service's VICTIM_MOVED re-assessment trigger — and the case's safety plan falls due for review.
 */
@Injectable()
export class VictimSituationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
    private readonly cipher: CharityCipher,
    private readonly plans: SafetyPlansService,
  ) {}

  record(cmd: SituationChangeCommand, ctx: RequestContext): Promise<SituationChangeView> {
    return this.dataSource.transaction((m) =>
      ctx.idempotent(m, 'victim-situation.record', cmd, async () => {
        const now = this.clock.now();
        const o = await lockOffer(m, cmd.caseId);
        const id = randomUUID();
        await m.query(
          `INSERT INTO victim_situation_change (id, case_id, change, effective_from, details_enc, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [id, o.case_id, cmd.change, new Date(cmd.effectiveFrom), this.cipher.seal(cmd.details, id, 'details_enc'), ctx.principal.subject, now],
        );
        await this.outbox.enqueue(
          m,
          VictimSituationChangedV1,
          { caseId: o.case_id, aggregateVersion: 1, additionalInformation: { changeId: id, change: cmd.change, changedAt: new Date(cmd.effectiveFrom).toISOString() } },
          headersOf(ctx),
        );
        await this.plans.reviewDue(m, o.case_id, 'VICTIM_SITUATION_CHANGED', now, headersOf(ctx));
        await ctx.audit(m, { recordIds: [o.case_id, id] });
        return { changeId: id, change: cmd.change, effectiveFrom: new Date(cmd.effectiveFrom).toISOString(), recordedAt: now.toISOString() };
      }),
    );
  }
}
