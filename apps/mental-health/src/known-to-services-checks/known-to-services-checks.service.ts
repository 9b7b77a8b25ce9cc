import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseReferredV1, type KnownToServicesCheckPart } from '@stac/contracts';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { KnownToServicesCheck } from './known-to-services-check.entity';

@Injectable()
export class KnownToServicesChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
  ) {}

  /** A referred case with a person of concern opens a known-to-services check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    if (!event.personOfConcernId) return;
    const inserted = await ctx.manager
      .createQueryBuilder()
      .insert()
      .into(KnownToServicesCheck)
      .values({
        id: randomUUID(),
        caseId: caseIdOf(ctx),
        personId: event.personOfConcernId,
        status: 'REQUESTED',
        answer: null,
        requestedAt: new Date(),
        answeredAt: null,
        version: 1,
      })
      .orIgnore()
      .returning('id')
      .execute();
    // Nothing inserted: another event already opened this record and its access.
    if ((inserted.raw as unknown[]).length === 0) return;
    await this.grants.open(ctx.manager, {
      caseId: caseIdOf(ctx),
      owner: 'mental-health',
      shares: [{ agency: 'police', agreementCode: 'mental-health-to-police' }, { agency: 'probation', agreementCode: 'mental-health-to-probation' }],
      actor: systemPrincipal('mental-health', 'mental-health'),
      correlationId: ctx.correlationId,
    });
  }

  async casePart(caseId: string): Promise<KnownToServicesCheckPart | null> {
    const c = await this.dataSource.manager.findOne(KnownToServicesCheck, { where: { caseId } });
    return c ? { checkId: c.id, status: c.status, answer: c.answer, requestedAt: c.requestedAt.toISOString() } : null;
  }
}
