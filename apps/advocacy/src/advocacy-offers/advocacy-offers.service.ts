import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseReferredV1, RiskLevelChangedV1, type AdvocacyOfferPart } from '@stac/contracts';
import { ADVOCACY_PRIORITY_FOR_LEVEL } from '@stac/domain';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { AdvocacyOffer } from './advocacy-offer.entity';

@Injectable()
export class AdvocacyOffersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
  ) {}

  /** A victim referred to advocacy is offered an advocate; a redelivered event opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    // Only a victim who consented, or was referred on a recorded lawful basis, is offered an advocate (AC-05).
    if (!event.advocacyReferralBasis) return;
    const inserted = await ctx.manager
      .createQueryBuilder()
      .insert()
      .into(AdvocacyOffer)
      .values({
        id: randomUUID(),
        caseId: caseIdOf(ctx),
        victimId: event.victimId,
        status: 'PENDING',
        openedAt: new Date(),
        version: 1,
      })
      .orIgnore()
      .returning('id')
      .execute();
    // Nothing inserted: another event already opened this record and its access.
    if ((inserted.raw as unknown[]).length === 0) return;
    await this.grants.open(ctx.manager, {
      caseId: caseIdOf(ctx),
      owner: 'advocacy',
      shares: [{ agency: 'police', agreementCode: 'advocacy-to-police' }],
      actor: systemPrincipal('advocacy', 'advocacy'),
      correlationId: ctx.correlationId,
    });
  }

  /**
   * The case's shared risk level sets how urgently the offer is worked. The offer is opened by the
   * referral (INTAKE stream), which can arrive after the level (RISK stream): until it exists the
   * event is retried with backoff. A change older than the one recorded is ignored.
   */
  @OnEvent(RiskLevelChangedV1)
  async onRiskLevelChanged(event: RiskLevelChangedV1, ctx: EventContext): Promise<void> {
    // Kept per case even before (or without) an offer; a late, older change never overwrites a newer one.
    await ctx.manager.query(
      `INSERT INTO case_risk_level (case_id, level, changed_at) VALUES ($1, $2, $3)
       ON CONFLICT (case_id) DO UPDATE SET level = excluded.level, changed_at = excluded.changed_at
       WHERE case_risk_level.changed_at < excluded.changed_at`,
      [caseIdOf(ctx), event.level, new Date(event.changedAt)],
    );
  }

  async casePart(caseId: string): Promise<AdvocacyOfferPart | null> {
    // One round trip: the offer with the case's risk level, read on every case view.
    const [row]: { id: string; status: AdvocacyOfferPart['status']; opened_at: Date; level: string | null }[] = await this.dataSource.query(
      `SELECT o.id, o.status, o.opened_at, r.level
         FROM advocacy_offer o LEFT JOIN case_risk_level r ON r.case_id = o.case_id
        WHERE o.case_id = $1`,
      [caseId],
    );
    if (!row) return null;
    const priority = row.level ? ADVOCACY_PRIORITY_FOR_LEVEL[row.level as keyof typeof ADVOCACY_PRIORITY_FOR_LEVEL] : null;
    return { offerId: row.id, status: row.status, openedAt: row.opened_at.toISOString(), priority };
  }

}
