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

  /** Every referred victim is offered advocacy; a redelivered event opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
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
    const caseId = caseIdOf(ctx);
    const changedAt = new Date(event.changedAt);
    const offer = await ctx.manager.findOne(AdvocacyOffer, { where: { caseId }, lock: { mode: 'pessimistic_write' } });
    if (!offer) throw new Error('advocacy offer not opened yet; retry after the referral');
    if (offer.riskLevelChangedAt && offer.riskLevelChangedAt.getTime() > changedAt.getTime()) return;
    offer.priority = ADVOCACY_PRIORITY_FOR_LEVEL[event.level];
    offer.riskLevelChangedAt = changedAt;
    await ctx.manager.save(offer);
  }

  async casePart(caseId: string): Promise<AdvocacyOfferPart | null> {
    const o = await this.dataSource.manager.findOne(AdvocacyOffer, { where: { caseId } });
    return o ? { offerId: o.id, status: o.status, openedAt: o.openedAt.toISOString(), priority: o.priority ?? null } : null;
  }
}
