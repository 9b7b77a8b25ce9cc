import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { addWorkingDays } from '@stac/domain';
import { CaseReferredV1, type ScreeningTaskPart } from '@stac/contracts';
import { CaseAccessGrants, systemPrincipal } from '@stac/auth';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { ScreeningTask } from './screening-task.entity';

/** Screening target: advice to the case officer within one working day (domain.md §3, design choice). */
const SCREENING_WORKING_DAYS = 1;

@Injectable()
export class ScreeningTasksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly grants: CaseAccessGrants,
  ) {}

  /** Every referred stalking case gets a screening task; a redelivered event opens nothing new. */
  @OnEvent(CaseReferredV1)
  async onCaseReferred(event: CaseReferredV1, ctx: EventContext): Promise<void> {
    const referredAt = new Date(event.referredAt);
    const inserted = await ctx.manager
      .createQueryBuilder()
      .insert()
      .into(ScreeningTask)
      .values({
        id: randomUUID(),
        caseId: caseIdOf(ctx),
        victimId: event.victimId,
        status: 'OPEN',
        instrument: 'S_DASH',
        reason: 'NEW_REFERRAL',
        dueAt: addWorkingDays(referredAt, SCREENING_WORKING_DAYS),
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
      owner: 'police',
      shares: [],
      actor: systemPrincipal('risk-assessment', 'police'),
      correlationId: ctx.correlationId,
    });
  }

  async casePart(caseId: string): Promise<ScreeningTaskPart | null> {
    const t = await this.dataSource.manager.findOne(ScreeningTask, { where: { caseId } });
    return t
      ? {
          taskId: t.id,
          status: t.status,
          instrument: t.instrument,
          reason: t.reason,
          dueAt: t.dueAt.toISOString(),
          openedAt: t.openedAt.toISOString(),
        }
      : null;
  }
}
