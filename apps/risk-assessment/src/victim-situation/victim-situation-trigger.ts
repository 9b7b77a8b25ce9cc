import { Injectable } from '@nestjs/common';
import { VictimSituationChangedV1 } from '@stac/contracts';
import { WorkingDayCalendar } from '@stac/domain';
import { caseIdOf, OnEvent, type EventContext } from '@stac/messaging';
import { Clock } from '@stac/runtime';
import { RiskCaseAccess } from '../case-access/risk-case-access';
import { ScreeningTasksService } from '../screening-tasks/screening-tasks.service';

/** A victim who moved (or has a new partner, a new job) changes the risk picture: re-assess within 3 working days (design choice). */
const VICTIM_MOVED_WORKING_DAYS = 3;

/**
 * The advocacy charity's thin `advocacy.victim.situation-changed.v1` opens (or joins) a VICTIM_MOVED
 * re-assessment task (domain.md §4 re-assessment triggers). Where the victim went never reaches this service.
 */
@Injectable()
export class VictimSituationTrigger {
  constructor(
    private readonly access: RiskCaseAccess,
    private readonly tasks: ScreeningTasksService,
    private readonly clock: Clock,
    private readonly calendar: WorkingDayCalendar,
  ) {}

  @OnEvent(VictimSituationChangedV1)
  async onVictimSituationChanged(_event: VictimSituationChangedV1, ctx: EventContext): Promise<void> {
    const caseId = caseIdOf(ctx);
    await this.access.ensureOpened(ctx.manager, caseId, ctx.correlationId);
    await this.tasks.trigger(ctx.manager, {
      caseId,
      reason: 'VICTIM_MOVED',
      eventId: ctx.envelope.id,
      dueAt: this.calendar.addWorkingDays(this.clock.now(), VICTIM_MOVED_WORKING_DAYS),
    });
  }
}
