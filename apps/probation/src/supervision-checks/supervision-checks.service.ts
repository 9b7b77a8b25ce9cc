import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CaseReferredV1, type KnownToServicesCheckPart } from '@stac/contracts';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { SupervisionCheck } from './supervision-check.entity';

@Injectable()
export class SupervisionChecksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
  ) {}

  /** A referred case with a person of concern opens a supervision check; redelivery opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    if (!event.personOfConcernId) return;
    const inserted = await ctx.manager
      .createQueryBuilder()
      .insert()
      .into(SupervisionCheck)
      .values({
        id: randomUUID(),
        caseId: caseIdOf(ctx),
        personId: event.personOfConcernId,
        status: 'REQUESTED',
        supervisionStatus: null,
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
      owner: 'probation',
      shares: [{ agency: 'police', agreementCode: 'probation-to-police' }, { agency: 'mental-health', agreementCode: 'probation-to-mental-health' }],
      actor: systemPrincipal('probation', 'probation'),
      correlationId: ctx.correlationId,
    });
  }

  async casePart(caseId: string): Promise<KnownToServicesCheckPart | null> {
    const c = await this.dataSource.manager.findOne(SupervisionCheck, { where: { caseId } });
    return c
      ? { checkId: c.id, status: c.status, answer: c.supervisionStatus, requestedAt: c.requestedAt.toISOString() }
      : null;
  }
}
